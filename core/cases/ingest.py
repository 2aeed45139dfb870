"""The ingest engine: validated reports -> one case per person, with provenance.

Matching (see rules.person_keys): a report with a NIK joins the case with that NIK;
else a case with the same normalised name + birth date + kelurahan that has no other
NIK. A report without NIK joins a case with the same name key. When a NIK report
links a NIK case to a name-only case, the two are merged. Every case is then derived
again from all its reports, so the order reports arrive in does not matter.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core.cases import rules
from core.cases.figures import dirty_mark
from core.db import bulk_insert_rows, bulk_update_rows
from core.models import Case, CaseReport, Integrator, PersonKey, ReportBatch

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


@dataclass
class _Item:
    report: rules.CleanReport
    nik_key: str | None
    name_match_key: str | None
    existing: dict | None = None  # the stored report with this record id, if any


def _order(refs: Iterable[int]) -> int:
    # Existing cases (positive ids, oldest first) before cases new in this batch.
    return min(refs, key=lambda ref: (ref < 0, abs(ref)))


def _resolve(
    items: list[_Item], key_cases: dict[str, set[int]], case_nik: dict[int, str | None]
) -> tuple[list[tuple[_Item, int, str]], dict[int, int], list[int]]:
    merges: dict[int, int] = {}

    def find(ref: int) -> int:
        while ref in merges:
            ref = merges[ref]
        return ref

    temp = itertools.count(-1, -1)
    new_refs: list[int] = []
    plan: list[tuple[_Item, int, str]] = []
    for item in items:
        nik_key, name_key = item.nik_key, item.name_match_key
        name_cands = (
            {find(c) for c in key_cases.get(name_key, ())} if name_key else set()
        )
        target: int | None = None
        match = CaseReport.Match.NEW
        if nik_key:
            nik_cands = {find(c) for c in key_cases.get(nik_key, ())}
            if nik_cands:
                target, match = _order(nik_cands), CaseReport.Match.NIK
            compatible = {c for c in name_cands if case_nik.get(c) in (None, nik_key)}
            if target is None and compatible:
                target, match = _order(compatible), CaseReport.Match.NAME
            if target is not None:
                for other in compatible - {target}:
                    if case_nik.get(other) is None:
                        merges[other] = target
        elif name_cands:
            target = _order(name_cands)
            match = (
                CaseReport.Match.NAME
                if len(name_cands) == 1
                else CaseReport.Match.NAME_AMBIGUOUS
            )
        if target is None:
            target = next(temp)
            new_refs.append(target)
        if nik_key:
            case_nik[target] = nik_key
            key_cases[nik_key] = {target}
        if name_key:
            key_cases.setdefault(name_key, set()).add(target)
        plan.append((item, target, match))
    plan = [(item, find(ref), match) for item, ref, match in plan]
    return plan, merges, [ref for ref in new_refs if find(ref) == ref]


def ingest_reports(
    *,
    integrator: Integrator,
    batch: ReportBatch,
    reports: list[rules.CleanReport],
    result: IngestResult,
) -> None:
    """Store one chunk of valid reports (unique record ids) and bring their cases up
    to date. Runs in the caller's transaction."""
    ingest_lock()
    secret = person_secret()
    existing = {
        row["record_id"]: row
        for row in CaseReport.objects.filter(
            integrator=integrator, record_id__in=[r.record_id for r in reports]
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
    if not items:
        return

    keys = {k for item in items for k in (item.nik_key, item.name_match_key) if k}
    key_cases: dict[str, set[int]] = defaultdict(set)
    for key, case_id in PersonKey.objects.filter(key__in=keys).values_list(
        "key", "case_id"
    ):
        key_cases[key].add(case_id)
    known_cases = {c for cases in key_cases.values() for c in cases}
    case_nik = dict(
        Case.objects.filter(id__in=known_cases).values_list("id", "nik_key")
    )
    plan, merges, new_refs = _resolve(items, key_cases, case_nik)

    # New cases: placeholders, derived from their reports below.
    first_report = {}
    for item, ref, _ in plan:
        first_report.setdefault(ref, item.report)
    placeholders = {
        ref: Case(
            kelurahan_id=first_report[ref].kelurahan_code,
            household_key="",
            status=first_report[ref].status,
            status_date=first_report[ref].event_date,
            first_event_on=first_report[ref].event_date,
            last_event_on=first_report[ref].event_date,
        )
        for ref in new_refs
    }
    Case.objects.bulk_create(list(placeholders.values()))
    ids = {ref: case.pk for ref, case in placeholders.items()}
    result.cases_new += len(ids)

    def real(ref: int) -> int:
        return ids[ref] if ref < 0 else ref

    affected: set[int] = set(ids.values())
    dirty: list[tuple[str, dt.date | None]] = []
    # Merges of existing cases: move their reports, drop them.
    for loser, winner in merges.items():
        if loser < 0:
            continue
        target = real(_follow(merges, winner))
        CaseReport.objects.filter(case_id=loser).update(case_id=target)
        affected.add(target)
        gone = (
            Case.objects.filter(pk=loser)
            .values_list("kelurahan_id", "first_event_on")
            .first()
        )
        if gone:
            dirty.append(gone)
        Case.objects.filter(pk=loser).delete()
        result.cases_merged += 1

    now = timezone.now()
    to_create: list[CaseReport] = []
    to_update: list[CaseReport] = []
    for item, ref, match in plan:
        r = item.report
        case_id = real(ref)
        affected.add(case_id)
        row = CaseReport(
            integrator=integrator,
            record_id=r.record_id,
            batch=batch,
            case_id=case_id,
            fingerprint=r.fingerprint(),
            match=match,
            nik_key=item.nik_key or "",
            name_match_key=item.name_match_key or "",
            full_name=r.full_name,
            name_key=r.name_key,
            birth_date=r.birth_date,
            sex=r.sex,
            kelurahan_id=r.kelurahan_code,
            household_id=r.household_id,
            status=r.status,
            event_date=r.event_date,
            specimen_type=r.specimen_type,
            test_type=r.test_type,
            test_result=r.test_result,
            updated_at=now,
        )
        if item.existing:
            row.pk = item.existing["id"]
            row.revision = item.existing["revision"] + 1
            if item.existing["case_id"] not in merges:
                affected.add(item.existing["case_id"])
            to_update.append(row)
        else:
            to_create.append(row)
    bulk_insert_rows(CaseReport, to_create)
    bulk_update_rows(
        CaseReport,
        to_update,
        [
            "batch", "case", "fingerprint", "revision", "match", "nik_key",
            "name_match_key", "full_name", "name_key", "birth_date", "sex", "kelurahan",
            "household_id", "status", "event_date", "specimen_type", "test_type",
            "test_result", "updated_at",
        ],
    )  # fmt: skip
    result.created += len(to_create)
    result.updated += len(to_update)
    dirty.extend(cases_refresh(affected))
    from core.cases.figures import dirty_from_changes

    dirty_mark(dirty_from_changes(dirty))


def _follow(merges: dict[int, int], ref: int) -> int:
    while ref in merges:
        ref = merges[ref]
    return ref


# --- Deriving a case from its reports ------------------------------------------------------


def _divergence(old: list, new: list) -> dt.date | None:
    """First day on which two timelines (stored JSON form) differ."""
    for a, b in itertools.zip_longest(old, new):
        if a != b:
            dates = [dt.date.fromisoformat(x[0]) for x in (a, b) if x]
            return min(dates)
    return None


def cases_refresh(case_ids: set[int]) -> list[tuple[str, dt.date | None]]:
    """Derive every field of these cases again from all their reports (latest report
    with a value wins; status from the timeline), record which report set each
    field, rebuild their matching keys. Returns (kelurahan, since) figure changes."""
    changes: list[tuple[str, dt.date | None]] = []
    cases = {c.pk: c for c in Case.objects.filter(pk__in=case_ids)}
    reports: dict[int, list[dict]] = defaultdict(list)
    rows = (
        CaseReport.objects.filter(case_id__in=case_ids)
        .order_by("event_date", "id")
        .values(
            "id", "case_id", "integrator__name", "integrator_id", "record_id", "nik_key",
            "name_match_key", "full_name", "name_key", "birth_date", "sex",
            "kelurahan_id", "household_id", "status", "event_date", "match",
        )
    )  # fmt: skip
    for row in rows.iterator(chunk_size=2000):
        reports[row["case_id"]].append(row)

    empty = [pk for pk in cases if not reports.get(pk)]
    for pk in empty:
        case = cases.pop(pk)
        changes.append((case.kelurahan_id, case.first_event_on))
    if empty:
        Case.objects.filter(pk__in=empty).delete()

    keys: list[PersonKey] = []
    nik_changed: list[Case] = []
    for pk, case in cases.items():
        old = (case.kelurahan_id, case.household_key, case.timeline)
        old_nik = case.nik_key
        _derive(case, reports[pk])
        if case.nik_key != old_nik and old_nik is not None:
            nik_changed.append(case)
        if (case.kelurahan_id, case.household_key) != old[:2]:
            first_old = dt.date.fromisoformat(old[2][0][0]) if old[2] else None
            changes.append((old[0], first_old))
            changes.append((case.kelurahan_id, case.first_event_on))
        else:
            changes.append((case.kelurahan_id, _divergence(old[2], case.timeline)))
        for row in reports[pk]:
            for key in (row["nik_key"], row["name_match_key"]):
                if key:
                    keys.append(PersonKey(key=key, case_id=pk))
    fields = [
        "nik_key", "full_name", "name_key", "birth_date", "sex", "kelurahan",
        "household_key", "status", "status_date", "confirmed_on", "recovered_on",
        "died_on", "first_event_on", "last_event_on", "timeline", "provenance",
        "report_count", "source_count", "ambiguous_match", "updated_at",
    ]  # fmt: skip
    if nik_changed:
        # NIK keys are unique: clear the old ones first so two cases can swap.
        Case.objects.filter(pk__in=[c.pk for c in nik_changed]).update(nik_key=None)
    bulk_update_rows(Case, list(cases.values()), fields)
    PersonKey.objects.filter(case_id__in=list(cases)).delete()
    PersonKey.objects.bulk_create(keys, batch_size=2000, ignore_conflicts=True)
    return changes


def _provenance(row: dict) -> dict:
    return {
        "source": row["integrator__name"],
        "record_id": row["record_id"],
        "report_id": row["id"],
        "event_date": row["event_date"].isoformat(),
    }


def _derive(case: Case, reports: list[dict]) -> None:
    """Fill `case` from its reports (sorted by event date, then arrival)."""
    provenance: dict[str, dict] = {}
    values: dict[str, object] = {}
    household_row = None
    for row in reports:
        for name, value in (
            ("full_name", row["full_name"]),
            ("birth_date", row["birth_date"]),
            ("sex", row["sex"]),
            ("kelurahan", row["kelurahan_id"]),
            ("nik", row["nik_key"]),
        ):
            if value:
                values[name] = value
                provenance[name] = _provenance(row)
        if row["household_id"]:
            household_row = row
            provenance["household"] = _provenance(row)
    timeline = rules.case_timeline(
        (row["event_date"], row["status"]) for row in reports
    )
    reported = [
        (date, state, reports[cause])
        for (date, state), cause in zip(
            timeline.transitions, timeline.causes, strict=True
        )
        if state != rules.DISCARDED
    ]
    for state, name in (
        (rules.CONFIRMED, "confirmed_on"),
        (rules.RECOVERED, "recovered_on"),
        (rules.DIED, "died_on"),
    ):
        hit = next(((d, r) for d, s, r in reported if s == state), None)
        setattr(case, name, hit[0] if hit else None)
        if hit:
            provenance[name] = _provenance(hit[1])
        else:
            provenance.pop(name, None)
    last = reported[-1] if reported else None
    if last:
        case.status, case.status_date = last[1], last[0]
        provenance["status"] = _provenance(last[2])
    case.nik_key = values.get("nik")
    case.full_name = values.get("full_name", "")
    case.name_key = rules.normalise_person_name(case.full_name)
    case.birth_date = values.get("birth_date")
    case.sex = values.get("sex", "")
    case.kelurahan_id = values["kelurahan"]
    case.household_key = rules.household_key(
        kelurahan_code=household_row["kelurahan_id"]
        if household_row
        else case.kelurahan_id,
        household_id=household_row["household_id"] if household_row else "",
        case_ref=str(case.pk),
    )
    case.timeline = rules.timeline_to_data(timeline)
    case.first_event_on = reports[0]["event_date"]
    case.last_event_on = max(row["event_date"] for row in reports)
    case.provenance = provenance
    case.report_count = len(reports)
    case.source_count = len({row["integrator_id"] for row in reports})
    case.ambiguous_match = any(
        row["match"] == CaseReport.Match.NAME_AMBIGUOUS for row in reports
    )
    case.updated_at = timezone.now()


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
