"""Every write of bed availability: one report at a time, from the integrator API,
the hospital staff's form or the admin."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.beds import rules
from core.beds.error_codes import BedErrorCode
from core.beds.selectors import beds_index_invalidate
from core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from core.models import BedAvailability, BedCount, BedReport, Facility, Integrator, User

MAX_BATCH = 200


def _hash(*, reported_at: dt.datetime, beds: dict, oxygen_days) -> str:
    body = {
        "reported_at": reported_at.astimezone(dt.UTC).isoformat(),
        "beds": {k: beds[k] for k in sorted(beds)},
        "oxygen_days": None if oxygen_days is None else str(oxygen_days),
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def bed_report_validate(
    *, reported_at, beds, oxygen_days, now: dt.datetime
) -> tuple[dt.datetime, dict, object]:
    max_age = dt.timedelta(days=settings.SIGAP_BED_REPORT_MAX_AGE_DAYS)
    errors: dict[str, str] = {}
    clean, bed_errors = rules.beds_validate(beds)
    errors.update(bed_errors)
    oxygen, oxygen_error = rules.oxygen_validate(oxygen_days)
    if oxygen_error:
        errors["oxygen_days"] = oxygen_error
    if reported_at is None:
        reported_at = now
    elif not isinstance(reported_at, dt.datetime) or timezone.is_naive(reported_at):
        errors["reported_at"] = "Waktu ISO 8601 dengan zona waktu (mis. +07:00)."
    elif reported_at > now + rules.MAX_FUTURE:
        errors["reported_at"] = "Waktu laporan tidak boleh di masa depan."
    elif now - reported_at > max_age:
        errors["reported_at"] = (
            f"Laporan terlalu lama: paling lama {max_age.days} hari sebelum sekarang."
        )
    if errors:
        raise ApplicationError(
            "Laporan tempat tidur tidak valid.",
            code=BedErrorCode.INVALID_BED_REPORT,
            fields=errors,
        )
    return reported_at, clean, oxygen


@transaction.atomic
def bed_report_submit(
    *,
    facility: Facility,
    beds: dict,
    source: str,
    reported_at: dt.datetime | None = None,
    oxygen_days=None,
    report_key: str | None = None,
    integrator: Integrator | None = None,
    reported_by: User | None = None,
    now: dt.datetime | None = None,
) -> tuple[BedReport, str]:
    """Store one report and make it current if it is the hospital's newest.
    Returns (report, "created" | "unchanged"); a resent report_key with another body
    is 409 report_key_reused."""
    now = now or timezone.now()
    if facility.kind != Facility.Kind.HOSPITAL or not facility.is_active:
        raise ApplicationError(
            "Hanya rumah sakit aktif yang melaporkan tempat tidur.",
            code=BedErrorCode.NOT_A_HOSPITAL,
        )
    reported_at, clean, oxygen = bed_report_validate(
        reported_at=reported_at, beds=beds, oxygen_days=oxygen_days, now=now
    )
    digest = _hash(reported_at=reported_at, beds=clean, oxygen_days=oxygen)
    if report_key:
        existing = BedReport.objects.filter(
            facility=facility, report_key=report_key
        ).first()
        if existing is not None:
            if existing.request_hash != digest:
                raise Conflict(
                    "report_key ini sudah dipakai untuk laporan lain.",
                    code=BedErrorCode.REPORT_KEY_REUSED,
                    fields={"report_key": "Sudah dipakai dengan isi berbeda."},
                )
            return existing, "unchanged"
    report = BedReport(
        facility=facility,
        reported_at=reported_at,
        source=source,
        integrator=integrator,
        reported_by=reported_by,
        report_key=report_key or None,
        request_hash=digest,
        oxygen_days=oxygen,
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # the same key, sent twice at once
        existing = BedReport.objects.get(facility=facility, report_key=report_key)
        if existing.request_hash != digest:
            raise Conflict(
                "report_key ini sudah dipakai untuk laporan lain.",
                code=BedErrorCode.REPORT_KEY_REUSED,
            ) from None
        return existing, "unchanged"
    BedCount.objects.bulk_create(
        [BedCount(report=report, kind=k, **v) for k, v in clean.items()]
    )
    bed_availability_refresh(report=report)
    return report, "created"


def bed_availability_refresh(*, report: BedReport) -> bool:
    """Merge the report into the hospital's current picture (rules.beds_merge): its
    kinds replace older figures, kinds it leaves out keep theirs. Locks the
    hospital's current row, so two reports at once settle on the newer figures."""
    counts = {
        c.kind: {"total": c.total, "free": c.free}
        for c in BedCount.objects.filter(report=report)
    }
    current = (
        BedAvailability.objects.select_for_update()
        .filter(facility_id=report.facility_id)
        .first()
    )
    if current is None:
        try:
            with transaction.atomic():
                BedAvailability.objects.create(
                    facility_id=report.facility_id,
                    report=report,
                    reported_at=report.reported_at,
                    oxygen_days=report.oxygen_days,
                    oxygen_reported_at=report.reported_at
                    if report.oxygen_days is not None
                    else None,
                    beds=rules.beds_merge(
                        {}, counts, reported_at=report.reported_at, report_id=report.pk
                    ),
                )
        except IntegrityError:  # created concurrently: compare with that one
            return bed_availability_refresh(report=report)
    else:
        beds = rules.beds_merge(
            current.beds, counts, reported_at=report.reported_at, report_id=report.pk
        )
        changed = beds != current.beds
        current.beds = beds
        if (current.reported_at, current.report_id) < (report.reported_at, report.pk):
            current.report = report
            current.reported_at = report.reported_at
            changed = True
        if report.oxygen_days is not None and (
            current.oxygen_reported_at is None
            or current.oxygen_reported_at < report.reported_at
        ):
            current.oxygen_days = report.oxygen_days
            current.oxygen_reported_at = report.reported_at
            changed = True
        if not changed:
            return False
        current.save()
    # Now for this process (and tests that never commit), again once others can
    # read the new row.
    beds_index_invalidate()
    transaction.on_commit(beds_index_invalidate)
    return True


