"""Code systems and value sets of the resources (ICD-10, LOINC, SNOMED, UCUM) and
SATUSEHAT's scheme for a facility's own record ids."""

from __future__ import annotations

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
