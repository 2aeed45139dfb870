"""Writes of the SATUSEHAT bridge: the NIK vault, the outbox (refresh, claim, send)
and the sync that drains it.

Flow: `outbox_refresh` gives every reportable record a row whose fingerprint says what
Sigap would send now; a row whose fingerprint differs from what was last sent is
pending. `outbox_claim` hands due rows to one sender for a lease (a sender that dies
leaves them due again once the lease ends); `outbox_send` maps them to FHIR, sends
transaction Bundles and records the centre's ids, its error text, or the back-off."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.db import many, update_values
from core.logging import request_id_var
from core.models import (
    AuditLog,
    Case,
    CaseReport,
    Integrator,
    SatusehatFacility,
    SatusehatNik,
    SatusehatRecord,
)
from core.satusehat import fhir
from core.satusehat.clients import (
    PermanentError,
    SatusehatClient,
    TransientError,
    enabled,
)

logger = logging.getLogger(__name__)
Row = SatusehatRecord
State = SatusehatRecord.State
MAX_BACKOFF_S = 3600
CLAIM_CHUNK = 500


# --- NIK vault ---------------------------------------------------------------------------


def _fernet() -> Fernet:
    secret = (
        settings.SATUSEHAT_NIK_KEY
        or settings.SIGAP_PERSON_KEY_SECRET
        or settings.SECRET_KEY
    )
    digest = hashlib.sha256(b"sigap-satusehat-nik|" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def nik_vault_store(niks: Mapping[str, str]) -> int:
    """Keep the NIK of each NIK key (encrypted) for the bridge; only while it is on,
    so a deployment without SATUSEHAT keeps no NIK at all."""
    if not niks or not enabled():
        return 0
    box = _fernet()
    rows = [
        SatusehatNik(nik_key=key, nik_encrypted=box.encrypt(nik.encode()).decode())
        for key, nik in niks.items()
    ]
    SatusehatNik.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def nik_vault_read(keys: Iterable[str]) -> dict[str, str]:
    box = _fernet()
    found: dict[str, str] = {}
    for key, token in SatusehatNik.objects.filter(
        nik_key__in=many(set(keys))
    ).values_list("nik_key", "nik_encrypted"):
        try:
            found[key] = box.decrypt(token.encode()).decode()
        except InvalidToken:
            logger.warning("satusehat: a stored NIK cannot be decrypted (key changed?)")
    return found


# --- What a record looks like now -------------------------------------------------------


LAB_TYPES = tuple(fhir.LAB_CODES)


def _case_day(case: Mapping) -> dt.date:
    return case["confirmed_on"] or case["first_event_on"]


def _reportable(case: Mapping) -> bool:
    """A case the centre should hold. A discarded case is sent only to refute an
    earlier report (handled by its existing row)."""
    return case["status"] != "discarded"


@dataclass
class _Org:
    by_integrator: dict[int, tuple[str, str]] = field(default_factory=dict)
    by_facility: dict[int, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _Org:
        facilities = {
            f: (org, loc)
            for f, org, loc in SatusehatFacility.objects.values_list(
                "facility_id", "organization_id", "location_id"
            )
        }
        integrators = {
            pk: facilities[fac]
            for pk, fac in Integrator.objects.filter(
                facility__isnull=False
            ).values_list("id", "facility_id")
            if fac in facilities
        }
        return cls(integrators, facilities)

    def for_integrator(self, integrator_id: int | None) -> tuple[str, str]:
        return self.by_integrator.get(
            integrator_id, (settings.SATUSEHAT_ORGANIZATION_ID, "")
        )

    def for_facility(self, facility_id: int | None) -> tuple[str, str]:
        return self.by_facility.get(
            facility_id, (settings.SATUSEHAT_ORGANIZATION_ID, "")
        )


CASE_VALUES = (
    "id", "nik_key", "full_name", "birth_date", "sex", "kelurahan_id", "status",
    "confirmed_on", "recovered_on", "died_on", "first_event_on", "provenance",
)  # fmt: skip
REPORT_VALUES = (
    "case_id", "integrator_id", "integrator__name", "record_id", "test_type",
    "test_result", "event_date",
)  # fmt: skip


def _labs(reports: list[tuple]) -> tuple[fhir.LabResult, ...]:
    return tuple(
        fhir.LabResult(
            key=f"{r[2]}:{r[3]}", test_type=r[4], test_result=r[5], date=r[6]
        )
        for r in sorted(reports, key=lambda r: (r[6], r[2], r[3]))
        if r[4] in LAB_TYPES and r[5] in fhir.RESULT_CODES
    )


def _source_integrator(case: Mapping, reports: list[tuple]) -> int | None:
    """The facility that reported the case's status is its service provider."""
    source = (case["provenance"] or {}).get("status", {}).get("source")
    for r in reports:
        if r[2] == source:
            return r[1]
    return reports[0][1] if reports else None


