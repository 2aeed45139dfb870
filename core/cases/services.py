"""Writes for case data integration: integrators and their keys, report submission
by API, CSV import (csvimport), figure recomputation (figures) and the demo data."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.areas.rules import parse_code
from core.cases import rules
from core.cases.csvimport import reports_import_csv
from core.cases.error_codes import CaseErrorCode
from core.cases.figures import (
    figures_recompute_all,
    figures_recompute_dirty,
    figures_roll_forward,
    schedule_recompute,
)
from core.cases.ingest import IngestResult, batch_finish, batch_start, reports_ingest
from core.cases.models import Integrator, ReportBatch
from core.exceptions import ApplicationError
from core.models import Region

KEY_PREFIX = "sgi_"


# --- Integrators -------------------------------------------------------------------------------


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def integrator_create(
    *, name: str, display_name: str, kind: str, facility=None
) -> tuple[Integrator, str]:
    """A new source with a fresh API key. The key is returned once and only its hash
    is stored."""
    prefix, key = _new_key()
    integrator = Integrator(
        name=name,
        display_name=display_name,
        kind=kind,
        facility=facility,
        key_prefix=prefix,
        key_hash=Integrator.hash_key(key),
    )
    integrator.full_clean()
    integrator.save()
    return integrator, key


@transaction.atomic
def integrator_key_rotate(*, integrator: Integrator) -> str:
    """Replace the source's key; the old one stops working at once."""
    prefix, key = _new_key()
    integrator.key_prefix = prefix
    integrator.key_hash = Integrator.hash_key(key)
    integrator.save(update_fields=["key_prefix", "key_hash"])
    return key


def integrator_authenticate(raw_key: str) -> Integrator | None:
    """The active integrator holding this key, or None."""
    if not raw_key.startswith(KEY_PREFIX) or raw_key.count("_") < 2:
        return None
    prefix = raw_key[len(KEY_PREFIX) :].split("_", 1)[0]
    integrator = Integrator.objects.filter(key_prefix=prefix, is_active=True).first()
    if integrator is None or not integrator.key_matches(raw_key):
        return None
    now = timezone.now()
    if not integrator.last_used_at or now - integrator.last_used_at > dt.timedelta(
        minutes=5
    ):
        Integrator.objects.filter(pk=integrator.pk).update(last_used_at=now)
    return integrator


# --- Reports by API --------------------------------------------------------------------------------


def reports_validate(
    reports: Sequence[Mapping], *, today: dt.date | None = None
) -> tuple[list[rules.CleanReport], dict[str, str]]:
    """All reports of a batch checked; errors keyed "reports.<index>.<field>"."""
    today = today or timezone.localdate()
    codes = {
        parse_code(str(r.get("kelurahan_code") or ""))
        for r in reports
        if isinstance(r, Mapping)
    }
    villages = set(
        Region.objects.filter(
            code__in=[c for c in codes if c], level=Region.Level.VILLAGE
        ).values_list("code", flat=True)
    )
    clean: list[rules.CleanReport] = []
    errors: dict[str, str] = {}
    seen: dict[str, int] = {}
    for index, raw in enumerate(reports):
        report, problems = rules.validate_batch_report(
            raw,
            villages=villages,
            today=today,
            seen=seen,
            position=index,
            duplicate="ID ganda dalam kiriman (sama dengan laporan {first}).",
        )
        if report is None:
            for name, message in problems.items():
                errors[f"reports.{index}.{name}"] = message
            continue
        clean.append(report)
    return clean, errors


def reports_submit(
    *, integrator: Integrator, reports: Sequence[Mapping]
) -> IngestResult:
    """A batch from a source's system. All or nothing: one invalid report rejects the
    batch with every problem listed, so a source never wonders which rows landed.
    Re-sending the same batch changes nothing."""
    limit = settings.SIGAP_CASES_BATCH_MAX
    if not reports:
        raise ApplicationError(
            "Batch kosong.",
            code=CaseErrorCode.EMPTY_BATCH,
            fields={"reports": "Kirim minimal 1 laporan."},
        )
    if len(reports) > limit:
        raise ApplicationError(
            f"At most {limit} reports per request.",
            code=CaseErrorCode.BATCH_TOO_LARGE,
            fields={"reports": f"Paling banyak {limit} laporan per permintaan."},
        )
    clean, errors = reports_validate(reports)
    if errors:
        raise ApplicationError(
            f"{len({k.split('.')[1] for k in errors})} of {len(reports)} reports are invalid; "
            "nothing was stored.",
            code=CaseErrorCode.INVALID_REPORTS,
            fields=errors,
        )
    result = IngestResult(received=len(reports))
    try:
        with transaction.atomic():
            batch = batch_start(integrator=integrator, channel=ReportBatch.Channel.API)
            reports_ingest(
                integrator=integrator, batch=batch, reports=clean, result=result
            )
            batch_finish(batch, result)
            schedule_recompute()
    finally:
        rules.memo_clear()
    return result


# --- Figures (called by tasks and commands) ---------------------------------------------------------


def figures_recompute_pending(*, limit: int = 5000) -> int:
    return figures_recompute_dirty(limit=limit)


__all__ = [
    "figures_recompute_all",
    "figures_recompute_pending",
    "figures_roll_forward",
    "integrator_authenticate",
    "integrator_create",
    "integrator_key_rotate",
    "reports_import_csv",
    "reports_submit",
    "reports_validate",
    "area_demo_seed",
]


def area_demo_seed(*, today: dt.date | None = None) -> dict:
    """Demo cases in Kota Semarang from two sources, so the map is not all hijau:
    Tembalang merah, Pedurungan oranye, Banyumanik kuning, plus people reported by
    both sources (one case each) and a date disagreement for the discrepancy report.
    Idempotent; needs Kota Semarang's regions (load_regions --root 33.74)."""
    from core.cases.demo import seed

    return seed(today=today)
