"""The 1,000 = 1,000 report: per kelurahan and day, the cases Sigap holds against the
Conditions the centre acknowledged, and the records that explain each difference."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict

from django.conf import settings
from django.utils import timezone

from core.models import Case, SatusehatReconciliation, SatusehatRecord
from core.rules import WIB_ZONE
from core.satusehat import fhir
from core.satusehat.clients import SatusehatClient, SatusehatError

logger = logging.getLogger(__name__)
MAX_DIFFERENCES = 5000

NOT_SENT = "not_sent"
REJECTED = "rejected"
NOT_ACKNOWLEDGED = "sent_not_acknowledged"
CENTRE_ONLY = "centre_only"


def reconciliation_due(now: dt.datetime | None = None) -> bool:
    now = (now or timezone.now()).astimezone(WIB_ZONE)
    if now.hour < 1:
        return False
    last = SatusehatReconciliation.objects.filter(error="").first()
    return last is None or last.started_at.astimezone(WIB_ZONE).date() < now.date()


def centre_conditions(client: SatusehatClient, since: dt.date | None) -> list[dict]:
    """The Conditions the centre holds under Sigap's identifier system."""
    system = fhir.identifier_system("condition", settings.SATUSEHAT_ORGANIZATION_ID)
    params = {"identifier": f"{system}|", "_count": 1000}
    if since:
        params["recorded-date"] = f"ge{since.isoformat()}"
    return client.search("Condition", params)


def _case_id(condition: dict, system: str) -> int | None:
    for identifier in condition.get("identifier") or []:
        if identifier.get("system") == system:
            value = identifier.get("value") or ""
            if value.startswith("case-") and value[5:].isdigit():
                return int(value[5:])
    return None


def _refuted(condition: dict) -> bool:
    codings = (condition.get("verificationStatus") or {}).get("coding") or []
    return any(c.get("code") in ("refuted", "entered-in-error") for c in codings)


def reconciliation_run(
    *, since: dt.date | None = None, client: SatusehatClient | None = None
) -> SatusehatReconciliation:
    run = SatusehatReconciliation.objects.create(since=since)
    own = client is None
    client = client or SatusehatClient()
    try:
        conditions = centre_conditions(client, since)
    except SatusehatError as exc:
        run.error = str(exc)[:2000]
        run.finished_at = timezone.now()
        run.save()
        return run
    finally:
        if own:
            client.close()
    compare(run, conditions, since=since)
    return run