def _case_fingerprint(case: Mapping, labs, org: tuple[str, str]) -> str:
    parts = [
        case["nik_key"] or "",
        case["full_name"],
        str(case["birth_date"] or ""),
        case["sex"],
        case["status"],
        str(_case_day(case)),
        str(case["confirmed_on"] or ""),
        str(case["recovered_on"] or ""),
        str(case["died_on"] or ""),
        *org,
        *(f"{lab.key}|{lab.test_type}|{lab.test_result}|{lab.date}" for lab in labs),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _cases_with_reports(case_ids: list[int]) -> tuple[dict, dict]:
    cases = {
        row["id"]: row
        for row in Case.objects.filter(pk__in=many(case_ids, integers=True))
        .order_by()
        .values(*CASE_VALUES)
    }
    reports: dict[int, list[tuple]] = defaultdict(list)
    for r in (
        CaseReport.objects.filter(case_id__in=many(list(cases), integers=True))
        .order_by()
        .values_list(*REPORT_VALUES)
    ):
        reports[r[0]].append(r)
    return cases, reports


# --- Outbox: refresh ----------------------------------------------------------------------


@dataclass
class RefreshResult:
    scanned: int = 0
    new: int = 0
    changed: int = 0

    def as_dict(self) -> dict:
        return {"scanned": self.scanned, "new": self.new, "changed": self.changed}


def outbox_refresh(
    *, since: dt.date | None = None, changed_after: dt.datetime | None = None
) -> RefreshResult:
    """Rows for every reportable case and measured isolation check-in (changed on or
    after `since` / after `changed_after`; all when neither is given); rows whose
    content changed become pending."""
    result = RefreshResult()
    org = _Org.load()
    cases = Case.objects.order_by("id")
    if since:
        cases = cases.filter(updated_at__date__gte=since)
    if changed_after:
        cases = cases.filter(updated_at__gte=changed_after)
    ids = list(cases.values_list("id", flat=True))
    for i in range(0, len(ids), 2000):
        _refresh_cases(ids[i : i + 2000], org, result)
    _refresh_checkins(since, changed_after, org, result)
    return result


def _refresh_cases(case_ids: list[int], org: _Org, result: RefreshResult) -> None:
    cases, reports = _cases_with_reports(case_ids)
    existing = {
        row.object_id: row
        for row in Row.objects.filter(
            kind=Row.Kind.CASE, object_id__in=many(case_ids, integers=True)
        )
    }
    _apply(
        Row.Kind.CASE,
        existing,
        (
            (
                pk,
                pk,
                case["kelurahan_id"],
                _case_day(case),
                _case_fingerprint(
                    case,
                    _labs(reports[pk]),
                    org.for_integrator(_source_integrator(case, reports[pk])),
                ),
            )
            for pk, case in cases.items()
            if _reportable(case) or pk in existing
        ),
        result,
    )


def _refresh_checkins(since, changed_after, org: _Org, result: RefreshResult) -> None:
    from isolation.models import CheckIn

    checkins = CheckIn.objects.filter(
        Q(temperature__isnull=False)
        | Q(spo2__isnull=False)
        | Q(breathing_rate__isnull=False)
    ).order_by("id")
    if since:
        checkins = checkins.filter(created_at__date__gte=since)
    if changed_after:
        checkins = checkins.filter(created_at__gte=changed_after)
    rows = list(
        checkins.values_list(
            "id",
            "slot_date",
            "temperature",
            "spo2",
            "breathing_rate",
            "isolation__facility_id",
            "isolation__patient__profile__home_village_id",
            "isolation__facility__district_id",
        )
    )
    for i in range(0, len(rows), 2000):
        chunk = rows[i : i + 2000]
        existing = {
            row.object_id: row
            for row in Row.objects.filter(
                kind=Row.Kind.CHECKIN,
                object_id__in=many([r[0] for r in chunk], integers=True),
            )
        }
        _apply(
            Row.Kind.CHECKIN,
            existing,
            (
                (
                    pk,
                    None,
                    village or district or "",
                    day,
                    hashlib.sha256(
                        f"{temp}|{spo2}|{rate}|{org.for_facility(facility)}".encode()
                    ).hexdigest()[:32],
                )
                for pk, day, temp, spo2, rate, facility, village, district in chunk
            ),
            result,
        )


def _apply(kind: str, existing: dict, wanted: Iterable[tuple], result) -> None:
    now = timezone.now()
    create: list[Row] = []
    update: list[Row] = []
    for object_id, case_id, kelurahan, day, fingerprint in wanted:
        result.scanned += 1
        row = existing.get(object_id)
        if row is None:
            create.append(
                Row(
                    kind=kind,
                    object_id=object_id,
                    case_id=case_id,
                    kelurahan=kelurahan,
                    day=day,
                    fingerprint=fingerprint,
                    created_at=now,
                    updated_at=now,
                )
            )
            continue
        if (row.fingerprint, row.kelurahan, row.day) == (fingerprint, kelurahan, day):
            continue
        row.fingerprint, row.kelurahan, row.day = fingerprint, kelurahan, day
        row.updated_at = now
        if row.sent_fingerprint != fingerprint and row.status in (
            State.SENT,
            State.PERMANENT,
        ):
            # New content: due again, with a fresh count of attempts.
            row.status, row.attempts, row.next_attempt_at = State.PENDING, 0, None
            result.changed += 1
        update.append(row)
    Row.objects.bulk_create(create, ignore_conflicts=True, batch_size=1000)
    result.new += len(create)
    columns = (
        "fingerprint", "kelurahan", "day", "status", "attempts", "next_attempt_at",
        "updated_at",
    )  # fmt: skip
    update_values(
        Row, columns, [(row.pk, *(getattr(row, c) for c in columns)) for row in update]
    )


# --- Outbox: claim and send ---------------------------------------------------------------


def _due() -> Q:
    return Q(status__in=(State.PENDING, State.FAILED)) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
    )


