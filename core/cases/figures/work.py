"""The work queue of the recomputation: kelurahan marked dirty from a day on, the run
after commit, working the queue off, and the new day's roll-forward."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone

from core.areas.cache import areas_cache_bump
from core.cases.figures.compute import figures_recompute
from core.models import AreaDailyFigure, FigureDirty, Region
from core.rules import zoneinfo_for_region

logger = logging.getLogger(__name__)

LOCK_KEY = "cases:figures-recompute-lock"
QUEUED_KEY = "cases:figures-recompute-queued"


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
