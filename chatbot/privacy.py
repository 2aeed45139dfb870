"""What the chatbot stores about a person: the messages they reported.

Unanswered questions hold message texts without any link to a user, with long numbers
(NIK, phone) redacted when stored; a person who typed their own name into a question
is still named there, so erasure redacts their name from that inbox too.
"""

from __future__ import annotations

import re

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from chatbot.models import HoaxReport, UnansweredQuestion

ERASED = "[dihapus]"


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
    unanswered_forget(_identifiers(user))


def _identifiers(user) -> list[str]:
    from core.models import ResidentProfile

    digits = user.phone.lstrip("+")
    found = [user.full_name.strip(), digits]
    if digits.startswith("62"):
        found.append("0" + digits[2:])
    found += [
        n
        for n in ResidentProfile.objects.filter(user=user).values_list("nik", flat=True)
    ]
    return [n for n in found if n and len(n) >= 4]


def unanswered_forget(identifiers: list[str]) -> int:
    """Redact a person's name, phone and NIK wherever a question quotes them."""
    if not identifiers:
        return 0
    pattern = re.compile("|".join(re.escape(i) for i in identifiers), re.IGNORECASE)
    rows = UnansweredQuestion.objects.annotate(_examples=Cast("examples", TextField()))
    match = Q(pk__in=[])
    for ident in identifiers:
        match |= (
            Q(text__icontains=ident)
            | Q(terms__icontains=ident.lower())
            | Q(_examples__icontains=ident)
        )
    changed = 0
    for row in rows.filter(match):
        row.text = pattern.sub(ERASED, row.text)
        row.terms = pattern.sub(ERASED, row.terms)
        row.examples = [pattern.sub(ERASED, e) for e in row.examples]
        row.save(update_fields=["text", "terms", "examples"])
        changed += 1
    return changed
