"""Which published figures of a day are hidden (small-number suppression).

One national computation per day (`core.areas.rules.suppression_cells`), cached under
the area data version, so the map, the API, the chatbot and the downloads hide the
same cells: a "<5" shown anywhere cannot be recovered by subtracting published
figures from a parent's total.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache

from core.areas import rules as area_rules
from core.areas.cache import areas_cache_version
from core.areas.models import AreaDailyFigure
from core.cases.rules import FIGURES

# area code -> figure -> marker ("<5" or "≥5"), only for areas with a hidden cell.
DayMarks = dict[str, dict[str, str]]


def _compute(dates: list[dt.date]) -> dict[dt.date, DayMarks]:
    values: dict[dt.date, dict[str, dict[str, int]]] = {d: {} for d in dates}
    national: dict[dt.date, dict[str, int]] = {
        d: dict.fromkeys(FIGURES, 0) for d in dates
    }
    rows = AreaDailyFigure.objects.filter(
        level__in=(1, 2, 3, 4), date__in=dates
    ).values_list("date", "region_id", "level", *FIGURES)
    for date, code, level, *counts in rows.iterator(chunk_size=5000):
        row = dict(zip(FIGURES, counts, strict=True))
        values[date][code] = row
        if level == 1:
            for f, n in row.items():
                national[date][f] += n
    out: dict[dt.date, DayMarks] = {}
    for date in dates:
        day = values[date]
        if day:
            day[area_rules.NATIONAL] = national[date]
        marks: DayMarks = {}
        for (code, figure), marker in area_rules.suppression_cells(
            day, figures=FIGURES
        ).items():
            marks.setdefault(code, {})[figure] = marker
        out[date] = marks
    return out


def suppression_marks(dates: Iterable[dt.date]) -> dict[dt.date, DayMarks]:
    """The hidden cells of each day ({} for every day when SMALL_COUNT_SUPPRESSION is
    off)."""
    dates = sorted(set(dates))
    if not settings.SMALL_COUNT_SUPPRESSION:
        return {d: {} for d in dates}
    version = areas_cache_version()
    keys = {d: f"areas:sdc:{version}:{d.isoformat()}" for d in dates}
    found = cache.get_many(list(keys.values()))
    out = {d: found[k] for d, k in keys.items() if k in found}
    missing = [d for d in dates if d not in out]
    for start in range(0, len(missing), 31):
        computed = _compute(missing[start : start + 31])
        cache.set_many(
            {keys[d]: marks for d, marks in computed.items()},
            timeout=settings.SIGAP_AREAS_CACHE_SECONDS,
        )
        out.update(computed)
    return out


def day_marks(date: dt.date) -> DayMarks:
    return suppression_marks([date])[date]


def published_zone_explanation(
    explanation: dict, *, households: int, marks: dict[str, str]
) -> dict:
    """The explanation as published: its household count replaced by a range when
    that count is hidden."""
    marker = marks.get("households_confirmed_7d")
    if not marker or not explanation:
        return explanation
    return area_rules.redact_explanation(
        explanation, households=households, marker=marker
    )
