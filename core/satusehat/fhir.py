"""Sigap records -> FHIR R4 resources as SATUSEHAT profiles them. Pure: plain values
in, plain dicts out, every resource validated with `fhir.resources` (R4B models, which
share R4's shape for these resources) before it may leave Sigap.

Only what the profiles need leaves: the NIK (the patient's key at the centre), name,
sex and birth date for the Patient; dates, the diagnosis code and the test results
for the rest. No address, phone, household or free text."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from fhir.resources.R4B import get_fhir_model_class

NIK_SYSTEM = "https://fhir.kemkes.go.id/id/nik"
IDS = "http://sys-ids.kemkes.go.id"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_NS = uuid.UUID("5a7c1e0e-5a75-4a2e-9b1e-000000005a75")

LAB_CODES = {
    # Molecular tests (PCR, TCM/GeneXpert) find the RNA; antigen tests the antigen.
    "pcr": ("94500-6", "SARS-CoV-2 (COVID-19) RNA [Presence] in Respiratory specimen by NAA with probe detection"),
    "tcm": ("94500-6", "SARS-CoV-2 (COVID-19) RNA [Presence] in Respiratory specimen by NAA with probe detection"),
    "antigen": ("94558-4", "SARS-CoV-2 (COVID-19) Ag [Presence] in Respiratory specimen by Rapid immunoassay"),
}  # fmt: skip
RESULT_CODES = {
    "positive": ("10828004", "Positive"),
    "negative": ("260385009", "Negative"),
    "inconclusive": ("419984006", "Inconclusive"),
}
VITALS = {
    # field: (LOINC, display, UCUM unit)
    "temperature": ("8310-5", "Body temperature", "Cel"),
    "spo2": ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
    "breathing_rate": ("9279-1", "Respiratory rate", "/min"),
}


def identifier_system(kind: str, organization_id: str) -> str:
    """SATUSEHAT's scheme for a facility's own record ids."""
    return f"{IDS}/{kind}/{organization_id}"


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


@dataclass
class Entry:
    """One Bundle entry and who it belongs to: (record key, role) lets the response's
    ids be stored on the right outbox row."""

    record: str
    role: str  # "patient" / "encounter" / "condition" / "obs:<key>"
    body: dict


class MappingError(ValueError):
    pass


def validate(resource: dict) -> dict:
    """The resource checked against the FHIR R4 model; a mapping bug never leaves."""
    model = get_fhir_model_class(resource["resourceType"])
    try:
        model.model_validate(resource)
    except Exception as exc:  # pydantic's ValidationError, with the field paths
        raise MappingError(f"{resource['resourceType']}: {exc}") from exc
    return resource


def _full_url(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NS, '|'.join(parts))}"


def _entry(
    record: str,
    role: str,
    resource: dict,
    *,
    known_id: str,
    if_none_exist: str,
    full_url: str,
) -> Entry:
    validate(resource)
    if known_id:
        # The centre already holds it: update in place, by its own id.
        resource = {**resource, "id": known_id}
        request = {"method": "PUT", "url": f"{resource['resourceType']}/{known_id}"}
    else:
        # Conditional create: the centre creates it only when no resource carries
        # this business identifier yet, so a resend never makes a second one.
        request = {
            "method": "POST",
            "url": resource["resourceType"],
            "ifNoneExist": if_none_exist,
        }
    return Entry(
        record, role, {"fullUrl": full_url, "resource": resource, "request": request}
    )


def _ref(entry_or_id: Entry | str, resource_type: str) -> dict:
    if isinstance(entry_or_id, Entry):
        return {"reference": entry_or_id.body["fullUrl"]}
    return {"reference": f"{resource_type}/{entry_or_id}"}


def _patient(record: str, person: Person, organization_id: str) -> Entry | str:
    if person.patient_id:
        return person.patient_id
    if person.nik:
        identifier = {"use": "official", "system": NIK_SYSTEM, "value": person.nik}
    else:
        identifier = {
            "use": "usual",
            "system": identifier_system("patient", organization_id),
            "value": person.local_id,
        }
    resource = {"resourceType": "Patient", "identifier": [identifier], "active": True}
    if person.full_name:
        resource["name"] = [{"use": "official", "text": person.full_name}]
    if person.sex in ("M", "F"):
        resource["gender"] = "male" if person.sex == "M" else "female"
    if person.birth_date:
        resource["birthDate"] = person.birth_date.isoformat()
    key = f"{identifier['system']}|{identifier['value']}"
    return _entry(
        record,
        "patient",
        resource,
        known_id="",
        if_none_exist=f"identifier={key}",
        full_url=_full_url("Patient", key),
    )


def _identified(
    record: str,
    role: str,
    resource: dict,
    *,
    system: str,
    value: str,
    known_id: str,
) -> Entry:
    resource["identifier"] = [{"system": system, "value": value}]
    return _entry(
        record,
        role,
        resource,
        known_id=known_id,
        if_none_exist=f"identifier={system}|{value}",
        full_url=_full_url(resource["resourceType"], system, value),
    )


def case_record_key(case_id: int) -> str:
    return f"case:{case_id}"


def checkin_record_key(checkin_id: int) -> str:
    return f"checkin:{checkin_id}"


def case_condition(status: str, confirmed_on, recovered_on, died_on) -> dict | None:
    """ICD-10 code and statuses for a case; None when there is nothing to report
    (a discarded suspect that never was confirmed)."""
    if confirmed_on:
        code, display = "U07.1", "COVID-19, virus identified"
        verification = "confirmed"
    elif status == "discarded":
        code, display = "U07.2", "COVID-19, virus not identified"
        verification = "refuted"
    else:
        code, display = "U07.2", "COVID-19, virus not identified"
        verification = "confirmed" if status == "probable" else "provisional"
    clinical = "active"
    if recovered_on or status == "recovered":
        clinical = "resolved"
    elif died_on or status == "died" or status == "discarded":
        clinical = "inactive"
    return {
        "code": code,
        "display": display,
        "verification": verification,
        "clinical": clinical,
    }


def case_entries(case: CaseInput, organization_id: str) -> list[Entry]:
    """Patient, Encounter, Condition and the lab Observations of one case.
    `organization_id` is Sigap's own (the client's): it scopes the identifiers."""
    record = case_record_key(case.case_id)
    entries: list[Entry] = []
    patient = _patient(record, case.person, organization_id)
    if isinstance(patient, Entry):
        entries.append(patient)
    subject = _ref(patient, "Patient")
    diagnosis = case_condition(
        case.status, case.confirmed_on, case.recovered_on, case.died_on
    )
    finished = diagnosis["clinical"] != "active"
    encounter_body: dict = {
        "resourceType": "Encounter",
        "status": "finished" if finished else "in-progress",
        "class": {"system": ACT_CODE, "code": "AMB", "display": "ambulatory"},
        "subject": subject,
        "period": {"start": case.day.isoformat()},
        "serviceProvider": {"reference": f"Organization/{case.organization_id}"},
    }
    end = case.recovered_on or case.died_on
    if finished and end and end >= case.day:
        encounter_body["period"]["end"] = end.isoformat()
    if case.location_id:
        encounter_body["location"] = [
            {"location": {"reference": f"Location/{case.location_id}"}}
        ]
    value = f"case-{case.case_id}"
    encounter = _identified(
        record,
        "encounter",
        encounter_body,
        system=identifier_system("encounter", organization_id),
        value=value,
        known_id=case.encounter_id,
    )
    entries.append(encounter)
    condition_body: dict = {
        "resourceType": "Condition",
        "clinicalStatus": {
            "coding": [{"system": CONDITION_CLINICAL, "code": diagnosis["clinical"]}]
        },
        "verificationStatus": {
            "coding": [
                {"system": CONDITION_VERIFICATION, "code": diagnosis["verification"]}
            ]
        },
        "category": [
            {"coding": [{"system": CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}
        ],
        "code": {
            "coding": [
                {
                    "system": ICD10,
                    "code": diagnosis["code"],
                    "display": diagnosis["display"],
                }
            ]
        },
        "subject": subject,
        "encounter": _ref(encounter, "Encounter"),
        "onsetDateTime": case.day.isoformat(),
        "recordedDate": case.day.isoformat(),
    }
    if diagnosis["clinical"] == "resolved" and case.recovered_on:
        condition_body["abatementDateTime"] = case.recovered_on.isoformat()
    entries.append(
        _identified(
            record,
            "condition",
            condition_body,
            system=identifier_system("condition", organization_id),
            value=value,
            known_id=case.condition_id,
        )
    )
    for lab in case.labs:
        observation = lab_observation(lab, subject, _ref(encounter, "Encounter"))
        if observation is None:
            continue
        entries.append(
            _identified(
                record,
                f"obs:{lab.key}",
                observation,
                system=identifier_system("observation", organization_id),
                value=f"lab:{lab.key}",
                known_id=case.observation_ids.get(lab.key, ""),
            )
        )
    return entries


def lab_observation(lab: LabResult, subject: dict, encounter: dict) -> dict | None:
    if lab.test_type not in LAB_CODES or lab.test_result not in RESULT_CODES:
        return None
    code, display = LAB_CODES[lab.test_type]
    result, result_display = RESULT_CODES[lab.test_result]
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "laboratory"}]}
        ],
        "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
        "subject": subject,
        "encounter": encounter,
        "effectiveDateTime": lab.date.isoformat(),
        "valueCodeableConcept": {
            "coding": [{"system": SNOMED, "code": result, "display": result_display}]
        },
    }


def vitals_entries(vitals: VitalsInput, organization_id: str) -> list[Entry]:
    """Patient, the isolation's Encounter (home care) and one vital-signs Observation
    per measured value of a check-in."""
    record = checkin_record_key(vitals.checkin_id)
    entries: list[Entry] = []
    patient = _patient(record, vitals.person, organization_id)
    if isinstance(patient, Entry):
        entries.append(patient)
    subject = _ref(patient, "Patient")
    encounter_body: dict = {
        "resourceType": "Encounter",
        "status": "finished" if vitals.isolation_ended else "in-progress",
        "class": {"system": ACT_CODE, "code": "HH", "display": "home health"},
        "subject": subject,
        "period": {"start": vitals.isolation_start.isoformat()},
        "serviceProvider": {"reference": f"Organization/{vitals.organization_id}"},
    }
    if vitals.location_id:
        encounter_body["location"] = [
            {"location": {"reference": f"Location/{vitals.location_id}"}}
        ]
    encounter = _identified(
        record,
        "encounter",
        encounter_body,
        system=identifier_system("encounter", organization_id),
        value=f"isolation-{vitals.isolation_id}",
        known_id=vitals.encounter_id,
    )
    entries.append(encounter)
    when = vitals.measured_at.isoformat()
    for name, (code, display, unit) in VITALS.items():
        value = vitals.values.get(name)
        if value is None:
            continue
        observation = {
            "resourceType": "Observation",
            "status": "final",
            "category": [
                {"coding": [{"system": OBSERVATION_CATEGORY, "code": "vital-signs"}]}
            ],
            "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
            "subject": subject,
            "encounter": _ref(encounter, "Encounter"),
            "effectiveDateTime": when,
            "valueQuantity": {
                "value": float(Decimal(str(value))),
                "unit": unit,
                "system": UCUM,
                "code": unit,
            },
        }
        key = f"{vitals.checkin_id}:{code}"
        entries.append(
            _identified(
                record,
                f"obs:{key}",
                observation,
                system=identifier_system("observation", organization_id),
                value=f"vital:{key}",
                known_id=vitals.observation_ids.get(key, ""),
            )
        )
    return entries


def transaction_bundle(entries: Iterable[Entry]) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [entry.body for entry in entries],
    }


def response_ids(response: dict) -> list[str]:
    """The id each entry of a transaction-response Bundle got (or was matched to),
    read from its `response.location` ("Patient/<id>/_history/1")."""
    ids: list[str] = []
    for entry in response.get("entry") or []:
        location = (entry.get("response") or {}).get("location") or ""
        parts = location.split("/")
        if len(parts) >= 2 and parts[1]:
            ids.append(parts[1])
        else:
            ids.append((entry.get("resource") or {}).get("id", ""))
    return ids


def outcome_text(outcome: dict) -> str:
    """SATUSEHAT's own words from an OperationOutcome."""
    parts = []
    for issue in (outcome or {}).get("issue") or []:
        text = issue.get("diagnostics") or (issue.get("details") or {}).get("text")
        code = issue.get("code", "")
        parts.append(f"{code}: {text}" if text else code)
    return "; ".join(p for p in parts if p)[:2000]
