from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.models import Facility, Region, ResidentProfile

logger = logging.getLogger(__name__)

CONSENT_TTL = 120


# Token authentication learns the consent with the token (one query) and keeps it on
# the user it caches; a profile saved or deleted drops both caches.
_CONSENT_ATTR = "_sigap_consent_given"


def _consent_key(user_id: int) -> str:
    return f"consent:{user_id}"


def consent_remember(user, given: bool) -> None:
    """Note on this user object whether consent is given (read by `user_has_consent`
    for as long as the object lives: one request, or one token-cache life)."""
    setattr(user, _CONSENT_ATTR, bool(given))


def user_has_consent(user) -> bool:
    """Whether the resident has given health-data consent.

    Asked on every health-data write, so the answer (a yes/no per user id, nothing
    else) is kept in the shared cache, and dropped whenever the profile is saved or
    deleted: a withdrawal applies to the next request.
    """
    known = getattr(user, _CONSENT_ATTR, None)
    if known is not None:
        return known
    key = _consent_key(user.pk)
    try:
        given = cache.get(key)
    except Exception as exc:  # the cache is an optimisation: ask the database
        logger.warning("consent cache unavailable (%s)", type(exc).__name__)
        given, key = None, None
    if given is None:
        given = ResidentProfile.objects.filter(
            user_id=user.pk, consent_given_at__isnull=False
        ).exists()
        if key is not None:
            try:
                cache.set(key, given, CONSENT_TTL)
            except Exception as exc:
                logger.warning("consent cache unavailable (%s)", type(exc).__name__)
    return given


@receiver(post_save, sender=ResidentProfile, dispatch_uid="sigap_consent_saved")
@receiver(post_delete, sender=ResidentProfile, dispatch_uid="sigap_consent_deleted")
def _consent_changed(sender, instance: ResidentProfile, **kwargs) -> None:
    key = _consent_key(instance.user_id)
    cache.delete(key)
    # Again once the change is visible to others: a request that read the old row
    # just before the commit may have cached the old answer.
    transaction.on_commit(lambda: cache.delete(key))


def region_list(
    *, parent: str | None = None, level: int | None = None, q: str | None = None
) -> QuerySet[Region]:
    qs = Region.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("code")


def facility_list(
    *,
    district: str | None = None,
    kind: str | None = None,
    referral: bool | None = None,
) -> QuerySet[Facility]:
    qs = Facility.objects.filter(is_active=True).select_related("district")
    if district:
        # A kabupaten or province code matches every facility below it.
        qs = qs.filter(district__code__startswith=district)
    if kind:
        qs = qs.filter(kind=kind)
    if referral is not None:
        qs = qs.filter(is_referral=referral)
    return qs.order_by("name")


def session_list(*, user) -> QuerySet:
    """The user's own unexpired app sign-ins, newest first."""
    from django.utils import timezone

    from core.models import ApiToken

    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now()).order_by(
        "-created_at"
    )
