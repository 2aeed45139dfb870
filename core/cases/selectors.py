"""Reads for case integration, for the health office only (callers check the role)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.utils import translation
from django.utils.formats import date_format

from core.areas.rules import descendant_range
from core.cases import rules
from core.cases.error_codes import CaseErrorCode
from core.exceptions import NotFound
from core.models import Case, CaseReport, Integrator, Region

COUNTED = (rules.SUSPECT, rules.PROBABLE, rules.CONFIRMED, rules.RECOVERED, rules.DIED)

EXPLAIN = {
    "other_date": {
        "id": "{source} mencatat status {status} orang ini pada {their}, data terintegrasi "
        "pada {ours}.",
        "en": "{source} dates this person's {status} status {their}; the integrated record "
        "says {ours}.",
    },
    "other_area": {
        "id": "{source} mencatat orang ini di {their}, data terintegrasi di {ours}.",
        "en": "{source} places this person in {their}; the integrated record in {ours}.",
    },
    "other_status": {
        "id": "{source} melaporkan status {their} pada hari ini; status terintegrasi {ours}.",
        "en": "{source} reports status {their} this day; the integrated status is {ours}.",
    },
    "duplicate_in_source": {
        "id": "{source} mengirim orang yang sama {their} kali dengan ID berbeda.",
        "en": "{source} sent the same person {their} times under different record ids.",
    },
    "not_reported_by_source": {
        "id": "{source} tidak pernah melaporkan orang ini.",
        "en": "{source} never reported this person.",
    },
}


def _area_q(field: str, area: Region) -> Q:
    if area.level == Region.Level.VILLAGE:
        return Q(**{field: area.code})
    return Q(**{f"{field}__startswith": area.code + "."})


def _in_area(code: str, area: Region) -> bool:
    return code == area.code or code.startswith(area.code + ".")


def case_get_for_office(*, region: Region, case_id: int) -> Case:
    """A case living in the health office's region (its kelurahan at or below the
    region's code); 404 for any other, as for a case that does not exist."""
    low, high = descendant_range(region.code)
    case = (
        Case.objects.select_related("kelurahan")
        .filter(
            Q(kelurahan_id=region.code)
            | Q(kelurahan_id__gte=low, kelurahan_id__lt=high),
            pk=case_id,
        )
        .first()
    )
    if case is None:
        raise NotFound("Kasus tidak ditemukan.", code=CaseErrorCode.CASE_NOT_FOUND)
    return case


def case_reports(case: Case) -> list[CaseReport]:
    return list(case.reports.select_related("integrator").order_by("event_date", "id"))


def discrepancies(*, area: Region, date: dt.date) -> dict:
    """Where the sources' own counts for an area and day disagree with each other and
    with the integrated figures, and which records explain each difference.

    A source's count is its records with that status and event date in the area. The
    integrated count is the people whose status changed to it that day in the area.
    Only sources that reported something in the area that day are compared."""
    case_ids, cases, reports = _day_cases(area=area, date=date)
    integrated, integrated_on_day = _integrated_counts(cases, area=area, date=date)
    sources, counts = _source_counts(case_ids, reports, area=area, date=date)
    differences = [
        difference
        for pk in sorted(case_ids)
        if pk in cases
        for difference in _case_differences(
            cases[pk],
            reports[pk],
            sources=sources,
            states=integrated_on_day[pk],
            area=area,
            date=date,
        )
    ]
    source_rows = [
        {
            "source": source.name,
            "kind": source.kind,
            "counts": counts[source_id],
            "differs": [s for s in COUNTED if counts[source_id][s] != integrated[s]],
        }
        for source_id, source in sorted(sources.items(), key=lambda item: item[1].name)
    ]
    return {
        "area": {"code": area.code, "name": area.name, "level": area.level},
        "date": date,
        "integrated": integrated,
        "sources": source_rows,
        "agree": not differences and all(not row["differs"] for row in source_rows),
        "differences": differences,
    }


def _day_cases(
    *, area: Region, date: dt.date
) -> tuple[set[int], dict[int, Case], dict[int, list[CaseReport]]]:
    """The cases with a report in the area that day, or placed in the area by the
    integration with news that day; and all reports of each, in event order."""
    on_day = CaseReport.objects.filter(event_date=date)
    area_case_ids = set(
        on_day.filter(_area_q("kelurahan__code", area)).values_list(
            "case_id", flat=True
        )
    )
    # People the integration places in the area with news that day.
    integrated_case_ids = set(
        on_day.filter(_area_q("case__kelurahan__code", area)).values_list(
            "case_id", flat=True
        )
    )
    case_ids = area_case_ids | integrated_case_ids
    cases = {c.pk: c for c in Case.objects.filter(pk__in=case_ids)}
    reports: dict[int, list[CaseReport]] = defaultdict(list)
    for report in (
        CaseReport.objects.filter(case_id__in=case_ids)
        .select_related("integrator")
        .order_by("event_date", "id")
    ):
        reports[report.case_id].append(report)
    return case_ids, cases, reports


