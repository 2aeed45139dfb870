"""Bundle entries: each resource validated, created on condition or updated by the
centre's id, referenced; the Patient every record starts from."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fhir.resources.R4B import get_fhir_model_class

from core.satusehat.fhir.codes import NIK_SYSTEM, identifier_system
from core.satusehat.fhir.inputs import Person

_NS = uuid.UUID("5a7c1e0e-5a75-4a2e-9b1e-000000005a75")


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


def urn_for(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NS, '|'.join(parts))}"


def resource_entry(
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


def reference(entry_or_id: Entry | str, resource_type: str) -> dict:
    if isinstance(entry_or_id, Entry):
        return {"reference": entry_or_id.body["fullUrl"]}
    return {"reference": f"{resource_type}/{entry_or_id}"}


def patient_entry(record: str, person: Person, organization_id: str) -> Entry | str:
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
    return resource_entry(
        record,
        "patient",
        resource,
        known_id="",
        if_none_exist=f"identifier={key}",
        full_url=urn_for("Patient", key),
    )


def identified_entry(
    record: str,
    role: str,
    resource: dict,
    *,
    system: str,
    value: str,
    known_id: str,
) -> Entry:
    resource["identifier"] = [{"system": system, "value": value}]
    return resource_entry(
        record,
        role,
        resource,
        known_id=known_id,
        if_none_exist=f"identifier={system}|{value}",
        full_url=urn_for(resource["resourceType"], system, value),
    )
