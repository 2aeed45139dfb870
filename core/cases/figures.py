"""Area figures derived from integrated cases, recomputed incrementally.

Ingest marks each touched kelurahan dirty from the first day that may have changed
(FigureDirty). `figures_recompute_dirty` recomputes those kelurahan from that day to
today, then rolls the change up to kecamatan, kabupaten/kota and provinsi. Figures
are never written anywhere else.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from core.areas import rules as area_rules
from core.areas.cache import areas_cache_bump
from core.areas.selectors import local_today
from core.areas.services import zone_rule_for
from core.cases import rules
from core.db import insert_values
from core.models import AreaDailyFigure, Case, FigureDirty, Region, ZoneRule
from core.rules import zoneinfo_for_region

logger = logging.getLogger(__name__)

CHUNK = 500
LOCK_KEY = "cases:figures-recompute-lock"
QUEUED_KEY = "cases:figures-recompute-queued"
SUM_FIELDS = rules.FIGURES


# --- The work queue -------------------------------------------------------------------------


def dirty_mark(since_by_code: dict[str, dt.date]) -> None:
    """Queue kelurahan for recomputation from a day on (keeping an earlier day already
    queued). Call inside the transaction that changed their cases."""
    if not since_by_code:
        return
    now = timezone.now()
    meta = FigureDirty._meta
    since_field, marked_field = meta.get_field("since"), meta.get_field("marked_at")
    qn = connection.ops.quote_name
    table = qn(meta.db_table)
    region = qn(meta.get_field("region").column)
    since, marked = qn(since_field.column), qn(marked_field.column)
    marked_at = marked_field.get_db_prep_value(now, connection)
    marks = json.dumps(
        [[code, since_by_code[code].isoformat()] for code in sorted(since_by_code)]
    )
    if connection.vendor == "postgresql":
        rows = (
            "SELECT m->>0, (m->>1)::date, %s FROM jsonb_array_elements(%s::jsonb) AS m"
        )
    else:
        rows = (
            "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), %s "
            "FROM json_each(%s) WHERE true"  # WHERE: SQLite's upsert-after-SELECT rule
        )
    # One upsert (INSERT … ON CONFLICT, which both databases understand) with the marks
    # as one JSON parameter, instead of reading the marks and writing them back.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({region}, {since}, {marked}) {rows} "
            f"ON CONFLICT ({region}) DO UPDATE SET "
            f"{since} = CASE WHEN excluded.{since} < {table}.{since} "
            f"THEN excluded.{since} ELSE {table}.{since} END, "
            f"{marked} = excluded.{marked}",
            [marked_at, marks],
        )


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


ALL_PASS = 20_000


def figures_recompute_all(*, progress=None) -> int:
    """Work off the whole queue now (import command, demo)."""
    total = 0
    while True:
        # Large passes: every pass rolls its kelurahan up to the province, so small
        # ones would redo the same kecamatan rows again and again.
        done = figures_recompute_dirty(limit=ALL_PASS)
        if not done:
            return total
        total += done
        if progress:
            progress(done)


def figures_roll_forward() -> int:
    """A new day: kelurahan whose last row still has people in care or households in
    the 7-day window get recomputed from that row on (states carry over, suspects
    expire, the window slides). A kelurahan's new day starts at its own midnight
    (WIB, WITA or WIT), not UTC's. Returns how many were queued."""
    latest = (
        AreaDailyFigure.objects.filter(region=OuterRef("region"))
        .order_by("-date")
        .values("date")[:1]
    )
    now = timezone.now()
    # No time zone is more than a day ahead of UTC: rows from UTC's tomorrow on are
    # current everywhere; the rest are checked against their kelurahan's own today.
    horizon = now.date() + dt.timedelta(days=1)
    rows = (
        AreaDailyFigure.objects.filter(level=Region.Level.VILLAGE, date__lt=horizon)
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
    since = {
        code: date
        for code, date in rows
        if date < now.astimezone(zoneinfo_for_region(code)).date()
    }
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