def outbox_claim(*, limit: int = CLAIM_CHUNK) -> list[int]:
    """Due rows for this sender alone: locked rows are skipped, and the claimed ones
    are not due again until the lease ends (a sender that dies mid-send leaves them
    to the next one; conditional creates make that resend harmless)."""
    with transaction.atomic():
        rows = Row.objects.filter(_due()).order_by("id")
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


def _case_inputs(rows: list[Row], org: _Org) -> dict[int, fhir.CaseInput | str]:
    cases, reports = _cases_with_reports([r.object_id for r in rows])
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
        labs = _labs(reports[row.object_id])
        organization, location = org.for_integrator(
            _source_integrator(case, reports[row.object_id])
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
            day=_case_day(case),
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


def _checkin_inputs(rows: list[Row], org: _Org) -> dict[int, fhir.VitalsInput | str]:
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
    org = _Org.load()
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


# --- Operator actions ----------------------------------------------------------------------


def outbox_retry(*, ids: Iterable[int]) -> int:
    """An operator asks for these rows to be sent again now (after fixing a facility
    mapping, say): due at once, attempts counted afresh."""
    return Row.objects.filter(pk__in=list(ids)).update(
        status=State.PENDING, attempts=0, next_attempt_at=None, last_error=""
    )


# --- The sync ---------------------------------------------------------------------------------


@dataclass
class SyncResult:
    refreshed: RefreshResult
    sent: SendResult
    due: int = 0
    remaining: int = 0
    by_status: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            **{f"refresh_{k}": v for k, v in self.refreshed.as_dict().items()},
            **self.sent.as_dict(),
            "due": self.due,
            "remaining": self.remaining,
            "by_status": self.by_status,
        }


def outbox_counts() -> dict[str, int]:
    from django.db.models import Count

    return dict(Row.objects.order_by().values_list("status").annotate(n=Count("id")))


def satusehat_sync(
    *,
    since: dt.date | None = None,
    dry_run: bool = False,
    time_budget_s: float | None = None,
    refresh: bool = True,
    changed_after: dt.datetime | None = None,
    client: SatusehatClient | None = None,
) -> SyncResult:
    """Bring the outbox up to date and send what is due, until nothing is due (rows
    waiting for their back-off stay for a later run) or the time budget is spent."""
    import time

    started = time.monotonic()
    refreshed = (
        outbox_refresh(since=since, changed_after=changed_after)
        if refresh
        else RefreshResult()
    )
    total = SendResult()
    due = Row.objects.filter(_due()).count()
    if dry_run:
        return SyncResult(
            refreshed, total, due=due, remaining=due, by_status=outbox_counts()
        )
    own_client = client is None
    client = client or SatusehatClient()
    try:
        while True:
            ids = outbox_claim()
            if not ids:
                break
            total.add(outbox_send(ids=ids, client=client))
            if time_budget_s and time.monotonic() - started > time_budget_s:
                break
    finally:
        if own_client:
            client.close()
    return SyncResult(
        refreshed,
        total,
        due=due,
        remaining=Row.objects.filter(_due()).count(),
        by_status=outbox_counts(),
    )


def next_due_in() -> float | None:
    """Seconds until the earliest waiting row is due (None when nothing waits)."""
    if Row.objects.filter(_due()).exists():
        return 0.0
    first = (
        Row.objects.filter(status__in=(State.PENDING, State.FAILED))
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if first is None:
        return None
    return max(0.0, (first - timezone.now()).total_seconds())
