"""Reads for the health office's dashboard (/kantor/), every one scoped to the office's
region (a provinsi or kabupaten/kota): sources, discrepancies, zone changes, signals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from core.areas.rules import code_within, descendant_range, parse_code
from core.areas.selectors import local_today
from core.cases import rules
from core.cases import selectors as case_selectors
from core.exceptions import NotFound
from core.i18n import pick
from core.models import AreaDailyFigure, CaseReport, Integrator, Region, ReportBatch

DISCREPANCY_DAYS = 14
SIGNAL_DAYS = 14
REJECTED_SHOWN = 10


def _in(code_field: str, region: Region) -> Q:
    low, high = descendant_range(region.code)
    return Q(**{code_field: region.code}) | Q(
        **{f"{code_field}__gte": low, f"{code_field}__lt": high}
    )


def office_area_get(*, region: Region, code: str) -> Region:
    """An area inside the office's region (404 for any other: no peeking next door).

    The one check every health-office endpoint and page uses on an `area` it is
    given: an unknown code and a code next door get the same answer."""
    normalised = parse_code(code or "")
    area = Region.objects.filter(code=normalised).first() if normalised else None
    if area is None or not code_within(area.code, region.code):
        raise NotFound("Wilayah di luar wilayah kerja Anda.", code="area_not_found")
    return area


# --- Sources ---------------------------------------------------------------------------------


def sources_health(*, region: Region, now: dt.datetime | None = None) -> list[dict]:
    """Each source that reported cases in the region: its last report, rows accepted
    and rejected today (its deliveries, WIB day), latest rejected rows with reasons,
    and whether it went quiet (no delivery for SIGAP_SOURCE_QUIET_HOURS)."""
    now = now or timezone.now()
    today = local_today(region.code)
    tz = region.tz
    day_start = dt.datetime.combine(today, dt.time.min, tzinfo=tz)
    last_in_region = dict(
        CaseReport.objects.filter(_in("kelurahan_id", region))
        .values("integrator_id")
        .annotate(last=Max("received_at"))
        .values_list("integrator_id", "last")
    )
    integrators = Integrator.objects.filter(pk__in=list(last_in_region)).order_by(
        "display_name"
    )
    quiet_after = dt.timedelta(hours=settings.SIGAP_SOURCE_QUIET_HOURS)
    out = []
    for integrator in integrators:
        batches = list(
            ReportBatch.objects.filter(integrator=integrator).order_by("-started_at")[
                :50
            ]
        )
        last_delivery = batches[0].started_at if batches else None
        todays = [b for b in batches if b.started_at >= day_start]
        rejected_rows = []
        for batch in batches:
            for error in batch.errors or []:
                rejected_rows.append(
                    {
                        "at": batch.started_at,
                        "channel": batch.channel,
                        "filename": batch.filename,
                        "line": error.get("line"),
                        "record_id": error.get("record_id", ""),
                        # Messages only: the rejected values never reach this page.
                        "reasons": [
                            f"{name}: {message}"
                            for name, message in (error.get("fields") or {}).items()
                        ],
                    }
                )
                if len(rejected_rows) >= REJECTED_SHOWN:
                    break
            if len(rejected_rows) >= REJECTED_SHOWN:
                break
        out.append(
            {
                "id": integrator.pk,
                "name": integrator.display_name,
                "slug": integrator.name,
                "kind": integrator.get_kind_display(),
                "is_active": integrator.is_active,
                "last_report": last_in_region[integrator.pk],
                "last_delivery": last_delivery,
                "accepted_today": sum(
                    b.created + b.updated + b.unchanged for b in todays
                ),
                "rejected_today": sum(b.rejected for b in todays),
                "rejected_rows": rejected_rows,
                "quiet": integrator.is_active
                and (last_delivery is None or now - last_delivery > quiet_after),
            }
        )
    return out


# --- Discrepancies ---------------------------------------------------------------------------


def discrepancy_days(*, region: Region, start: dt.date, end: dt.date) -> list[dt.date]:
    """Days with reports in the region, newest first."""
    return sorted(
        set(
            CaseReport.objects.filter(
                _in("kelurahan_id", region), event_date__range=(start, end)
            ).values_list("event_date", flat=True)
        ),
        reverse=True,
    )


def discrepancy_rows(
    *, region: Region, start: dt.date, end: dt.date, lang: str
) -> list[dict]:
    """Every difference between a source and the integrated figure, per kelurahan and
    day, with the records that explain it (record ids and case ids: no names)."""
    names = dict(
        Region.objects.filter(_in("code", region), level=Region.Level.VILLAGE)
        .values_list("code", "name")
        .iterator()
    )
    rows = []
    for day in discrepancy_days(region=region, start=start, end=end):
        report = case_selectors.discrepancies(area=region, date=day)
        for diff in report["differences"]:
            rows.append(
                {
                    "date": day,
                    "kelurahan": diff["kelurahan"],
                    "kelurahan_name": names.get(diff["kelurahan"], ""),
                    "status": diff["status"],
                    "source": diff["source"],
                    "source_count": diff["source_count"],
                    "integrated_count": diff["integrated_count"],
                    "kind": diff["kind"],
                    "explanation": pick(diff["explanation"], lang),
                    "case_id": diff["case_id"],
                    "records": ", ".join(
                        f"{r['source']}:{r['record_id']}" for r in diff["records"]
                    ),
                }
            )
    return rows


def discrepancy_summary(rows: list[dict]) -> list[dict]:
    """Per day and kelurahan: how many differences, which sources and statuses."""
    groups: dict[tuple, dict] = {}
    for row in rows:
        key = (row["date"], row["kelurahan"])
        group = groups.setdefault(
            key,
            {
                "date": row["date"],
                "kelurahan": row["kelurahan"],
                "kelurahan_name": row["kelurahan_name"],
                "count": 0,
                "sources": set(),
                "statuses": set(),
            },
        )
        group["count"] += 1
        group["sources"].add(row["source"])
        group["statuses"].add(row["status"])
    out = []
    for group in groups.values():
        out.append(
            {
                **group,
                "sources": ", ".join(sorted(group["sources"])),
                "statuses": sorted(
                    group["statuses"], key=lambda s: rules.STATUS_ORDER.get(s, 99)
                ),
            }
        )
    return sorted(out, key=lambda g: (g["date"], g["kelurahan"]), reverse=True)


def discrepancy_detail(*, region: Region, code: str, date: dt.date) -> dict:
    area = office_area_get(region=region, code=code)
    return case_selectors.discrepancies(area=area, date=date)


# --- Zones changed today ---------------------------------------------------------------------


def zones_changed(
    *, region: Region, lang: str, date: dt.date | None = None
) -> list[dict]:
    """Areas of the region whose zone today differs from yesterday's, and why."""
    date = date or local_today(region.code)
    yesterday = date - dt.timedelta(days=1)
    scope = AreaDailyFigure.objects.filter(
        _in("region_id", region), date__in=[date, yesterday]
    )
    zones: dict[str, dict] = defaultdict(dict)
    rows: dict[str, AreaDailyFigure] = {}
    for row in scope.order_by("date"):
        zones[row.region_id][row.date] = row.zone or None
        if row.date == date:
            rows[row.region_id] = row
    names = dict(
        Region.objects.filter(code__in=list(zones)).values_list("code", "name")
    )
    out = []
    for code, by_day in zones.items():
        # A day without a row is hijau (figures are stored only when non-zero).
        before = by_day.get(yesterday, "hijau")
        after = by_day.get(date, "hijau")
        if before == after:
            continue
        row = rows.get(code)
        out.append(
            {
                "code": code,
                "name": names.get(code, code),
                "level": len(code.split(".")),
                "before": before,
                "after": after,
                "why": pick(row.explanation, lang)
                if row and row.explanation
                else (
                    "Tidak ada lagi kasus dalam 7 hari terakhir."
                    if lang == "id"
                    else "No more cases in the last 7 days."
                ),
            }
        )
    return sorted(out, key=lambda r: (r["level"], r["code"]))


