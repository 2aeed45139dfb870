"""Data-subject rights (UU PDP): export everything about a person, or erase it.

Each app registers what it holds in its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Q

from core.error_codes import CoreErrorCode
from core.exceptions import Conflict
from core.i18n import tr
from core.models import (
    ApiToken,
    ChannelIdentity,
    DeviceToken,
    Notification,
    OneTimeCode,
    ResidentProfile,
    User,
)

_exporters: dict[str, Callable[[User], dict | list]] = {}
_erasers: dict[str, Callable[[User], None]] = {}
_blockers: dict[str, Callable[[User], dict[str, str]]] = {}
_consent_blockers: dict[str, Callable[[User], dict[str, str]]] = {}


def register_exporter(name: str, fn: Callable[[User], dict | list]) -> None:
    _exporters[name] = fn


def register_eraser(name: str, fn: Callable[[User], None]) -> None:
    _erasers[name] = fn


def register_erasure_blocker(name: str, fn: Callable[[User], dict[str, str]]) -> None:
    """``fn(user)`` -> {what: why} for care in progress that erasure must not end
    silently (docs/privacy.md, "Erasure while in care")."""
    _blockers[name] = fn


def _blockers_of(registry: dict, user: User) -> dict[str, str]:
    blockers: dict[str, str] = {}
    for _name, fn in sorted(registry.items()):
        blockers.update(fn(user))
    return blockers


def user_erasure_blockers(*, user: User) -> dict[str, str]:
    return _blockers_of(_blockers, user)


def blocked_conflict(intro: dict[str, str], blockers: dict[str, str]) -> Conflict:
    """409 `active_isolation` for erasure or consent withdrawal refused while care is
    running: the intro and every blocker's reason (each written in the request's
    language by its app) in one message, the reasons also per field."""
    return Conflict(
        tr(intro) + " " + " ".join(blockers.values()),
        code=CoreErrorCode.ACTIVE_ISOLATION,
        fields=blockers,
    )


ERASURE_IN_CARE = {
    "id": "Akun belum dapat dihapus selama perawatan atau konsultasi masih berjalan:",
    "en": "The account cannot be deleted while care or a consultation is in progress:",
}


def register_consent_blocker(name: str, fn: Callable[[User], dict[str, str]]) -> None:
    """``fn(user)`` -> {what: why} for care in progress that needs the person's
    consent, so that withdrawing it must not stop silently (docs/privacy.md,
    "Withdrawing consent while in care")."""
    _consent_blockers[name] = fn


def user_consent_blockers(*, user: User) -> dict[str, str]:
    return _blockers_of(_consent_blockers, user)


def user_export(*, user: User) -> dict:
    profile = (
        ResidentProfile.objects.filter(user=user).select_related("home_village").first()
    )
    data: dict = {
        "account": {
            "phone": user.phone,
            "full_name": user.full_name,
            "role": user.role,
            "language": user.language,
            "date_joined": user.date_joined.isoformat(),
        },
        "profile": None,
        "devices": list(
            DeviceToken.objects.filter(user=user).values("platform", "created_at")
        ),
        "chat_accounts": list(
            ChannelIdentity.objects.filter(user=user).values("channel", "linked_at")
        ),
        "notifications": list(
            Notification.objects.filter(user=user).values(
                "channel", "kind", "body", "created_at", "status"
            )
        ),
    }
    if profile:
        data["profile"] = {
            "birth_date": profile.birth_date.isoformat()
            if profile.birth_date
            else None,
            "sex": profile.sex,
            "nik": profile.nik,
            "home_village": profile.home_village_id,
            "consent_given_at": profile.consent_given_at.isoformat()
            if profile.consent_given_at
            else None,
            "consent_purpose": profile.consent_purpose,
        }
    for name, fn in sorted(_exporters.items()):
        data[name] = fn(user)
    return data


@transaction.atomic
def user_erase(*, user: User) -> None:
    """Delete a resident's personal and health data; the account itself is anonymised
    so that audit rows (which must stay) keep pointing at a row without identity.

    Refused (409 ``active_isolation``) while the person is in care: an active isolation
    or an upcoming consultation would otherwise vanish from the nurse's board without a
    word. The refusal lists each blocker; nothing is erased."""
    user = User.objects.select_for_update().get(pk=user.pk)
    blockers = user_erasure_blockers(user=user)
    if blockers:
        raise blocked_conflict(ERASURE_IN_CARE, blockers)
    for _name, fn in sorted(_erasers.items()):
        fn(user)
    ApiToken.objects.filter(user=user).delete()
    # Sign-in codes carry the phone number and, by their use time, match the
    # account's last sign-in.
    OneTimeCode.objects.filter(phone=user.phone).delete()
    DeviceToken.objects.filter(user=user).delete()
    ChannelIdentity.objects.filter(user=user).delete()
    # Hers, and those to staff about her (PSC steps, alerts, consultations), pending
    # or sent: their bodies and data identify her.
    Notification.objects.filter(Q(user=user) | Q(subject=user)).delete()
    ResidentProfile.objects.filter(user=user).delete()
    user.phone = f"+0deleted{user.pk}"
    user.full_name = ""
    user.is_active = False
    user.last_login = None
    user.set_unusable_password()
    user.save()
