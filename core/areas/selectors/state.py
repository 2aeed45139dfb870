"""The zone and figures of one area: on one day, its children, its history."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from core.areas import rules as area_rules
from core.areas.error_codes import AreaErrorCode
from core.areas.models import AreaBoundary, AreaDailyFigure, ZoneRule
from core.areas.selectors.regions import local_today, region_parents, region_ref
from core.areas.selectors.suppression import (
    day_marks,
    published_zone_explanation,
    suppression_marks,
)
from core.areas.services import zone_rule_for
from core.cases.rules import FIGURES, zero_figures
from core.exceptions import ApplicationError
from core.i18n import pick
from core.models import Region

MAX_HISTORY_DAYS = 366


def public_figures(figures: dict, marks: dict[str, str]) -> dict:
    """Figures as published: the day's hidden cells of this area (`day_marks`)
    replaced by their markers (SMALL_COUNT_SUPPRESSION)."""
    return area_rules.published(figures, marks)


def public_count(value: int, level: int) -> int | str:
    """One count on its own (no day to take complementary suppression from)."""
    return area_rules.public_count(
        value, level=level, enabled=settings.SMALL_COUNT_SUPPRESSION
    )


def enabled_zone_rules() -> list[ZoneRule]:
    return list(ZoneRule.objects.filter(is_enabled=True).order_by("effective_from"))


def zone_payload(
    region: Region,
    row: AreaDailyFigure | None,
    date: dt.date,
    lang: str,
    zone_rules,
    children: int,
    marks: dict[str, str] | None = None,
) -> dict | None:
    """The zone as published; `marks` are the area's hidden cells that day."""
    marks = marks or {}
    if row is not None and row.zone:
        rule = (
            next((r for r in zone_rules if r.pk == row.zone_rule_id), None)
            or row.zone_rule
        )
        return {
            "zone": row.zone,
            "label": pick(area_rules.ZONE_LABELS[row.zone], lang),
            "level": row.zone_level,
            "rule": {"version": rule.version, "name": rule.name},
            "explanation": pick(
                published_zone_explanation(
                    row.explanation,
                    households=row.households_confirmed_7d,
                    marks=marks,
                ),
                lang,
            ),
            "households_confirmed_7d": marks.get(
                "households_confirmed_7d", row.households_confirmed_7d
            ),
            "children": row.zone_counts or None,
        }
    rule = zone_rule_for(date, zone_rules)
    if rule is None:
        return None
    spec = rule.spec
    if region.level == Region.Level.VILLAGE:
        explanation = area_rules.explain_zone(
            zone="hijau",
            households=0,
            thresholds=spec.thresholds,
            rule_name=spec.name,
            version=spec.version,
        )
        counts = None
    else:
        result = area_rules.rollup([], children_total=children)
        counts = result.counts
        explanation = area_rules.explain_rollup(
            result=result,
            households=0,
            parent_level=region.level,
            rule_name=spec.name,
            version=spec.version,
        )
    return {
        "zone": "hijau",
        "label": pick(area_rules.ZONE_LABELS["hijau"], lang),
        "level": 0,
        "rule": {"version": rule.version, "name": rule.name},
        "explanation": pick(explanation, lang),
        "households_confirmed_7d": 0,
        "children": counts,
    }


def area_state(region: Region, *, lang: str, date: dt.date | None = None) -> dict:
    """Figures and zone of an area on a day (today in the area's time zone)."""
    date = date or local_today(region.code)
    row = (
        AreaDailyFigure.objects.select_related("zone_rule")
        .filter(region=region, date=date)
        .first()
    )
    children = 0
    if row is None and region.level < Region.Level.VILLAGE:
        children = Region.objects.filter(parent=region).count()
    figures = {f: getattr(row, f) for f in FIGURES} if row else zero_figures()
    marks = day_marks(date).get(region.code, {})
    return {
        "date": date,
        "figures": public_figures(figures, marks),
        "zone": zone_payload(
            region, row, date, lang, enabled_zone_rules(), children, marks
        ),
    }


def area_detail(region: Region, *, lang: str) -> dict:
    boundary = AreaBoundary.objects.filter(code=region.code).only("area_km2").first()
    return {
        **region_ref(region),
        "timezone": region.timezone,
        "latitude": region.latitude,
        "longitude": region.longitude,
        "area_km2": boundary.area_km2 if boundary else None,
        "has_boundary": boundary is not None,
        "parents": [region_ref(p) for p in region_parents(region)],
        **area_state(region, lang=lang),
    }


def area_children(region: Region, *, lang: str) -> list[dict]:
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        return []
    date = local_today(region.code)
    rows = {
        r.region_id: r
        for r in AreaDailyFigure.objects.filter(region__in=children, date=date)
    }
    grandchildren: dict[str, int] = {}
    if region.level < Region.Level.DISTRICT:
        for code in Region.objects.filter(parent__in=children).values_list(
            "parent_id", flat=True
        ):
            grandchildren[code] = grandchildren.get(code, 0) + 1
    zone_rules = enabled_zone_rules()
    marks = day_marks(date)
    out = []
    for child in children:
        row = rows.get(child.code)
        out.append(
            {
                **region_ref(child),
                "latitude": child.latitude,
                "longitude": child.longitude,
                "date": date,
                "figures": public_figures(
                    {f: getattr(row, f) for f in FIGURES} if row else zero_figures(),
                    marks.get(child.code, {}),
                ),
                "zone": zone_payload(
                    child,
                    row,
                    date,
                    lang,
                    zone_rules,
                    grandchildren.get(child.code, 0),
                    marks.get(child.code, {}),
                ),
            }
        )
    return out


def history_range(
    region: Region, *, start: dt.date | None, end: dt.date | None
) -> tuple[dt.date, dt.date]:
    """The days asked for: default the last 30 days, at most MAX_HISTORY_DAYS."""
    end = end or local_today(region.code)
    start = start or end - dt.timedelta(days=29)
    if start > end:
        raise ApplicationError(
            "'from' is after 'to'.",
            code=AreaErrorCode.INVALID_RANGE,
            fields={"from": "Harus sebelum 'to'."},
        )
    if (end - start).days + 1 > MAX_HISTORY_DAYS:
        raise ApplicationError(
            f"At most {MAX_HISTORY_DAYS} days per request.",
            code=AreaErrorCode.RANGE_TOO_LONG,
            fields={"from": f"Rentang paling panjang {MAX_HISTORY_DAYS} hari."},
        )
    return start, end


def area_history(region: Region, *, start: dt.date, end: dt.date) -> dict:
    """Daily figures and zone from `start` to `end` (both included), every day present."""
    rows = {
        r.date: r
        for r in AreaDailyFigure.objects.select_related("zone_rule").filter(
            region=region, date__gte=start, date__lte=end
        )
    }
    zone_rules = enabled_zone_rules()
    marks = suppression_marks(rows)
    days = []
    date = start
    while date <= end:
        row = rows.get(date)
        if row is not None:
            zone = row.zone or None
            version = row.zone_rule.version if row.zone_rule_id else None
        else:
            rule = zone_rule_for(date, zone_rules)
            zone = "hijau" if rule else None
            version = rule.version if rule else None
        days.append(
            {
                "date": date,
                **public_figures(
                    {f: getattr(row, f) for f in FIGURES} if row else zero_figures(),
                    marks.get(date, {}).get(region.code, {}),
                ),
                "zone": zone,
                "rule_version": version,
            }
        )
        date += dt.timedelta(days=1)
    return {"code": region.code, "from": start, "to": end, "days": days}
