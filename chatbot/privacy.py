"""What the chatbot stores about a person: only the messages they reported.

Unanswered questions and possible-match queues hold message texts without any link to
a user (and with long numbers redacted), so they are not personal data of a resident.
"""

from __future__ import annotations

from chatbot.models import HoaxReport


def reports_export(user) -> list[dict]:
    return [
        {
            "text": r.text,
            "note": r.note,
            "channel": r.channel,
            "state": r.state,
            "reported_at": r.created_at.isoformat(),
        }
        for r in HoaxReport.objects.filter(reporter=user).order_by("created_at")
    ]


def reports_erase(user) -> None:
    """Reports only this person made are deleted; reports others made too stay for the
    curators without the link to this person."""
    reports = HoaxReport.objects.filter(reporter=user)
    reports.filter(count__lte=1).delete()
    reports.update(reporter=None, note="")
