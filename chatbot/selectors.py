"""Reads for curators: statistics and inbox counts (admin only, no per-user scope)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from chatbot.models import (
    FaqEntry,
    HoaxEntry,
    HoaxReport,
    MatchStat,
    PossibleHoaxMatch,
    Status,
    UnansweredQuestion,
)
from chatbot.stats import reporting_day


def _since(days: int):
    return reporting_day() - timedelta(days=days - 1)


def matches_subquery(field: str, *, days: int = 30) -> Coalesce:
    """Annotation: how often each entry was matched in the last `days` days."""
    counts = (
        MatchStat.objects.filter(**{field: OuterRef("pk")}, day__gte=_since(days))
        .values(field)
        .annotate(total=Sum("count"))
        .values("total")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def stats_most_matched(*, days: int = 30, limit: int = 15) -> dict[str, list]:
    faq = (
        FaqEntry.objects.annotate(matches=matches_subquery("faq", days=days))
        .filter(matches__gt=0)
        .order_by("-matches")[:limit]
    )
    hoax = (
        HoaxEntry.objects.annotate(matches=matches_subquery("hoax", days=days))
        .filter(matches__gt=0)
        .order_by("-matches")[:limit]
    )
    return {"faq": list(faq), "hoax": list(hoax)}


def stats_daily(*, days: int = 30) -> list[dict]:
    """Per day: answered, suggested, hoax verdicts, possible, unanswered."""
    rows = (
        MatchStat.objects.filter(day__gte=_since(days))
        .values("day", "kind")
        .annotate(total=Sum("count"))
    )
    by_day: dict = {}
    for row in rows:
        by_day.setdefault(row["day"], {})[row["kind"]] = row["total"]
    out = []
    for offset in range(days):
        day = _since(days) + timedelta(days=offset)
        counts = by_day.get(day, {})
        total = sum(counts.values())
        out.append(
            {
                "day": day,
                "total": total,
                **{kind: counts.get(kind, 0) for kind in MatchStat.Kind.values},
                "unanswered_share": (
                    round(100 * counts.get("fallback", 0) / total) if total else 0
                ),
            }
        )
    return out


def inbox_counts() -> dict[str, int]:
    return {
        "unanswered": UnansweredQuestion.objects.filter(
            state=UnansweredQuestion.State.OPEN
        ).count(),
        "possible": PossibleHoaxMatch.objects.filter(
            state=PossibleHoaxMatch.State.PENDING
        ).count(),
        "reports": HoaxReport.objects.filter(state=HoaxReport.State.OPEN).count(),
    }


def unanswered_top(*, limit: int = 10) -> list[UnansweredQuestion]:
    return list(
        UnansweredQuestion.objects.filter(state=UnansweredQuestion.State.OPEN)
        .select_related("best_faq")
        .order_by("-count", "-last_seen_at")[:limit]
    )


def faq_by_category() -> list[dict]:
    return list(
        FaqEntry.objects.values("category", "status")
        .annotate(n=Count("id"))
        .order_by("category", "status")
    )


def faq_phrasings_changed_since(when, *, limit: int = 200) -> list[tuple[int, str]]:
    """(entry id, phrasing) of the published entries saved at or after `when`: what
    an index built at `when` may not know yet."""
    rows = (
        FaqEntry.objects.filter(status=Status.PUBLISHED, updated_at__gte=when)
        .order_by("-updated_at")
        .values_list("id", "question", "alternates")[:limit]
    )
    return [
        (pk, text)
        for pk, question, alternates in rows
        for text in (question, *alternates)
    ]