def _integrated_counts(
    cases: dict[int, Case], *, area: Region, date: dt.date
) -> tuple[dict[str, int], dict[int, set[str]]]:
    """People per status the integration counts in the area that day, and the states
    each case entered that day (none when the integration places it elsewhere)."""
    integrated = dict.fromkeys(COUNTED, 0)
    integrated_on_day: dict[int, set[str]] = {}
    for pk, case in cases.items():
        states = {
            state
            for day, state in rules.timeline_from_data(case.timeline).transitions
            if day == date and state in COUNTED
        }
        integrated_on_day[pk] = states if _in_area(case.kelurahan_id, area) else set()
        for state in integrated_on_day[pk]:
            integrated[state] += 1
    return integrated, integrated_on_day


def _source_counts(
    case_ids: set[int],
    reports: dict[int, list[CaseReport]],
    *,
    area: Region,
    date: dt.date,
) -> tuple[dict[int, Integrator], dict[int, dict[str, int]]]:
    """The sources with a record in the area that day, and their counts per status."""
    sources: dict[int, Integrator] = {}
    counts: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTED, 0))
    for pk in case_ids:
        for report in reports[pk]:
            if report.event_date == date and _in_area(report.kelurahan_id, area):
                sources[report.integrator_id] = report.integrator
                counts[report.integrator_id][report.status] += 1
    return sources, counts


def _case_differences(
    case: Case,
    reports: list[CaseReport],
    *,
    sources: dict[int, Integrator],
    states: set[str],
    area: Region,
    date: dt.date,
) -> list[dict]:
    """Where each source's count of this one person differs from the integration's."""
    by_source: dict[int, list[CaseReport]] = defaultdict(list)
    for report in reports:
        by_source[report.integrator_id].append(report)
    differences = []
    for source_id, source in sources.items():
        theirs = by_source.get(source_id, [])
        today = [
            r for r in theirs if r.event_date == date and _in_area(r.kelurahan_id, area)
        ]
        for status in COUNTED:
            counted = [r for r in today if r.status == status]
            expected = status in states
            if len(counted) == int(expected):
                continue
            kind, their, ours, records = _explain(
                case, status, counted, theirs, states, date, expected
            )
            differences.append(
                {
                    "case_id": case.pk,
                    "kelurahan": case.kelurahan_id,
                    "status": status,
                    "source": source.name,
                    "source_count": len(counted),
                    "integrated_count": int(expected),
                    "kind": kind,
                    "explanation": {
                        lang: text.format(
                            source=source.name,
                            status=rules.STATUS_LABELS[status][lang],
                            their=_label(their, lang),
                            ours=_label(ours, lang),
                        )
                        for lang, text in EXPLAIN[kind].items()
                    },
                    "records": [_record(r) for r in records],
                }
            )
    return differences


def _label(value, lang: str):
    """A status in the reader's words, a day as people write it ("6 Des 2026")."""
    if isinstance(value, dt.date):
        with translation.override(lang):
            return date_format(value, "j M Y")
    return rules.STATUS_LABELS[value][lang] if value in rules.STATUS_LABELS else value


def _record(report: CaseReport) -> dict:
    return {
        "source": report.integrator.name,
        "record_id": report.record_id,
        "status": report.status,
        "event_date": report.event_date,
        "kelurahan": report.kelurahan_id,
        "received_at": report.received_at,
    }


def _explain(case, status, counted, theirs, states, date, expected):
    """Why one source's count of one person differs from the integrated count."""
    if len(counted) > 1:
        return "duplicate_in_source", len(counted), 1, counted
    if not theirs:
        return "not_reported_by_source", "", "", []
    if counted and not expected:
        if not _in_area_code(case.kelurahan_id, counted[0].kelurahan_id):
            return "other_area", counted[0].kelurahan_id, case.kelurahan_id, counted
        integrated_day = next(
            (
                d
                for d, s in rules.timeline_from_data(case.timeline).transitions
                if s == status
            ),
            None,
        )
        if integrated_day and integrated_day != date:
            return (
                "other_date",
                date,
                integrated_day,
                counted + _origin(case, status, integrated_day),
            )
        return "other_status", status, case.status, counted
    # The integration counts the person that day; this source does not.
    same_status = [r for r in theirs if r.status == status]
    if same_status:
        other = same_status[0]
        if other.event_date != date:
            return "other_date", other.event_date, date, same_status
        return "other_area", other.kelurahan_id, case.kelurahan_id, same_status
    on_day = [r for r in theirs if r.event_date == date]
    if on_day:
        return "other_status", on_day[0].status, status, on_day
    return "not_reported_by_source", "", "", []


def _origin(case: Case, status: str, day: dt.date) -> list[CaseReport]:
    return list(
        case.reports.select_related("integrator").filter(status=status, event_date=day)[
            :3
        ]
    )


def _in_area_code(case_code: str, report_code: str) -> bool:
    return case_code == report_code
