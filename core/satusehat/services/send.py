"""Outbox claim and send: due rows leased to one sender, mapped to FHIR, sent as
transaction Bundles; the centre's ids, its error text or the back-off recorded."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.db import many, update_values
from core.logging import request_id_var
from core.models import AuditLog
from core.satusehat import fhir
from core.satusehat.clients import (
    PermanentError,
    SatusehatClient,
    TransientError,
)
from core.satusehat.services.records import (
    Org,
    Row,
    State,
    case_day,
    case_labs,
    case_source_integrator,
    cases_with_reports,
)
from core.satusehat.services.vault import nik_vault_read

MAX_BACKOFF_S = 3600
CLAIM_CHUNK = 500


# --- Outbox: claim and send ---------------------------------------------------------------


def outbox_due() -> Q:
    return Q(status__in=(State.PENDING, State.FAILED)) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
    )


def outbox_claim(*, limit: int = CLAIM_CHUNK) -> list[int]:
    """Due rows for this sender alone: locked rows are skipped, and the claimed ones
    are not due again until the lease ends (a sender that dies mid-send leaves them
    to the next one; conditional creates make that resend harmless)."""
    with transaction.atomic():
        rows = Row.objects.filter(outbox_due()).order_by("id")
        if connection.vendor == "postgresql":
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("id", flat=True)[:limit])
        if ids:
            lease = timezone.now() + dt.timedelta(
                seconds=settings.SATUSEHAT_LEASE_SECONDS
            )
            Row.objects.filter(pk__in=ids).update(next_attempt_at=lease)
    return ids


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    permanent: int = 0
    resources: int = 0
    bundles: int = 0

    def add(self, other: SendResult) -> None:
        for name in ("sent", "failed", "permanent", "resources", "bundles"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "permanent": self.permanent,
            "resources": self.resources,
            "bundles": self.bundles,
        }


def _person(nik_key, full_name, birth_date, sex, niks, local_id, patient_id):
    return fhir.Person(
        nik=niks.get(nik_key) if nik_key else None,
        full_name=full_name or "",
        birth_date=birth_date,
        sex=sex or "",
        local_id=local_id,
        patient_id=patient_id,
    )


def _case_inputs(rows: list[Row], org: Org) -> dict[int, fhir.CaseInput | str]:
    cases, reports = cases_with_reports([r.object_id for r in rows])
    niks = nik_vault_read(c["nik_key"] for c in cases.values() if c["nik_key"])
    inputs: dict[int, fhir.CaseInput | str] = {}
    for row in rows:
        case = cases.get(row.object_id)
        if case is None:
            inputs[row.pk] = "Kasus sudah digabung ke kasus lain atau dihapus."
            continue
        if case["nik_key"] and case["nik_key"] not in niks:
            inputs[row.pk] = (
                "NIK kasus ini tidak tersimpan untuk SATUSEHAT (laporan masuk sebelum "
                "jembatan aktif); minta sumber mengirim ulang laporannya."
            )
            continue
        labs = case_labs(reports[row.object_id])
        organization, location = org.for_integrator(
            case_source_integrator(case, reports[row.object_id])
        )
        inputs[row.pk] = fhir.CaseInput(
            case_id=case["id"],
            person=_person(
                case["nik_key"],
                case["full_name"],
                case["birth_date"],
                case["sex"],
                niks,
                f"case-{case['id']}",
                row.patient_id,
            ),
            status=case["status"],
            day=case_day(case),
            confirmed_on=case["confirmed_on"],
            recovered_on=case["recovered_on"],
            died_on=case["died_on"],
            organization_id=organization,
            location_id=location,
            labs=labs,
            encounter_id=row.encounter_id,
            condition_id=row.condition_id,
            observation_ids=row.observation_ids or {},
        )
    return inputs


def _checkin_inputs(rows: list[Row], org: Org) -> dict[int, fhir.VitalsInput | str]:
    from isolation.models import CheckIn

    checkins = {
        c.pk: c
        for c in CheckIn.objects.filter(
            pk__in=many([r.object_id for r in rows], integers=True)
        ).select_related("isolation__patient__profile")
    }
    inputs: dict[int, fhir.VitalsInput | str] = {}
    for row in rows:
        checkin = checkins.get(row.object_id)
        if checkin is None:
            inputs[row.pk] = "Check-in sudah dihapus."
            continue
        isolation = checkin.isolation
        patient = isolation.patient
        profile = getattr(patient, "profile", None)
        organization, location = org.for_facility(isolation.facility_id)
        inputs[row.pk] = fhir.VitalsInput(
            checkin_id=checkin.pk,
            isolation_id=isolation.pk,
            person=fhir.Person(
                nik=profile.nik if profile and profile.nik else None,
                full_name=patient.full_name,
                birth_date=profile.birth_date if profile else None,
                sex=profile.sex if profile else "",
                local_id=f"user-{patient.pk}",
                patient_id=row.patient_id,
            ),
            measured_at=checkin.measured_at,
            isolation_start=isolation.start_date,
            isolation_ended=isolation.ended_at is not None,
            values={
                "temperature": checkin.temperature,
                "spo2": checkin.spo2,
                "breathing_rate": checkin.breathing_rate,
            },
            organization_id=organization,
            location_id=location,
            encounter_id=row.encounter_id,
            observation_ids=row.observation_ids or {},
        )
    return inputs


def _record_key(row: Row) -> str:
    if row.kind == Row.Kind.CASE:
        return fhir.case_record_key(row.object_id)
    return fhir.checkin_record_key(row.object_id)


def outbox_send(
    *, ids: list[int], client: SatusehatClient, dry_run: bool = False
) -> SendResult:
    """Map the claimed rows, send them in transaction Bundles of
    SATUSEHAT_BUNDLE_CASES records, and record what became of each."""
    result = SendResult()
    rows = list(Row.objects.filter(pk__in=ids).order_by("id"))
    org = Org.load()
    own = settings.SATUSEHAT_ORGANIZATION_ID
    inputs: dict[int, object] = {}
    inputs.update(_case_inputs([r for r in rows if r.kind == Row.Kind.CASE], org))
    inputs.update(_checkin_inputs([r for r in rows if r.kind == Row.Kind.CHECKIN], org))
    size = max(1, settings.SATUSEHAT_BUNDLE_CASES)
    groups = [rows[i : i + size] for i in range(0, len(rows), size)]

    def work(group: list[Row]) -> tuple[SendResult, list[Row], list[AuditLog]]:
        # Mapping and sending per Bundle, several at once: one Bundle is mapped
        # while others wait for the centre.
        part, done, audit = SendResult(), [], []
        ready = []
        for row in group:
            value = inputs[row.pk]
            try:
                if isinstance(value, str):
                    raise fhir.MappingError(value)
                if isinstance(value, fhir.CaseInput):
                    entries = fhir.case_entries(value, own)
                else:
                    entries = fhir.vitals_entries(value, own)
            except fhir.MappingError as exc:
                _give_up(row, str(exc))
                done.append(row)
                part.permanent += 1
                continue
            ready.append((row, entries))
        if dry_run:
            part.resources = sum(len(e) for _, e in ready)
            done.clear()
        elif ready:
            _send_group(ready, client, part, done, audit)
        return part, done, audit

    workers = max(1, settings.SATUSEHAT_CONCURRENCY)
    if workers > 1 and len(groups) > 1:
        with ThreadPoolExecutor(workers) as pool:
            outcomes = list(pool.map(work, groups))
    else:
        outcomes = [work(group) for group in groups]
    done: list[Row] = []
    audit: list[AuditLog] = []
    for part, part_done, part_audit in outcomes:
        result.add(part)
        done.extend(part_done)
        audit.extend(part_audit)
    if dry_run:
        return result
    now = timezone.now()
    columns = (
        "status", "sent_fingerprint", "attempts", "next_attempt_at", "last_error",
        "patient_id", "encounter_id", "condition_id", "observation_ids", "sent_at",
        "updated_at",
    )  # fmt: skip
    for row in done:
        row.updated_at = now
    update_values(
        Row, columns, [(row.pk, *(getattr(row, c) for c in columns)) for row in done]
    )
    AuditLog.objects.bulk_create(audit, batch_size=1000)
    return result


def _give_up(row: Row, error: str) -> None:
    row.status, row.last_error, row.next_attempt_at = State.PERMANENT, error, None
    row.attempts += 1


def backoff_seconds(attempts: int, retry_after: float | None = None) -> float:
    base = settings.SATUSEHAT_RETRY_BASE_SECONDS * (2 ** max(0, attempts - 1))
    return min(MAX_BACKOFF_S, max(base, retry_after or 0))


def _audit(row: Row, outcome: str, entries: list[fhir.Entry], **detail) -> AuditLog:
    kinds: dict[str, int] = defaultdict(int)
    for entry in entries:
        kinds[entry.body["resource"]["resourceType"]] += 1
    return AuditLog(
        actor=None,
        actor_role="system",
        action=f"satusehat.{outcome}",
        target_type="core.case" if row.kind == Row.Kind.CASE else "isolation.checkin",
        target_id=str(row.object_id),
        request_id=request_id_var.get(),
        detail={"resources": dict(kinds), **detail},
    )


def _send_group(
    group: list[tuple[Row, list[fhir.Entry]]],
    client: SatusehatClient,
    result: SendResult,
    done: list[Row],
    audit: list[AuditLog],
) -> None:
    entries = [entry for _, row_entries in group for entry in row_entries]
    bundle = fhir.transaction_bundle(entries)
    result.bundles += 1
    try:
        response = client.transaction(bundle)
    except TransientError as exc:
        for row, row_entries in group:
            row.attempts += 1
            row.status, row.last_error = State.FAILED, str(exc)[:2000]
            row.next_attempt_at = timezone.now() + dt.timedelta(
                seconds=backoff_seconds(row.attempts, exc.retry_after)
            )
            done.append(row)
            audit.append(_audit(row, "failed", row_entries, status=exc.status))
            result.failed += 1
        return
    except PermanentError as exc:
        if len(group) > 1:
            # A transaction is all or nothing: find the record the centre refused
            # by sending each on its own.
            for item in group:
                _send_group([item], client, result, done, audit)
            return
        row, row_entries = group[0]
        _give_up(row, str(exc))
        done.append(row)
        audit.append(_audit(row, "rejected", row_entries, status=exc.status))
        result.permanent += 1
        return
    ids = fhir.response_ids(response)
    if len(ids) != len(entries) or not all(ids):
        for row, row_entries in group:
            row.attempts += 1
            row.status = State.FAILED
            row.last_error = "Jawaban transaksi SATUSEHAT tidak lengkap."
            row.next_attempt_at = timezone.now() + dt.timedelta(
                seconds=backoff_seconds(row.attempts)
            )
            done.append(row)
            audit.append(_audit(row, "failed", row_entries))
            result.failed += 1
        return
    got = iter(ids)
    now = timezone.now()
    by_record = {_record_key(row): row for row, _ in group}
    for entry in entries:
        row = by_record[entry.record]
        centre_id = next(got)
        if entry.role == "patient":
            row.patient_id = centre_id
        elif entry.role == "encounter":
            row.encounter_id = centre_id
        elif entry.role == "condition":
            row.condition_id = centre_id
        else:
            row.observation_ids = {
                **(row.observation_ids or {}),
                entry.role[4:]: centre_id,
            }
    for row, row_entries in group:
        row.attempts += 1
        row.status, row.sent_fingerprint = State.SENT, row.fingerprint
        row.last_error, row.next_attempt_at, row.sent_at = "", None, now
        done.append(row)
        audit.append(_audit(row, "sent", row_entries))
        result.sent += 1
        result.resources += len(row_entries)
