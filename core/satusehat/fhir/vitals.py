"""A check-in's vital signs as Patient, home-care Encounter and Observations."""

from __future__ import annotations

from decimal import Decimal

from core.satusehat.fhir.codes import (
    ACT_CODE,
    LOINC,
    OBSERVATION_CATEGORY,
    UCUM,
    VITALS,
    identifier_system,
)
from core.satusehat.fhir.entries import (
    Entry,
    identified_entry,
    patient_entry,
    reference,
)
from core.satusehat.fhir.inputs import VitalsInput


def checkin_record_key(checkin_id: int) -> str:
    return f"checkin:{checkin_id}"


def vitals_entries(vitals: VitalsInput, organization_id: str) -> list[Entry]:
    """Patient, the isolation's Encounter (home care) and one vital-signs Observation
    per measured value of a check-in."""
    record = checkin_record_key(vitals.checkin_id)
    entries: list[Entry] = []
    patient = patient_entry(record, vitals.person, organization_id)
    if isinstance(patient, Entry):
        entries.append(patient)
    subject = reference(patient, "Patient")
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
    encounter = identified_entry(
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
            "encounter": reference(encounter, "Encounter"),
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
            identified_entry(
                record,
                f"obs:{key}",
                observation,
                system=identifier_system("observation", organization_id),
                value=f"vital:{key}",
                known_id=vitals.observation_ids.get(key, ""),
            )
        )
    return entries
