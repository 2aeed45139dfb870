"""What the services hand the mapping: a person, a case with its lab results, a
check-in's vital signs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Person:
    nik: str | None
    full_name: str
    birth_date: dt.date | None
    sex: str  # "M" / "F" / ""
    local_id: str  # Sigap's id for a person without NIK
    patient_id: str = ""  # the centre's id, once known


@dataclass(frozen=True)
class LabResult:
    key: str  # "<source>:<record id>": stable across case merges
    test_type: str
    test_result: str
    date: dt.date


@dataclass(frozen=True)
class CaseInput:
    case_id: int
    person: Person
    status: str
    day: dt.date  # the case's reporting day (confirmation, else first report)
    confirmed_on: dt.date | None
    recovered_on: dt.date | None
    died_on: dt.date | None
    organization_id: str  # serviceProvider: the reporting facility, else the office
    location_id: str
    labs: tuple[LabResult, ...] = ()
    encounter_id: str = ""
    condition_id: str = ""
    observation_ids: dict = field(default_factory=dict)


@dataclass(frozen=True)
class VitalsInput:
    checkin_id: int
    isolation_id: int
    person: Person
    measured_at: dt.datetime
    isolation_start: dt.date
    isolation_ended: bool
    values: dict  # temperature / spo2 / breathing_rate (None when not measured)
    organization_id: str
    location_id: str
    encounter_id: str = ""
    observation_ids: dict = field(default_factory=dict)