@dataclass
class BatchResult:
    created: int = 0
    unchanged: int = 0
    rejected: int = 0
    results: list[dict] = field(default_factory=list)


def bed_reports_submit_batch(
    *, integrator: Integrator, reports: list, now: dt.datetime | None = None
) -> BatchResult:
    """An integrator's batch: each row accepted or rejected on its own; a resent row
    (same report_key, same body) changes nothing."""
    now = now or timezone.now()
    if len(reports) > MAX_BATCH:
        raise ApplicationError(
            f"Paling banyak {MAX_BATCH} laporan per permintaan.",
            code=BedErrorCode.BATCH_TOO_LARGE,
            fields={"reports": f"max {MAX_BATCH}"},
        )
    out = BatchResult()
    for index, row in enumerate(reports):
        try:
            report, state = _batch_row(integrator=integrator, row=row, now=now)
        except ApplicationError as exc:
            out.rejected += 1
            out.results.append(
                {
                    "index": index,
                    "report_key": row.get("report_key")
                    if isinstance(row, dict)
                    else None,
                    "status": "rejected",
                    "error": {
                        "code": exc.code,
                        "message": exc.message,
                        "fields": exc.fields,
                    },
                }
            )
            continue
        setattr(out, state, getattr(out, state) + 1)
        out.results.append(
            {
                "index": index,
                "report_key": report.report_key,
                "status": state,
                "id": report.pk,
            }
        )
    return out


ROW_KEYS = {"report_key", "hospital_code", "reported_at", "oxygen_days", "beds"}


