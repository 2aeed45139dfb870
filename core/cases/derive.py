"""Cases derived again from all their reports, and written: inserted, updated, dropped
when no report is left, with their matching keys. Used by the ingest of each chunk
(core.cases.ingest) and to refresh cases."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection

from django.utils import timezone

from core.cases import rules
from core.cases.models import Case, CaseReport, Integrator, PersonKey
from core.db import insert_values, many, update_values

# Report columns the derivation reads, in the order inserts write them.
REPORT_INSERT_FIELDS = (
    "id", "case_id", "integrator_id", "record_id", "nik_key", "name_match_key",
    "full_name", "name_key", "birth_date", "sex", "kelurahan_id", "household_id",
    "status", "event_date", "match",
)  # fmt: skip


def report_order(row: dict) -> tuple:
    return row["event_date"], row["id"]


def reports_of(
    case_ids: set[int], *, skip: Collection[int] = frozenset()
) -> dict[int, list[dict]]:
    """Stored reports of these cases, per case, in derivation form (sorted by event
    date, then arrival)."""
    reports: dict[int, list[dict]] = defaultdict(list)
    if not case_ids:
        return reports
    names = dict(Integrator.objects.values_list("id", "name"))
    ordered = sorted(case_ids)
    for i in range(0, len(ordered), READ_CHUNK):
        rows = (
            CaseReport.objects.filter(
                case_id__in=many(ordered[i : i + READ_CHUNK], integers=True)
            )
            .order_by()
            .values_list(*REPORT_INSERT_FIELDS)
        )
        for values in rows.iterator(chunk_size=READ_CHUNK):
            row = dict(zip(REPORT_INSERT_FIELDS, values, strict=True))
            if row["id"] in skip:
                continue
            row["integrator__name"] = names[row["integrator_id"]]
            reports[row["case_id"]].append(row)
    for rows in reports.values():
        rows.sort(key=report_order)
    return reports


READ_CHUNK = 10_000


CASE_FIELDS = (
    "nik_key", "full_name", "name_key", "birth_date", "sex", "kelurahan_id",
    "household_key", "status", "status_date", "confirmed_on", "recovered_on",
    "died_on", "first_event_on", "last_event_on", "timeline", "provenance",
    "report_count", "source_count", "ambiguous_match", "updated_at",
)  # fmt: skip


def cases_refresh(case_ids: set[int]) -> list[tuple[str, dt.date | None]]:
    """Derive every field of these cases again from all their reports (latest report
    with a value wins; status from the timeline), record which report set each
    field, rebuild their matching keys. Returns (kelurahan, since) figure changes."""
    return cases_store(
        set(case_ids),
        new_cases=set(),
        reports=reports_of(set(case_ids)),
        arrived={},
        known_keys=set(),
        rebuild_keys=set(case_ids),
        now=timezone.now(),
    )


def cases_store(
    case_ids: set[int],
    *,
    new_cases: set[int],
    reports: dict[int, list[dict]],
    arrived: dict[int, list[dict]],
    known_keys: set[tuple[str, int]],
    rebuild_keys: set[int],
    now: dt.datetime,
) -> list[tuple[str, dt.date | None]]:
    """Write the cases derived from `reports` (all reports of each case, sorted):
    insert the `new_cases` (ids reserved), update the others, drop those left without
    reports, and bring their matching keys up to date. Returns figure changes."""
    changes: list[tuple[str, dt.date | None]] = []
    stored: dict[int, tuple] = {}
    old_ids = sorted(case_ids - new_cases)
    for i in range(0, len(old_ids), READ_CHUNK):
        for row in (
            Case.objects.filter(pk__in=many(old_ids[i : i + READ_CHUNK], integers=True))
            .order_by()
            .values_list(
                "id",
                "nik_key",
                "kelurahan_id",
                "household_key",
                "timeline",
                "first_event_on",
            )  # fmt: skip
        ):
            stored[row[0]] = row
    empty = [pk for pk in stored if not reports.get(pk)]
    for pk in empty:
        changes.append((stored[pk][2], stored[pk][5]))
    if empty:
        Case.objects.filter(pk__in=empty).delete()

    inserts: list[tuple] = []
    updates: list[tuple] = []
    nik_changed: list[int] = []
    live: set[int] = set()
    for pk in sorted(case_ids):
        rows = reports.get(pk)
        if not rows or (pk not in new_cases and pk not in stored):
            continue
        live.add(pk)
        case = rules.case_derive(pk, rows, now)
        values = tuple(case[name] for name in CASE_FIELDS)
        if pk in new_cases:
            changes.append((case["kelurahan_id"], case["first_event_on"]))
            inserts.append((pk, *values, now))
            continue
        _, old_nik, old_kelurahan, old_household, old_timeline, _ = stored[pk]
        if case["nik_key"] != old_nik and old_nik is not None:
            nik_changed.append(pk)
        if (case["kelurahan_id"], case["household_key"]) != (
            old_kelurahan,
            old_household,
        ):
            first_old = (
                dt.date.fromisoformat(old_timeline[0][0]) if old_timeline else None
            )
            changes.append((old_kelurahan, first_old))
            changes.append((case["kelurahan_id"], case["first_event_on"]))
        else:
            changes.append(
                (
                    case["kelurahan_id"],
                    rules.timeline_divergence(old_timeline, case["timeline"]),
                )
            )
        updates.append((pk, *values))
    if nik_changed:
        # NIK keys are unique: clear the old ones first so two cases can swap.
        Case.objects.filter(pk__in=nik_changed).update(nik_key=None)
    update_values(Case, CASE_FIELDS, updates)
    insert_values(Case, ("id", *CASE_FIELDS, "created_at"), inserts)

    rebuild = rebuild_keys & live
    if rebuild:
        PersonKey.objects.filter(case_id__in=list(rebuild)).delete()
    new_keys: set[tuple[str, int]] = set()
    for pk in live:
        whole = pk in rebuild
        for row in reports[pk] if whole else arrived.get(pk, ()):
            for key in (row["nik_key"], row["name_match_key"]):
                if key and (whole or (key, pk) not in known_keys):
                    new_keys.add((key, pk))
    insert_values(PersonKey, ("key", "case_id"), sorted(new_keys))
    return changes