def compare(
    run: SatusehatReconciliation, conditions: list[dict], *, since: dt.date | None
) -> SatusehatReconciliation:
    system = fhir.identifier_system("condition", settings.SATUSEHAT_ORGANIZATION_ID)
    # Sigap: every reportable case on its reporting day.
    cases = Case.objects.exclude(status="discarded").order_by()
    ours: dict[int, tuple[str, dt.date]] = {}
    for pk, kel, confirmed, first in cases.values_list(
        "id", "kelurahan_id", "confirmed_on", "first_event_on"
    ).iterator(chunk_size=5000):
        day = confirmed or first
        if since is None or day >= since:
            ours[pk] = (kel, day)
    rows = {
        r.object_id: r
        for r in SatusehatRecord.objects.filter(kind=SatusehatRecord.Kind.CASE)
        .only("object_id", "status", "condition_id", "last_error", "kelurahan", "day")
        .iterator(chunk_size=5000)
    }
    # The centre: each acknowledged Condition, placed where its record is.
    centre: dict[str, tuple[int | None, str, dt.date | None]] = {}
    for condition in conditions:
        if _refuted(condition):
            continue
        case_id = _case_id(condition, system)
        row = rows.get(case_id) if case_id is not None else None
        recorded = condition.get("recordedDate") or ""
        day = row.day if row else _date(recorded)
        centre[condition.get("id", "")] = (case_id, row.kelurahan if row else "", day)

    sigap_cells: Counter = Counter()
    centre_cells: Counter = Counter()
    differences: list[dict] = []
    for kel, day in ours.values():
        sigap_cells[(kel, day)] += 1
    acknowledged_cases = set()
    for centre_id, (case_id, kel, day) in centre.items():
        if since and day and day < since:
            continue
        centre_cells[(kel, day)] += 1
        if case_id in ours and case_id not in acknowledged_cases:
            acknowledged_cases.add(case_id)
            continue
        reason = (
            "Kasus ini dikirim dua kali ke pusat."
            if case_id in acknowledged_cases
            else "Kasus sudah digabung/dihapus/dibatalkan di Sigap."
            if case_id is not None
            else "Tidak dikenal di Sigap."
        )
        differences.append(
            _difference(CENTRE_ONLY, case_id, kel, day, reason, centre_id)
        )
    for pk, (kel, day) in ours.items():
        if pk in acknowledged_cases:
            continue
        row = rows.get(pk)
        if row is None or row.status in (
            SatusehatRecord.State.PENDING,
            SatusehatRecord.State.FAILED,
        ):
            kind = NOT_SENT
            reason = (
                "Belum masuk antrean kirim."
                if row is None
                else f"Gagal sementara, dicoba lagi: {row.last_error}"
                if row.status == SatusehatRecord.State.FAILED
                else "Menunggu giliran kirim."
            )
        elif row.status == SatusehatRecord.State.PERMANENT:
            kind, reason = REJECTED, row.last_error
        else:
            kind = NOT_ACKNOWLEDGED
            reason = (
                f"Terkirim (Condition/{row.condition_id}) tetapi tidak ada di pusat."
            )
        differences.append(_difference(kind, pk, kel, day, reason, ""))

    cells = sorted(
        set(sigap_cells) | set(centre_cells), key=lambda c: (str(c[1]), c[0])
    )
    run.figures = [
        [
            kel,
            day.isoformat() if day else None,
            sigap_cells[(kel, day)],
            centre_cells[(kel, day)],
        ]
        for kel, day in cells
    ]
    differences.sort(key=lambda d: (d["day"] or "", d["kelurahan"], d["kind"]))
    run.difference_count = len(differences)
    run.differences = differences[:MAX_DIFFERENCES]
    run.sigap_total = sum(sigap_cells.values())
    run.centre_total = sum(centre_cells.values())
    run.finished_at = timezone.now()
    run.save()
    return run


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _difference(kind, case_id, kelurahan, day, reason, centre_id) -> dict:
    return {
        "kind": kind,
        "case_id": case_id,
        "kelurahan": kelurahan,
        "day": day.isoformat() if day else None,
        "reason": reason,
        "centre_id": centre_id,
    }


def report_for_area(
    run: SatusehatReconciliation, *, area_code: str, date: dt.date | None = None
) -> dict:
    """The run's figures and differences inside one area (any level), per day."""

    def inside(code: str) -> bool:
        return code == area_code or code.startswith(area_code + ".")

    days: dict[str, dict] = defaultdict(lambda: {"sigap": 0, "centre": 0})
    for kel, day, sigap, centre in run.figures:
        if not inside(kel or "") or (date and day != date.isoformat()):
            continue
        days[day]["sigap"] += sigap
        days[day]["centre"] += centre
    differences = [
        d
        for d in run.differences
        if inside(d["kelurahan"] or "") and (not date or d["day"] == date.isoformat())
    ]
    return {
        "area": area_code,
        "run": {
            "id": run.pk,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "since": run.since,
            "error": run.error,
        },
        "days": [
            {"date": day, **counts, "difference": counts["sigap"] - counts["centre"]}
            for day, counts in sorted(days.items(), key=lambda kv: kv[0] or "")
        ],
        "differences": differences,
        "differences_truncated": run.difference_count > len(run.differences),
    }


__all__ = ["compare", "reconciliation_run", "report_for_area"]
