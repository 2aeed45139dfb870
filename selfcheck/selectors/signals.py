"""Signals for health offices: self-checks per day and area (counts only)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q

from core.models import Region
from selfcheck import rules
from selfcheck.models import Assessment, AssessmentSymptom
from selfcheck.selectors.versions import REGION_CODE_PATTERN

# --- Signals for health offices ---------------------------------------------------

SIGNALS_MAX_DAYS = 92


def signals_daily(
    *, area: str | None, date_from: dt.date, date_to: dt.date
) -> list[dict]:
    """Daily counts per kecamatan by risk level and by symptom, with every count below
    5 shown as "<5". Anonymous by construction: only counts leave this function.

    Symptoms are those triage judged by, stored with each assessment: the ticked ones
    and, under triage-v2, fever from a measured temperature at or above 38.0 °C
    (`AssessmentSymptom.measured`), each by the rule version that judged it."""
    scope = Q(day__range=(date_from, date_to), district__isnull=False)
    if area:
        scope &= Q(district_id=area) | Q(district__code__startswith=f"{area}.")
    by_level = (
        Assessment.objects.filter(scope)
        .values("day", "district_id")
        .annotate(
            **{
                level: Count("pk", filter=Q(risk_level=level))
                for level in rules.RISK_LEVELS
            }
        )
        .order_by("day", "district_id")
    )
    by_symptom: dict[tuple, dict[str, int]] = defaultdict(dict)
    for row in (
        AssessmentSymptom.objects.filter(scope)
        .values("day", "district_id", "symptom")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_symptom[(row["day"], row["district_id"])][row["symptom"]] = row["n"]
    rows = list(by_level)
    names = dict(
        Region.objects.filter(code__in={r["district_id"] for r in rows}).values_list(
            "code", "name"
        )
    )
    return [
        {
            "date": row["day"],
            "district": {
                "code": row["district_id"],
                "name": names.get(row["district_id"]),
            },
            "risk_levels": {
                level: rules.suppress(row[level]) for level in rules.RISK_LEVELS
            },
            "symptoms": {
                symptom: rules.suppress(
                    by_symptom[(row["day"], row["district_id"])].get(symptom, 0)
                )
                for symptom in rules.SYMPTOMS
            },
        }
        for row in rows
    ]


def area_exists(code: str) -> bool:
    return (
        bool(REGION_CODE_PATTERN.match(code))
        and Region.objects.filter(code=code, level__lte=Region.Level.DISTRICT).exists()
    )
