"""Area figures derived from integrated cases, recomputed incrementally.

Ingest marks each touched kelurahan dirty from the first day that may have changed
(FigureDirty). `figures_recompute_dirty` recomputes those kelurahan from that day to
today, then rolls the change up to kecamatan, kabupaten/kota and provinsi. Figures
are never written anywhere else.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from core.areas import rules as area_rules
from core.areas.services import areas_cache_bump, zone_rule_for
from core.cases import rules
from core.db import bulk_insert_rows, bulk_update_rows
from core.models import AreaDailyFigure, Case, FigureDirty, Region, ZoneRule
from core.rules import zoneinfo_for_region

logger = logging.getLogger(__name__)

CHUNK = 500
LOCK_KEY = "cases:figures-recompute-lock"
QUEUED_KEY = "cases:figures-recompute-queued"
SUM_FIELDS = rules.FIGURES


def local_today(code: str) -> dt.date:
    return timezone.now().astimezone(zoneinfo_for_region(code)).date()


# --- The work queue -------------------------------------------------------------------------


def dirty_mark(since_by_code: dict[str, dt.date]) -> None:
    """Queue kelurahan for recomputation from a day on (keeping an earlier day already
    queued). Call inside the transaction that changed their cases."""
    if not since_by_code:
        return
    now = timezone.now()
    codes = list(since_by_code)
    for i in range(0, len(codes), CHUNK):
        part = codes[i : i + CHUNK]
        existing = {
            m.region_id: m for m in FigureDirty.objects.filter(region_id__in=part)
        }
        to_update = []
        to_create = []
        for code in part:
            since = since_by_code[code]
            mark = existing.get(code)
            if mark is None:
                to_create.append(
                    FigureDirty(region_id=code, since=since, marked_at=now)
                )
            else:
                mark.since = min(mark.since, since)
                mark.marked_at = now
                to_update.append(mark)
        FigureDirty.objects.bulk_create(to_create, ignore_conflicts=True)
        bulk_update_rows(FigureDirty, to_update, ["since", "marked_at"])


def schedule_recompute() -> None:
    """Run the recomputation after commit, at most one queued run at a time."""

    def enqueue() -> None:
        from core.cases.tasks import recompute_area_figures

        if cache.add(QUEUED_KEY, 1, timeout=30):
            recompute_area_figures.apply_async(countdown=2)

    transaction.on_commit(enqueue)


# --- Kelurahan figures ------------------------------------------------------------------------


def _rule_cache() -> list[ZoneRule]:
    return list(ZoneRule.objects.filter(is_enabled=True).order_by("effective_from"))


def _zone_fields(
    households: int, date: dt.date, zone_rules: list[ZoneRule], memo: dict
) -> dict:
    """Zone, rule and explanation for a count on a day. `memo` (one per recompute)
    keeps them per (rule, count): a recompute writes hundreds of thousands of rows
    with a handful of distinct answers."""
    rule = zone_rule_for(date, zone_rules)
    if rule is None:
        return {"zone": "", "zone_level": 0, "zone_rule": None, "explanation": {}}
    key = (rule.pk, households)
    if key not in memo:
        memo[key] = _zone_answer(households, rule)
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


def kelurahan_recompute(since_by_code: dict[str, dt.date]) -> dict[str, dt.date]:
    """Recompute the figures of these kelurahan from their day on. Returns the
    kecamatan to roll up, with the first day that changed."""
    zone_rules = _rule_cache()
    zone_memo: dict = {}
    parents: dict[str, dt.date] = {}
    codes = sorted(since_by_code)
    for i in range(0, len(codes), CHUNK):
        part = codes[i : i + CHUNK]
        since = min(since_by_code[c] for c in part)
        tracks: dict[str, list[rules.Track]] = defaultdict(list)
        rows = Case.objects.filter(kelurahan_id__in=part).values_list(
            "kelurahan_id", "household_key", "timeline"
        )
        for code, household, timeline in rows.iterator(chunk_size=2000):
            tracks[code].append(
                rules.Track(household, rules.timeline_from_data(timeline).transitions)
            )
        new_rows = []
        for code in part:
            today = local_today(code)
            for date, figures in rules.daily_figures(
                tracks.get(code, ()), since, today
            ).items():
                new_rows.append(
                    AreaDailyFigure(
                        region_id=code,
                        date=date,
                        level=Region.Level.VILLAGE,
                        **figures,
                        **_zone_fields(
                            figures["households_confirmed_7d"],
                            date,
                            zone_rules,
                            zone_memo,
                        ),
                    )
                )
            parent = code.rsplit(".", 1)[0]
            parents[parent] = min(parents.get(parent, since), since)
        with transaction.atomic():
            AreaDailyFigure.objects.filter(region_id__in=part, date__gte=since).delete()
            bulk_insert_rows(AreaDailyFigure, new_rows)
    return parents


# --- Roll-up -------------------------------------------------------------------------------------

_ZONE_COUNT = {zone: Count("pk", filter=Q(zone=zone)) for zone in area_rules.ZONES}


def rollup_level(
    since_by_parent: dict[str, dt.date], parent_level: int
) -> dict[str, dt.date]:
    """Recompute parents (of `parent_level`) from their children's rows: sums of the
    figures and the most severe child zone. Returns the next level up to do."""
    zone_rules = _rule_cache()
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
        )
        new_rows = []
        for row in grouped.iterator(chunk_size=2000):
            code, date = row["region__parent_id"], row["date"]
            figures = {f: row[f] or 0 for f in SUM_FIELDS}
            rule = zone_rule_for(date, zone_rules)
            zone_fields: dict = {
                "zone": "",
                "zone_level": 0,
                "zone_rule": None,
                "explanation": {},
            }
            counts: dict = {}
            if rule is not None:
                result = area_rules.rollup(
                    [z for z in area_rules.ZONES for _ in range(row[f"z_{z}"])],
                    children_total=child_totals.get(code, 0),
                )
                counts = result.counts
                zone_fields = {
                    "zone": result.zone,
                    "zone_level": area_rules.ZONE_LEVEL[result.zone],
                    "zone_rule": rule,
                    "explanation": area_rules.explain_rollup(
                        result=result,
                        households=figures["households_confirmed_7d"],
                        parent_level=parent_level,
                        rule_name=rule.name,
                        version=rule.version,
                    ),
                }
            new_rows.append(
                AreaDailyFigure(
                    region_id=code,
                    date=date,
                    level=parent_level,
                    zone_counts=counts,
                    **figures,
                    **zone_fields,
                )
            )
        with transaction.atomic():
            AreaDailyFigure.objects.filter(region_id__in=part, date__gte=since).delete()
            bulk_insert_rows(AreaDailyFigure, new_rows)
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


def figures_recompute_dirty(*, limit: int = 5000) -> int:
    """Work off the queue (up to `limit` kelurahan). Returns how many were done; a mark
    touched again while we worked stays queued for the next run."""
    if not cache.add(LOCK_KEY, 1, timeout=600):
        return 0
    try:
        started = timezone.now()
        marks = dict(
            FigureDirty.objects.order_by("since").values_list("region_id", "since")[
                :limit
            ]
        )
        if not marks:
            return 0
        figures_recompute(marks)
        FigureDirty.objects.filter(
            region_id__in=list(marks), marked_at__lte=started
        ).delete()
        areas_cache_bump()
        logger.info("area figures recomputed for %d kelurahan", len(marks))
        return len(marks)
    finally:
        cache.delete(LOCK_KEY)


def figures_recompute_all(*, progress=None) -> int:
    """Work off the whole queue now (import command, demo)."""
    total = 0
    while True:
        done = figures_recompute_dirty()
        if not done:
            return total
        total += done
        if progress:
            progress(done)


def figures_roll_forward() -> int:
    """A new day: kelurahan whose last row still has people in care or households in
    the 7-day window get recomputed from that row on (states carry over, suspects
    expire, the window slides). Returns how many were queued."""
    latest = (
        AreaDailyFigure.objects.filter(region=OuterRef("region"))
        .order_by("-date")
        .values("date")[:1]
    )
    today = timezone.now().date()
    rows = (
        AreaDailyFigure.objects.filter(level=Region.Level.VILLAGE, date__lt=today)
        .filter(date=Subquery(latest))
        .annotate(
            ongoing=F("active_confirmed")
            + F("suspect")
            + F("probable")
            + F("households_confirmed_7d")
        )
        .filter(ongoing__gt=0)
        .values_list("region_id", "date")
    )
    since = dict(rows)
    if since:
        with transaction.atomic():
            dirty_mark(since)
    return len(since)


def dirty_from_changes(
    changes: Iterable[tuple[str, dt.date | None]],
) -> dict[str, dt.date]:
    out: dict[str, dt.date] = {}
    for code, date in changes:
        if code and date:
            out[code] = min(out.get(code, date), date)
    return out


def latest_figure_date() -> dt.date | None:
    return AreaDailyFigure.objects.aggregate(m=Max("date"))["m"]