def _batch_row(*, integrator: Integrator, row, now: dt.datetime):
    if not isinstance(row, dict):
        raise ApplicationError(
            "Setiap laporan berupa objek JSON.", code=BedErrorCode.INVALID
        )
    unknown = set(row) - ROW_KEYS
    if unknown:
        raise ApplicationError(
            "Kolom tidak dikenal.",
            code=BedErrorCode.UNKNOWN_FIELDS,
            fields={k: "Tidak dikenal." for k in sorted(unknown)},
        )
    key = row.get("report_key")
    if not isinstance(key, str) or not 1 <= len(key.strip()) <= 64:
        raise ApplicationError(
            "report_key wajib (1–64 karakter).",
            code=BedErrorCode.INVALID,
            fields={"report_key": "Wajib, 1–64 karakter."},
        )
    code = row.get("hospital_code")
    if not isinstance(code, str) or not code:
        if integrator.facility_id is None:
            raise ApplicationError(
                "hospital_code wajib.",
                code=BedErrorCode.INVALID,
                fields={"hospital_code": "Wajib."},
            )
        code = None
    facility = (
        Facility.objects.filter(code=code).first()
        if code
        else Facility.objects.filter(pk=integrator.facility_id).first()
    )
    if facility is None:
        raise NotFound(
            "Rumah sakit tidak dikenal.",
            code=BedErrorCode.HOSPITAL_NOT_FOUND,
            fields={"hospital_code": "Tidak dikenal."},
        )
    if integrator.facility_id is not None and facility.pk != integrator.facility_id:
        raise PermissionDenied(
            "Sumber data ini hanya melaporkan rumah sakitnya sendiri.",
            code=BedErrorCode.HOSPITAL_NOT_ALLOWED,
            fields={"hospital_code": "Bukan rumah sakit sumber data ini."},
        )
    reported_at = row.get("reported_at")
    if reported_at is not None:
        parsed = _parse_dt(reported_at)
        if parsed is None:
            raise ApplicationError(
                "reported_at tidak valid.",
                code=BedErrorCode.INVALID_BED_REPORT,
                fields={"reported_at": "Waktu ISO 8601 dengan zona waktu."},
            )
        reported_at = parsed
    return bed_report_submit(
        facility=facility,
        beds=row.get("beds"),
        source=BedReport.Source.API,
        reported_at=reported_at,
        oxygen_days=row.get("oxygen_days"),
        report_key=key.strip(),
        integrator=integrator,
        now=now,
    )


def _parse_dt(value) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


# Demo availability per referral hospital (SIRANAP-like figures).
DEMO_BEDS = {
    "R3374070001": (  # RSUP Dr. Kariadi
        {
            "icu_ventilator": {"total": 24, "free": 3},
            "icu": {"total": 16, "free": 2},
            "hcu": {"total": 20, "free": 4},
            "isolation_negative": {"total": 30, "free": 6},
            "isolation": {"total": 120, "free": 18},
            "igd": {"total": 40, "free": 7},
        },
        "4.5",
    ),
    "R3374060001": (  # RSUD K.R.M.T. Wongsonegoro
        {
            "icu_ventilator": {"total": 8, "free": 0},
            "icu": {"total": 6, "free": 1},
            "hcu": {"total": 10, "free": 0},
            "isolation_negative": {"total": 12, "free": 0},
            "isolation": {"total": 80, "free": 9},
            "igd": {"total": 24, "free": 2},
        },
        "2.0",
    ),
}


def beds_demo_seed(now: dt.datetime | None = None) -> dict[str, int]:
    """A fresh report for each demo referral hospital whose current one is stale
    (idempotent within a day: the report key carries the date)."""
    now = now or timezone.now()
    created = 0
    for code, (beds, oxygen) in DEMO_BEDS.items():
        facility = Facility.objects.filter(code=code).first()
        if facility is None:
            continue
        current = BedAvailability.objects.filter(facility=facility).first()
        if current is not None and not rules.is_stale(current.reported_at, now):
            continue
        _, state = bed_report_submit(
            facility=facility,
            beds=beds,
            oxygen_days=oxygen,
            source=BedReport.Source.ADMIN,
            report_key=f"demo-{now.date().isoformat()}",
            reported_at=now,
            now=now,
        )
        created += state == "created"
    return {"bed reports": created}
