"""The ingest engine: validated reports -> one case per person, with provenance.

Matching (see rules.person_keys): a report with a NIK joins the case with that NIK;
else a case with the same normalised name + birth date + kelurahan that has no other
NIK. A report without NIK joins a case with the same name key. When a NIK report
links a NIK case to a name-only case, the two are merged. Every case is then derived
again from all its reports, so the order reports arrive in does not matter.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.cases import rules
from core.cases.derive import (
    REPORT_INSERT_FIELDS,
    cases_store,
    report_order,
    reports_of,
)
from core.cases.figures import dirty_from_changes, dirty_mark
from core.cases.models import Case, CaseReport, Integrator, PersonKey, ReportBatch
from core.db import insert_values, many, reserve_ids, update_values
from core.satusehat.services import nik_vault_store

INGEST_LOCK_ID = 7_330_301  # pg advisory lock: one ingest transaction at a time
PROVENANCE_FIELDS = ("full_name", "birth_date", "sex", "kelurahan", "household", "nik")


@dataclass
class IngestResult:
    received: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    cases_new: int = 0
    cases_merged: int = 0
    errors: list[dict] = field(default_factory=list)
    batch_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "cases_new": self.cases_new,
            "cases_merged": self.cases_merged,
        }


def person_secret() -> bytes:
    return (settings.SIGAP_PERSON_KEY_SECRET or settings.SECRET_KEY).encode()


def ingest_lock() -> None:
    """Serialise ingest so two requests about one new person cannot both create a
    case. SQLite's IMMEDIATE transactions already serialise writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INGEST_LOCK_ID])


_NOT_STORED = {"id", "integrator__name", "provenance"}


@dataclass
class _Item:
    report: rules.CleanReport
    nik_key: str | None
    name_match_key: str | None
    existing: dict | None = None  # the stored report with this record id, if any


@dataclass
class _Chunk:
    """What one chunk's steps share: the ids reserved for its new cases, the cases it
    touches and the areas whose figures it changes."""

    ids: dict[int, int]  # negative plan ref of a new case -> its reserved id
    now: dt.datetime
    affected: set[int] = field(default_factory=set)
    absorbed: set[int] = field(default_factory=set)  # took over merged cases' reports
    dirty: list[tuple[str, dt.date | None]] = field(default_factory=list)

    @property
    def new_cases(self) -> set[int]:
        return set(self.ids.values())

    def real(self, ref: int) -> int:
        return self.ids[ref] if ref < 0 else ref


@dataclass
class _ReportRows:
    to_create: list[tuple] = field(default_factory=list)
    to_update: list[CaseReport] = field(default_factory=list)
    # This chunk's reports per case, in derivation form.
    arrived: dict[int, list[dict]] = field(default_factory=lambda: defaultdict(list))


def reports_ingest(
    *,
    integrator: Integrator,
    batch: ReportBatch,
    reports: list[rules.CleanReport],
    result: IngestResult,
) -> None:
    """Store one chunk of valid reports (unique record ids) and bring their cases up
    to date: load what is stored, plan which case each report joins, merge the cases
    the plan joins, write the reports, derive their cases again. Runs in the caller's
    transaction."""
    ingest_lock()
    items = _changed_items(integrator, reports, result)
    if not items:
        return
    nik_vault_store({i.nik_key: i.report.nik for i in items if i.nik_key})
    key_cases, known_keys, case_nik = _known_cases(items)
    plan, merges, new_refs = rules.match_plan(items, key_cases, case_nik)

    # New cases get their ids now, so they are derived from their reports in memory
    # and inserted once, complete.
    ids = dict(zip(new_refs, reserve_ids(Case, len(new_refs)), strict=True))
    result.cases_new += len(ids)
    chunk = _Chunk(ids=ids, now=timezone.now(), affected=set(ids.values()))
    _cases_merge(chunk, merges, result)
    rows = _report_rows(chunk, plan, merges, integrator=integrator, batch=batch)
    # Reports already stored for the touched cases (without the versions this chunk
    # replaces), read before this chunk's are written.
    stored = reports_of(
        (chunk.affected - chunk.new_cases) | chunk.absorbed,
        skip={row.pk for row in rows.to_update},
    )
    _reports_write(rows, result)
    # A case whose reports moved or changed keys gets its keys rebuilt in full; the
    # others only gain the keys of their new reports.
    rebuild = {row.case_id for row in rows.to_update} | {
        item.existing["case_id"] for item, _, _ in plan if item.existing
    }
    rebuild |= chunk.absorbed
    chunk.dirty.extend(
        cases_store(
            chunk.affected,
            new_cases=chunk.new_cases,
            reports={
                pk: sorted(
                    [*stored.get(pk, ()), *rows.arrived.get(pk, ())],
                    key=report_order,
                )
                for pk in chunk.affected
            },
            arrived=rows.arrived,
            known_keys=known_keys,
            rebuild_keys=rebuild,
            now=chunk.now,
        )
    )
    dirty_mark(dirty_from_changes(chunk.dirty))


def _changed_items(
    integrator: Integrator, reports: list[rules.CleanReport], result: IngestResult
) -> list[_Item]:
    """The reports that are new or changed, with their matching keys (a report sent
    again as it was counts as unchanged)."""
    secret = person_secret()
    existing = {
        row["record_id"]: row
        for row in CaseReport.objects.filter(
            integrator=integrator, record_id__in=many(r.record_id for r in reports)
        ).values("id", "record_id", "fingerprint", "case_id", "revision")
    }
    items: list[_Item] = []
    for report in reports:
        stored = existing.get(report.record_id)
        if stored and stored["fingerprint"] == report.fingerprint():
            result.unchanged += 1
            continue
        nik_key, name_key = rules.person_keys(
            nik=report.nik,
            name_key=report.name_key,
            birth_date=report.birth_date,
            kelurahan_code=report.kelurahan_code,
            secret=secret,
        )
        items.append(_Item(report, nik_key, name_key, stored))
    return items


