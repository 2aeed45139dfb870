"""What a record looks like now: the case with its lab reports, its organisation
and location, and the fingerprint that says whether it changed since it was sent."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.conf import settings

from core.db import many
from core.models import (
    Case,
    CaseReport,
    Integrator,
    SatusehatFacility,
    SatusehatRecord,
)
from core.satusehat import fhir

Row = SatusehatRecord
State = SatusehatRecord.State


LAB_TYPES = tuple(fhir.LAB_CODES)


def case_day(case: Mapping) -> dt.date:
    return case["confirmed_on"] or case["first_event_on"]


def case_reportable(case: Mapping) -> bool:
    """A case the centre should hold. A discarded case is sent only to refute an
    earlier report (handled by its existing row)."""
    return case["status"] != "discarded"


@dataclass
class Org:
    by_integrator: dict[int, tuple[str, str]] = field(default_factory=dict)
    by_facility: dict[int, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Org:
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


def case_labs(reports: list[tuple]) -> tuple[fhir.LabResult, ...]:
    return tuple(
        fhir.LabResult(
            key=f"{r[2]}:{r[3]}", test_type=r[4], test_result=r[5], date=r[6]
        )
        for r in sorted(reports, key=lambda r: (r[6], r[2], r[3]))
        if r[4] in LAB_TYPES and r[5] in fhir.RESULT_CODES
    )


def case_source_integrator(case: Mapping, reports: list[tuple]) -> int | None:
    """The facility that reported the case's status is its service provider."""
    source = (case["provenance"] or {}).get("status", {}).get("source")
    for r in reports:
        if r[2] == source:
            return r[1]
    return reports[0][1] if reports else None


def case_fingerprint(case: Mapping, labs, org: tuple[str, str]) -> str:
    parts = [
        case["nik_key"] or "",
        case["full_name"],
        str(case["birth_date"] or ""),
        case["sex"],
        case["status"],
        str(case_day(case)),
        str(case["confirmed_on"] or ""),
        str(case["recovered_on"] or ""),
        str(case["died_on"] or ""),
        *org,
        *(f"{lab.key}|{lab.test_type}|{lab.test_result}|{lab.date}" for lab in labs),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def cases_with_reports(case_ids: list[int]) -> tuple[dict, dict]:
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
