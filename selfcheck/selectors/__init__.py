"""Every read of the self-check app, scoped to what the actor may see. Public names
are re-exported here."""

from __future__ import annotations

from selfcheck.selectors.assessments import (
    EMERGENCY_NUMBER,
    FACILITIES_PATH,
    ISOLATION_REQUEST_PATH,
    NEAREST_HOSPITALS,
    TELECONSULT_SLOTS_PATH,
    TELECONSULT_TTL,
    assessment_explain,
    assessment_get_for_user,
    assessment_is_high_risk,
    assessment_list,
    assessment_next_steps,
    assessment_recheck_after,
    assessment_summaries_for_requests,
    referral_hospitals_near,
    teleconsult_facility_near,
)
from selfcheck.selectors.signals import (
    SIGNALS_MAX_DAYS,
    area_exists,
    signals_daily,
)
from selfcheck.selectors.versions import (
    PUBLICATIONS_CACHE_KEY,
    PUBLICATIONS_TTL,
    REGION_CODE_PATTERN,
    REGION_TTL,
    VersionsInForce,
    district_resolve,
    owner_sex,
    questionnaire_in_force,
    questionnaire_version_in_force,
    rule_version_in_force,
    submission_context,
    versions_in_force,
)

__all__ = [
    "EMERGENCY_NUMBER",
    "FACILITIES_PATH",
    "ISOLATION_REQUEST_PATH",
    "NEAREST_HOSPITALS",
    "PUBLICATIONS_CACHE_KEY",
    "PUBLICATIONS_TTL",
    "REGION_CODE_PATTERN",
    "REGION_TTL",
    "SIGNALS_MAX_DAYS",
    "TELECONSULT_SLOTS_PATH",
    "TELECONSULT_TTL",
    "VersionsInForce",
    "area_exists",
    "assessment_explain",
    "assessment_get_for_user",
    "assessment_is_high_risk",
    "assessment_list",
    "assessment_summaries_for_requests",
    "assessment_next_steps",
    "assessment_recheck_after",
    "district_resolve",
    "owner_sex",
    "questionnaire_in_force",
    "questionnaire_version_in_force",
    "referral_hospitals_near",
    "rule_version_in_force",
    "signals_daily",
    "submission_context",
    "teleconsult_facility_near",
    "versions_in_force",
]
