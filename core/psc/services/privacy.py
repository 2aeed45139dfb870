"""PSC 119 data in a resident's export and erasure."""

from __future__ import annotations

from core.i18n import pick
from core.models import Escalation, User
from core.psc import content, rules


def psc_export(user: User) -> dict:
    return {
        "escalations": [
            {
                "id": e.pk,
                "created_at": e.created_at.isoformat(),
                "source": e.source,
                "trigger": e.trigger,
                "status": e.status,
                "consent_at": e.consent_at.isoformat(),
                "latitude": e.latitude,
                "longitude": e.longitude,
                "health": e.health,
                "note": e.note,
                "steps": [
                    {"action": a.action, "at": a.created_at.isoformat(), "note": a.note}
                    for a in e.actions.all()
                ],
            }
            for e in Escalation.objects.filter(resident=user).prefetch_related(
                "actions"
            )
        ]
    }


def psc_erase(user: User) -> None:
    # Console events carry no contact or health data; they go with the escalation.
    Escalation.objects.filter(resident=user).delete()


def psc_erasure_blockers(user: User) -> dict[str, str]:
    """An open escalation is an emergency a PSC is (or is about to be) working on:
    erasing it would make it vanish from the operators' queue without a word
    (docs/privacy.md, "Erasure while in care"). Closed and cancelled ones do not
    block; erasure deletes them."""
    open_one = (
        Escalation.objects.filter(resident=user, status__in=rules.OPEN_STATUSES)
        .select_related("region")
        .order_by("created_at")
        .first()
    )
    if open_one is None:
        return {}
    lang = content.language()
    return {
        "psc": pick(content.ERASURE_BLOCKED, lang).format(
            id=open_one.pk,
            region=open_one.region.name,
            status=content.status_label(open_one.status, lang),
        )
    }
