"""Reports to cases: which case each report of a batch joins (and which cases merge),
and every field of a case derived from its reports, with the report behind it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from core.cases.rules.persons import household_key, normalise_person_name
from core.cases.rules.timeline import case_timeline, timeline_to_data
from core.cases.rules.vocabulary import (
    CONFIRMED,
    DIED,
    DISCARDED,
    MATCH_NAME,
    MATCH_NAME_AMBIGUOUS,
    MATCH_NEW,
    MATCH_NIK,
    RECOVERED,
)


class Keyed(Protocol):
    nik_key: str | None
    name_match_key: str | None


K = TypeVar("K", bound=Keyed)


def _oldest(refs: Iterable[int]) -> int:
    # Existing cases (positive ids, oldest first) before cases new in this batch.
    return min(refs, key=lambda ref: (ref < 0, abs(ref)))


def match_plan(
    items: Sequence[K], key_cases: dict[str, set[int]], case_nik: dict[int, str | None]
) -> tuple[list[tuple[K, int, str]], dict[int, int], list[int]]:
    """Which case each item (a report with its matching keys) joins, in order.

    `key_cases` are the cases each key already leads to and `case_nik` the NIK key of
    those cases; both are updated as the batch goes. New cases get negative refs.
    Returns the plan (item, case ref, match), the merges (absorbed ref -> the ref
    that finally took it over) and the refs of the new cases left after the merges."""
    merges: dict[int, int] = {}

    def find(ref: int) -> int:
        while ref in merges:
            ref = merges[ref]
        return ref

    temp = itertools.count(-1, -1)
    new_refs: list[int] = []
    plan: list[tuple[K, int, str]] = []
    for item in items:
        nik_key, name_key = item.nik_key, item.name_match_key
        name_cands = (
            {find(c) for c in key_cases.get(name_key, ())} if name_key else set()
        )
        target: int | None = None
        match = MATCH_NEW
        if nik_key:
            nik_cands = {find(c) for c in key_cases.get(nik_key, ())}
            if nik_cands:
                target, match = _oldest(nik_cands), MATCH_NIK
            compatible = {c for c in name_cands if case_nik.get(c) in (None, nik_key)}
            if target is None and compatible:
                target, match = _oldest(compatible), MATCH_NAME
            if target is not None:
                for other in compatible - {target}:
                    if case_nik.get(other) is None:
                        merges[other] = target
        elif name_cands:
            target = _oldest(name_cands)
            match = MATCH_NAME if len(name_cands) == 1 else MATCH_NAME_AMBIGUOUS
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
    merged = {ref: find(ref) for ref in merges}
    return plan, merged, [ref for ref in new_refs if find(ref) == ref]


def timeline_divergence(old: list, new: list) -> dt.date | None:
    """First day on which two timelines (stored JSON form) differ."""
    for a, b in itertools.zip_longest(old, new):
        if a != b:
            dates = [dt.date.fromisoformat(x[0]) for x in (a, b) if x]
            return min(dates)
    return None


def _provenance(row: dict) -> dict:
    # One dict per report, shared by every field that report set.
    provenance = row.get("provenance")
    if provenance is None:
        provenance = row["provenance"] = {
            "source": row["integrator__name"],
            "record_id": row["record_id"],
            "report_id": row["id"],
            "event_date": row["event_date"].isoformat(),
        }
    return provenance


def case_derive(pk: int, reports: list[dict], now: dt.datetime) -> dict:
    """The fields of case `pk` from its reports (sorted by event date, then arrival):
    the latest report with a value wins; status from the timeline. `provenance` says
    which report set each field."""
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
    timeline = case_timeline((row["event_date"], row["status"]) for row in reports)
    reported = [
        (date, state, reports[cause])
        for (date, state), cause in zip(
            timeline.transitions, timeline.causes, strict=True
        )
        if state != DISCARDED
    ]
    case: dict = {}
    for state, name in (
        (CONFIRMED, "confirmed_on"),
        (RECOVERED, "recovered_on"),
        (DIED, "died_on"),
    ):
        hit = next(((d, r) for d, s, r in reported if s == state), None)
        case[name] = hit[0] if hit else None
        if hit:
            provenance[name] = _provenance(hit[1])
    last = (
        reported[-1]
        if reported
        else (reports[0]["event_date"], reports[0]["status"], reports[0])
    )
    case["status"], case["status_date"] = last[1], last[0]
    provenance["status"] = _provenance(last[2])
    kelurahan = values["kelurahan"]
    full_name = values.get("full_name", "")
    case.update(
        nik_key=values.get("nik"),
        full_name=full_name,
        name_key=normalise_person_name(full_name),
        birth_date=values.get("birth_date"),
        sex=values.get("sex", ""),
        kelurahan_id=kelurahan,
        household_key=household_key(
            kelurahan_code=household_row["kelurahan_id"]
            if household_row
            else kelurahan,
            household_id=household_row["household_id"] if household_row else "",
            case_ref=str(pk),
        ),
        timeline=timeline_to_data(timeline),
        first_event_on=reports[0]["event_date"],
        last_event_on=max(row["event_date"] for row in reports),
        provenance=provenance,
        report_count=len(reports),
        source_count=len({row["integrator_id"] for row in reports}),
        ambiguous_match=any(row["match"] == MATCH_NAME_AMBIGUOUS for row in reports),
        updated_at=now,
    )
    return case


__all__ = ["case_derive", "match_plan", "timeline_divergence"]