# --- Self-check signals ----------------------------------------------------------------------


def signals_by_kecamatan(*, region: Region, days: int = SIGNAL_DAYS) -> dict:
    """Self-checks per kecamatan over the last `days` days by risk level, each count
    below 5 shown as "<5" exactly as /api/v1/selfcheck/signals does."""
    from selfcheck import rules as sc_rules
    from selfcheck.models import Assessment

    end = local_today(region.code)
    start = end - dt.timedelta(days=days - 1)
    rows = (
        Assessment.objects.filter(
            _in("district_id", region), day__range=(start, end), district__isnull=False
        )
        .values("district_id")
        .annotate(
            **{
                level: Count("pk", filter=Q(risk_level=level))
                for level in sc_rules.RISK_LEVELS
            }
        )
        .order_by("district_id")
    )
    districts = dict(
        Region.objects.filter(
            _in("code", region), level=Region.Level.DISTRICT
        ).values_list("code", "name")
    )
    by_code = {row["district_id"]: row for row in rows}
    out = []
    for code, name in sorted(districts.items(), key=lambda kv: kv[1]):
        row = by_code.get(code, {})
        counts = {
            level: sc_rules.suppress_nonzero(row.get(level, 0))
            for level in sc_rules.RISK_LEVELS
        }
        out.append({"code": code, "name": name, "counts": counts})
    return {"from": start, "to": end, "levels": sc_rules.RISK_LEVELS, "rows": out}
