"""PSC 119 data in a resident's export and erasure."""

from __future__ import annotations

from core.models import Escalation, User


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