def _known_cases(
    items: list[_Item],
) -> tuple[dict[str, set[int]], set[tuple[str, int]], dict[int, str | None]]:
    """The stored cases the items' keys lead to: the cases per key, the (key, case)
    pairs stored, and the NIK key of each of those cases."""
    keys = {k for item in items for k in (item.nik_key, item.name_match_key) if k}
    key_cases: dict[str, set[int]] = defaultdict(set)
    known_keys: set[tuple[str, int]] = set()
    for key, case_id in PersonKey.objects.filter(key__in=many(keys)).values_list(
        "key", "case_id"
    ):
        key_cases[key].add(case_id)
        known_keys.add((key, case_id))
    known_cases = {c for cases in key_cases.values() for c in cases}
    case_nik = dict(
        Case.objects.filter(id__in=many(known_cases, integers=True)).values_list(
            "id", "nik_key"
        )
    )
    return key_cases, known_keys, case_nik


def _cases_merge(chunk: _Chunk, merges: dict[int, int], result: IngestResult) -> None:
    """Merges of existing cases: move their reports to the case that took them over,
    drop them."""
    for loser, winner in merges.items():
        if loser < 0:
            continue
        target = chunk.real(winner)
        CaseReport.objects.filter(case_id=loser).update(case_id=target)
        chunk.affected.add(target)
        chunk.absorbed.add(target)
        gone = (
            Case.objects.filter(pk=loser)
            .values_list("kelurahan_id", "first_event_on")
            .first()
        )
        if gone:
            chunk.dirty.append(gone)
        Case.objects.filter(pk=loser).delete()
        result.cases_merged += 1


def _report_rows(
    chunk: _Chunk,
    plan: list[tuple[_Item, int, str]],
    merges: dict[int, int],
    *,
    integrator: Integrator,
    batch: ReportBatch,
) -> _ReportRows:
    """The rows to insert (new record ids) and to update (new revisions), and this
    chunk's reports per case in derivation form."""
    now = chunk.now
    new_report_ids = iter(
        reserve_ids(CaseReport, sum(1 for item, _, _ in plan if not item.existing))
    )
    rows = _ReportRows()
    for item, ref, match in plan:
        r = item.report
        case_id = chunk.real(ref)
        chunk.affected.add(case_id)
        fingerprint = r.fingerprint()
        row = {
            "id": item.existing["id"] if item.existing else next(new_report_ids),
            "case_id": case_id,
            "integrator_id": integrator.pk,
            "integrator__name": integrator.name,
            "record_id": r.record_id,
            "nik_key": item.nik_key or "",
            "name_match_key": item.name_match_key or "",
            "full_name": r.full_name,
            "name_key": r.name_key,
            "birth_date": r.birth_date,
            "sex": r.sex,
            "kelurahan_id": r.kelurahan_code,
            "household_id": r.household_id,
            "status": r.status,
            "event_date": r.event_date,
            "match": match,
        }
        rows.arrived[case_id].append(row)
        if item.existing:
            before = item.existing["case_id"]
            if before not in merges:
                chunk.affected.add(before)
            rows.to_update.append(
                CaseReport(
                    pk=row["id"],
                    revision=item.existing["revision"] + 1,
                    batch=batch,
                    fingerprint=fingerprint,
                    specimen_type=r.specimen_type,
                    test_type=r.test_type,
                    test_result=r.test_result,
                    updated_at=now,
                    **{k: v for k, v in row.items() if k not in _NOT_STORED},
                )
            )
        else:
            rows.to_create.append(
                (
                    *(row[name] for name in REPORT_INSERT_FIELDS),
                    batch.pk,
                    fingerprint,
                    1,
                    r.specimen_type,
                    r.test_type,
                    r.test_result,
                    now,
                    now,
                )
            )
    return rows


def _reports_write(rows: _ReportRows, result: IngestResult) -> None:
    insert_values(
        CaseReport,
        [
            *REPORT_INSERT_FIELDS, "batch_id", "fingerprint", "revision",
            "specimen_type", "test_type", "test_result", "received_at", "updated_at",
        ],
        rows.to_create,
    )  # fmt: skip
    update_fields = [
        "batch", "case", "fingerprint", "revision", "match", "nik_key",
        "name_match_key", "full_name", "name_key", "birth_date", "sex", "kelurahan",
        "household_id", "status", "event_date", "specimen_type", "test_type",
        "test_result", "updated_at",
    ]  # fmt: skip
    attnames = [CaseReport._meta.get_field(f).attname for f in update_fields]
    update_values(
        CaseReport,
        update_fields,
        [(row.pk, *(getattr(row, a) for a in attnames)) for row in rows.to_update],
    )
    result.created += len(rows.to_create)
    result.updated += len(rows.to_update)


def batch_finish(batch: ReportBatch, result: IngestResult) -> None:
    batch.received = result.received
    batch.created, batch.updated = result.created, result.updated
    batch.unchanged, batch.rejected = result.unchanged, result.rejected
    batch.errors = result.errors[:200]
    batch.finished_at = timezone.now()
    batch.save()
    result.batch_id = batch.pk


@transaction.atomic
def batch_start(
    *, integrator: Integrator, channel: str, filename: str = ""
) -> ReportBatch:
    return ReportBatch.objects.create(
        integrator=integrator, channel=channel, filename=filename
    )
