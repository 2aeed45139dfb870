"""FHIR in: a Bundle of lab results (Patient + Observation [+ Specimen/ServiceRequest])
from a lab or hospital that already speaks FHIR -> case reports, merged into the one
truth through the same ingest as the CSV/JSON reports. Errors per entry, as an
OperationOutcome."""

from __future__ import annotations

from collections.abc import Mapping

from core.areas.rules import parse_code
from core.cases.services import reports_submit, reports_validate
from core.exceptions import ApplicationError
from core.models import Integrator
from core.satusehat import fhir
from core.satusehat.error_codes import SatusehatErrorCode

ADMINISTRATIVE_CODE = (
    "https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode"
)
TESTS = {
    "94500-6": "pcr",  # SARS-CoV-2 RNA, NAA with probe detection
    "94309-2": "pcr",  # SARS-CoV-2 RNA, NAA
    "94558-4": "antigen",  # SARS-CoV-2 Ag, rapid immunoassay
}
RESULTS = {
    "10828004": "positive",
    "260373001": "positive",  # Detected
    "260385009": "negative",
    "260415000": "negative",  # Not detected
    "419984006": "inconclusive",
}
RESULT_WORDS = {
    "positive": "positive",
    "positif": "positive",
    "detected": "positive",
    "negative": "negative",
    "negatif": "negative",
    "not detected": "negative",
    "inconclusive": "inconclusive",
}
SPECIMENS = {
    "258500001": "nasopharyngeal_swab",
    "461911000124106": "oropharyngeal_swab",
    "119334006": "sputum",
    "258560004": "saliva",
    "119297000": "blood",
}


class EntryError(ValueError):
    def __init__(self, message: str, path: str = ""):
        super().__init__(message)
        self.path = path


def _issue(index: int | None, path: str, message: str, code: str = "invalid") -> dict:
    issue = {"severity": "error", "code": code, "diagnostics": message}
    if index is not None:
        issue["expression"] = [
            f"Bundle.entry[{index}].resource" + (f".{path}" if path else "")
        ]
    return issue


def outcome(issues: list[dict]) -> dict:
    return {"resourceType": "OperationOutcome", "issue": issues}


def _codes(concept: Mapping | None) -> list[tuple[str, str]]:
    return [
        (c.get("system", ""), c.get("code", ""))
        for c in (concept or {}).get("coding") or []
    ]


def _village(patient: Mapping) -> str:
    for address in patient.get("address") or []:
        for ext in address.get("extension") or []:
            if ext.get("url") != ADMINISTRATIVE_CODE:
                continue
            for part in ext.get("extension") or []:
                if part.get("url") == "village":
                    return parse_code(str(part.get("valueCode") or "")) or ""
    return ""


def _person(patient: Mapping) -> dict:
    nik = next(
        (
            i.get("value", "")
            for i in patient.get("identifier") or []
            if i.get("system") == fhir.NIK_SYSTEM
        ),
        "",
    )
    name = ""
    for entry in patient.get("name") or []:
        name = entry.get("text") or " ".join(
            [*(entry.get("given") or []), entry.get("family") or ""]
        )
        if name.strip():
            break
    return {
        "nik": nik,
        "full_name": " ".join(name.split()),
        "birth_date": patient.get("birthDate", ""),
        "sex": {"male": "M", "female": "F"}.get(patient.get("gender", ""), ""),
        "kelurahan_code": _village(patient),
    }


def _result(observation: Mapping) -> str:
    for _, code in _codes(observation.get("valueCodeableConcept")):
        if code in RESULTS:
            return RESULTS[code]
    text = (
        observation.get("valueString")
        or (observation.get("valueCodeableConcept") or {}).get("text")
        or ""
    )
    result = RESULT_WORDS.get(text.strip().lower())
    if not result:
        raise EntryError(
            "Hasil tidak dikenali: gunakan SNOMED CT 10828004/260373001 (positif), "
            "260385009/260415000 (negatif) atau 419984006.",
            "valueCodeableConcept",
        )
    return result


