"""The recomputation itself: kelurahan figures from their cases and zoning rules, from
a day on, then rolled up to kecamatan, kabupaten/kota and provinsi."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.areas import rules as area_rules
from core.areas.selectors import local_today
from core.areas.services import zone_rule_for
from core.cases import rules
from core.db import insert_values
from core.models import AreaDailyFigure, Case, Region, ZoneRule

CHUNK = 500
SUM_FIELDS = rules.FIGURES


def _rule_cache() -> list[ZoneRule]:
    return list(ZoneRule.objects.filter(is_enabled=True).order_by("effective_from"))


# Columns of AreaDailyFigure as the recomputation writes them.
FIGURE_COLUMNS = (
    "region_id", "date", "level", *SUM_FIELDS, "zone", "zone_level", "zone_rule_id",
    "zone_counts", "explanation", "computed_at",
)  # fmt: skip
_NO_ZONE = ("", 0, None, {}, {})  # zone, level, rule id, zone_counts, explanation


def _zone_fields(
    households: int, date: dt.date, zone_rules: list[ZoneRule], memo: dict
) -> tuple:
    """Zone, level, rule id, zone counts and explanation for a count on a day. `memo`
    (one per recompute) keeps them per (rule, count): a recompute writes hundreds of
    thousands of rows with a handful of distinct answers, and equal answers share one
    explanation dict (serialised once)."""
    rule = zone_rule_for(date, zone_rules)
    if rule is None:
        return _NO_ZONE
    key = (rule.pk, households)
    if key not in memo:
        answer = _zone_answer(households, rule)
        memo[key] = (
            answer["zone"],
            answer["zone_level"],
            rule.pk,
            _NO_ZONE[3],
            answer["explanation"],
        )
    return memo[key]


def _zone_answer(households: int, rule: ZoneRule) -> dict:
    spec = rule.spec
    zone = area_rules.zone_for(households, spec.thresholds)
    return {
        "zone": zone,
        "zone_level": area_rules.ZONE_LEVEL[zone],
        "zone_rule": rule,
        "explanation": area_rules.explain_zone(
            zone=zone,
            households=households,
            thresholds=spec.thresholds,
            rule_name=spec.name,
            version=spec.version,
        ),
    }


def _transitions(timeline: list, days: dict) -> tuple:
    # Timelines repeat a few hundred distinct dates: parse each once.
    out = []
    for iso, state in timeline:
        day = days.get(iso)
        if day is None:
            day = days[iso] = dt.date.fromisoformat(iso)
        out.append((day, state))
    return tuple(out)


def kelurahan_recompute(since_by_code: dict[str, dt.date]) -> dict[str, dt.date]:
    """Recompute the figures of these kelurahan from their day on. Returns the
    kecamatan to roll up, with the first day that changed.

    The rows of one part are computed on a worker thread while the previous part is
    written (the database driver lets go of the GIL while it waits), so the Python
    work and the database work overlap."""
    zone_rules = _rule_cache()
    zone_memo: dict = {}
    days: dict[str, dt.date] = {}
    parents: dict[str, dt.date] = {}
    codes = sorted(since_by_code)

    def write(part: list[str], since: dt.date, new_rows: list[tuple]) -> None:
        with transaction.atomic():
            AreaDailyFigure.objects.filter(region_id__in=part, date__gte=since).delete()
            insert_values(AreaDailyFigure, FIGURE_COLUMNS, new_rows)

    pending = None
    with ThreadPoolExecutor(max_workers=1) as pool:
        for i in range(0, len(codes), CHUNK):
            part = codes[i : i + CHUNK]
            since = min(since_by_code[c] for c in part)
            tracks: dict[str, list[rules.Track]] = defaultdict(list)
            rows = (
                Case.objects.filter(kelurahan_id__in=part)
                .order_by()
                .values_list("kelurahan_id", "household_key", "timeline")
            )
            for code, household, timeline in rows.iterator(chunk_size=5000):
                tracks[code].append(
                    rules.Track(household, _transitions(timeline, days))
                )
            computed = pool.submit(
                _village_rows, part, tracks, since, zone_rules, zone_memo
            )
            if pending:
                write(pending[0], pending[1], pending[2].result())
            pending = (part, since, computed)
            for code in part:
                parent = code.rsplit(".", 1)[0]
                parents[parent] = min(parents.get(parent, since), since)
        if pending:
            write(pending[0], pending[1], pending[2].result())
    return parents


def _village_rows(
    part: list[str],
    tracks: dict[str, list[rules.Track]],
    since: dt.date,
    zone_rules: list[ZoneRule],
    zone_memo: dict,
) -> list[tuple]:
    """AreaDailyFigure rows (FIGURE_COLUMNS) of these kelurahan from `since` on. No
    database access: it runs on a worker thread."""
    now = timezone.now()
    new_rows = []
    for code in part:
        today = local_today(code)
        for date, figures in rules.daily_figure_rows(
            tracks.get(code, ()), since, today
        ):
            new_rows.append(
                (
                    code,
                    date,
                    Region.Level.VILLAGE,
                    *figures,
                    *_zone_fields(figures[_HOUSEHOLDS], date, zone_rules, zone_memo),
                    now,
                )
            )
    return new_rows


_HOUSEHOLDS = SUM_FIELDS.index("households_confirmed_7d")

# --- Roll-up -------------------------------------------------------------------------------------

_ZONE_COUNT = {zone: Count("pk", filter=Q(zone=zone)) for zone in area_rules.ZONES}


def _rollup_fields(
    zone_counts: tuple[int, ...],
    children_total: int,
    households: int,
    rule: ZoneRule,
    parent_level: int,
    memo: dict,
) -> tuple:
    """Zone fields of a parent from its children's zones (see `_zone_fields`)."""
    key = (rule.pk, zone_counts, children_total, households, parent_level)
    if key not in memo:
        result = area_rules.rollup(
            [
                z
                for z, n in zip(area_rules.ZONES, zone_counts, strict=True)
                for _ in range(n)
            ],
            children_total=children_total,
        )
        memo[key] = (
            result.zone,
            area_rules.ZONE_LEVEL[result.zone],
            rule.pk,
            result.counts,
            area_rules.explain_rollup(
                result=result,
                households=households,
                parent_level=parent_level,
                rule_name=rule.name,
                version=rule.version,
            ),
        )
    return memo[key]


