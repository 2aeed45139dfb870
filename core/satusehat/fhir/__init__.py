"""Sigap records -> FHIR R4 resources as SATUSEHAT profiles them. Pure: plain values
in, plain dicts out, every resource validated with `fhir.resources` (R4B models, which
share R4's shape for these resources) before it may leave Sigap.

Only what the profiles need leaves: the NIK (the patient's key at the centre), name,
sex and birth date for the Patient; dates, the diagnosis code and the test results
for the rest. No address, phone, household or free text."""

from core.satusehat.fhir.bundle import outcome_text, response_ids, transaction_bundle
from core.satusehat.fhir.case import (
    case_condition,
    case_entries,
    case_record_key,
    lab_observation,
)
from core.satusehat.fhir.codes import (
    ACT_CODE,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    CONDITION_VERIFICATION,
    ICD10,
    IDS,
    LAB_CODES,
    LOINC,
    NIK_SYSTEM,
    OBSERVATION_CATEGORY,
    RESULT_CODES,
    SNOMED,
    UCUM,
    VITALS,
    identifier_system,
)
from core.satusehat.fhir.entries import Entry, MappingError, validate
from core.satusehat.fhir.inputs import CaseInput, LabResult, Person, VitalsInput
from core.satusehat.fhir.vitals import checkin_record_key, vitals_entries

__all__ = [
    "ACT_CODE",
    "CONDITION_CATEGORY",
    "CONDITION_CLINICAL",
    "CONDITION_VERIFICATION",
    "CaseInput",
    "Entry",
    "ICD10",
    "IDS",
    "LAB_CODES",
    "LOINC",
    "LabResult",
    "MappingError",
    "NIK_SYSTEM",
    "OBSERVATION_CATEGORY",
    "Person",
    "RESULT_CODES",
    "SNOMED",
    "UCUM",
    "VITALS",
    "VitalsInput",
    "case_condition",
    "case_entries",
    "case_record_key",
    "checkin_record_key",
    "identifier_system",
    "lab_observation",
    "outcome_text",
    "response_ids",
    "transaction_bundle",
    "validate",
    "vitals_entries",
]