def observation_report(observation: Mapping, resolve) -> dict:
    """One lab Observation (its Patient and Specimen found by `resolve`) as a case
    report in the shape of the JSON API."""
    test = next(
        (
            TESTS[code]
            for system, code in _codes(observation.get("code"))
            if code in TESTS and system in ("", fhir.LOINC)
        ),
        None,
    )
    if test is None:
        raise EntryError(
            "Kode pemeriksaan harus LOINC 94500-6, 94309-2 (RNA) atau 94558-4 "
            "(antigen).",
            "code",
        )
    identifiers = [i.get("value") for i in observation.get("identifier") or []]
    record_id = next((v for v in identifiers if v), None) or observation.get("id")
    if not record_id:
        raise EntryError(
            "Observation perlu identifier (ID rekaman sumber).", "identifier"
        )
    patient = resolve((observation.get("subject") or {}).get("reference", ""))
    if not patient or patient.get("resourceType") != "Patient":
        raise EntryError("subject harus menunjuk Patient di dalam Bundle.", "subject")
    result = _result(observation)
    when = observation.get("effectiveDateTime") or observation.get("issued") or ""
    specimen_type = ""
    specimen = resolve((observation.get("specimen") or {}).get("reference", ""))
    if specimen:
        specimen_type = next(
            (SPECIMENS[c] for _, c in _codes(specimen.get("type")) if c in SPECIMENS),
            "other",
        )
    return {
        "record_id": str(record_id)[:64],
        **_person(patient),
        "status": "confirmed" if result == "positive" else "suspect",
        "event_date": when[:10],
        "specimen_type": specimen_type,
        "test_type": test,
        "test_result": result,
    }


def bundle_reports(bundle: object) -> tuple[list[tuple[int, dict]], list[dict]]:
    """(entry index, report) for each lab Observation, and the issues of the entries
    that could not be read."""
    if not isinstance(bundle, Mapping) or bundle.get("resourceType") != "Bundle":
        raise ApplicationError(
            "Expected a FHIR Bundle.",
            code=SatusehatErrorCode.INVALID_BUNDLE,
            fields={"resourceType": "Bundle"},
        )
    entries = bundle.get("entry")
    if not isinstance(entries, list) or not entries:
        raise ApplicationError(
            "The Bundle has no entries.",
            code=SatusehatErrorCode.EMPTY_BATCH,
            fields={"entry": "Kirim minimal 1 entri."},
        )
    resources: dict[str, Mapping] = {}
    issues: list[dict] = []
    valid: set[int] = set()
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if not isinstance(resource, Mapping) or "resourceType" not in resource:
            issues.append(_issue(index, "", "Entri tanpa resource."))
            continue
        try:
            fhir.validate(dict(resource))
        except (fhir.MappingError, KeyError, ValueError) as exc:
            issues.append(
                _issue(index, "", f"Bukan resource FHIR R4 yang sah: {exc}"[:500])
            )
            continue
        valid.add(index)
        if entry.get("fullUrl"):
            resources[entry["fullUrl"]] = resource
        if resource.get("id"):
            resources[f"{resource['resourceType']}/{resource['id']}"] = resource

    reports: list[tuple[int, dict]] = []
    for index in sorted(valid):
        resource = entries[index]["resource"]
        if resource["resourceType"] != "Observation":
            continue
        try:
            reports.append((index, observation_report(resource, resources.get)))
        except EntryError as exc:
            issues.append(_issue(index, exc.path, str(exc)))
    return reports, issues


FIELD_PATHS = {
    "nik": "subject(Patient).identifier",
    "full_name": "subject(Patient).name",
    "birth_date": "subject(Patient).birthDate",
    "sex": "subject(Patient).gender",
    "kelurahan_code": "subject(Patient).address.extension(administrativeCode).village",
    "event_date": "effectiveDateTime",
    "record_id": "identifier",
}


def fhir_bundle_submit(*, integrator: Integrator, bundle: object) -> dict:
    """Ingest the readable lab results of a Bundle; an OperationOutcome lists what was
    stored and every entry that was not (and why)."""
    reports, issues = bundle_reports(bundle)
    stored = None
    if reports:
        _, errors = reports_validate([report for _, report in reports])
        bad: set[int] = set()
        for key, message in errors.items():
            _, position, field = key.split(".", 2)
            index = reports[int(position)][0]
            bad.add(int(position))
            issues.append(_issue(index, FIELD_PATHS.get(field, field), message))
        good = [report for i, (_, report) in enumerate(reports) if i not in bad]
        if good:
            stored = reports_submit(integrator=integrator, reports=good)
    issues.sort(key=lambda issue: issue.get("expression", [""])[0])
    summary = {
        "severity": "information",
        "code": "informational",
        "diagnostics": (
            f"{stored.received if stored else 0} hasil lab diterima "
            f"({stored.created if stored else 0} baru, "
            f"{stored.updated if stored else 0} diperbarui, "
            f"{stored.unchanged if stored else 0} tanpa perubahan); "
            f"{len(issues)} entri ditolak."
        ),
    }
    return {
        "outcome": outcome([*issues, summary]),
        "accepted": stored.received if stored else 0,
        "rejected": len(issues),
        "batch_id": stored.batch_id if stored else None,
    }