def rollup_level(
    since_by_parent: dict[str, dt.date], parent_level: int
) -> dict[str, dt.date]:
    """Recompute parents (of `parent_level`) from their children's rows: sums of the
    figures and the most severe child zone. Returns the next level up to do."""
    zone_rules = _rule_cache()
    memo: dict = {}
    up: dict[str, dt.date] = {}
    codes = sorted(since_by_parent)
    for i in range(0, len(codes), CHUNK):
        part = codes[i : i + CHUNK]
        since = min(since_by_parent[c] for c in part)
        child_totals = dict(
            Region.objects.filter(parent_id__in=part)
            .values("parent_id")
            .annotate(n=Count("code"))
            .values_list("parent_id", "n")
        )
        grouped = (
            AreaDailyFigure.objects.filter(region__parent_id__in=part, date__gte=since)
            .values("region__parent_id", "date")
            .annotate(
                **{f: Sum(f) for f in SUM_FIELDS},
                **{f"z_{z}": c for z, c in _ZONE_COUNT.items()},
            )
            .order_by()
            .values_list(
                "region__parent_id",
                "date",
                *SUM_FIELDS,
                *(f"z_{z}" for z in area_rules.ZONES),
            )
        )
        now = timezone.now()
        sums = slice(2, 2 + len(SUM_FIELDS))
        zones = slice(2 + len(SUM_FIELDS), None)
        new_rows = []
        for row in grouped.iterator(chunk_size=5000):
            code, date = row[0], row[1]
            figures = [value or 0 for value in row[sums]]
            rule = zone_rule_for(date, zone_rules)
            if rule is None:
                zone_fields = _NO_ZONE
            else:
                zone_fields = _rollup_fields(
                    row[zones],
                    child_totals.get(code, 0),
                    figures[_HOUSEHOLDS],
                    rule,
                    parent_level,
                    memo,
                )
            new_rows.append((code, date, parent_level, *figures, *zone_fields, now))
        with transaction.atomic():
            AreaDailyFigure.objects.filter(region_id__in=part, date__gte=since).delete()
            insert_values(AreaDailyFigure, FIGURE_COLUMNS, new_rows)
        for code in part:
            if "." in code:
                parent = code.rsplit(".", 1)[0]
                up[parent] = min(
                    up.get(parent, since_by_parent[code]), since_by_parent[code]
                )
    return up


def figures_recompute(since_by_code: dict[str, dt.date]) -> None:
    """Kelurahan from their day on, then every level above them."""
    known = set(
        Region.objects.filter(code__in=list(since_by_code)).values_list(
            "code", flat=True
        )
    )
    parents = kelurahan_recompute(
        {c: d for c, d in since_by_code.items() if c in known}
    )
    for level in (Region.Level.DISTRICT, Region.Level.REGENCY, Region.Level.PROVINCE):
        if not parents:
            break
        parents = rollup_level(parents, level)
