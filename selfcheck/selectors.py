"""Every read of the self-check app, scoped to what the actor may see."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from core.exceptions import NotFound
from core.models import Region, User
from selfcheck import content, rules
from selfcheck.models import Assessment, AssessmentSymptom, Questionnaire, RuleSet

PUBLICATIONS_CACHE_KEY = "selfcheck:publications"
PUBLICATIONS_TTL = 60
REGION_TTL = 600
NEAREST_HOSPITALS = 3
_REGION_CODE = re.compile(r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$")

EMERGENCY_NUMBER = "119"
ISOLATION_REQUEST_PATH = "/api/v1/isolation/requests"
TELECONSULT_SLOTS_PATH = "/api/v1/teleconsult/slots"
FACILITIES_PATH = "/api/v1/facilities"
TELECONSULT_TTL = 300


# --- Versions in force and the kecamatan of a submission ---------------------------


def _publications_load() -> dict[str, list[tuple[str, str]]]:
    return {
        "rules": [
            (p.starts_at.isoformat(), p.version)
            for p in RuleSet.objects.order_by("-starts_at")
        ],
        "questionnaires": [
            (p.starts_at.isoformat(), p.version)
            for p in Questionnaire.objects.order_by("-starts_at")
        ],
    }


def _in_force(pairs: list[tuple[str, str]], at: dt.datetime, known, default: str):
    for starts_at, version in pairs:
        if dt.datetime.fromisoformat(starts_at) <= at and version in known:
            return version
    return default


@dataclass(frozen=True)
class VersionsInForce:
    rules: str
    questionnaire: str


def _versions(publications: dict, at: dt.datetime | None) -> VersionsInForce:
    at = at or timezone.now()
    return VersionsInForce(
        rules=_in_force(
            publications["rules"],
            at,
            rules.rule_versions(),
            rules.DEFAULT_RULE_VERSION,
        ),
        questionnaire=_in_force(
            publications["questionnaires"],
            at,
            content.QUESTIONNAIRES,
            content.DEFAULT_QUESTIONNAIRE_VERSION,
        ),
    )


def versions_in_force(*, at: dt.datetime | None = None) -> VersionsInForce:
    """Publications are cached briefly (a publish clears them); the choice by time is
    made after the cache, so a version starts exactly at its start moment."""
    publications = cache.get(PUBLICATIONS_CACHE_KEY)
    if publications is None:
        publications = _publications_load()
        cache.set(PUBLICATIONS_CACHE_KEY, publications, PUBLICATIONS_TTL)
    return _versions(publications, at)


def rule_version_in_force(*, at: dt.datetime | None = None) -> str:
    return versions_in_force(at=at).rules


def questionnaire_version_in_force(*, at: dt.datetime | None = None) -> str:
    return versions_in_force(at=at).questionnaire


def questionnaire_in_force() -> dict:
    versions = versions_in_force()
    return {
        **content.questionnaire(versions.questionnaire),
        "rule_version": versions.rules,
    }


# --- Regions ----------------------------------------------------------------------

_REGION_FIELDS = ("code", "name", "level", "kind", "parent_id", "timezone")


def _district_key(code: str) -> str:
    return f"selfcheck:district:{code}"


def _district_load(code: str) -> dict:
    region = (
        Region.objects.filter(
            code=code, level__in=[Region.Level.DISTRICT, Region.Level.VILLAGE]
        )
        .select_related("parent")
        .first()
    )
    if region is not None and region.level == Region.Level.VILLAGE:
        region = region.parent
    if region is None:
        return {}
    return {
        **{f: getattr(region, f) for f in _REGION_FIELDS},
        "latitude": region.latitude,
        "longitude": region.longitude,
    }


def _district_from(data: dict) -> Region | None:
    # A detached Region built from cached columns: enough for names, zones and
    # coordinates without a query, and assignable to a ForeignKey.
    return Region(**data) if data else None


def district_resolve(code: str) -> Region | None:
    """The kecamatan for a kecamatan code, or for a kelurahan/desa code (its parent);
    None for anything else. Regions change only on imports, so this is cached."""
    return submission_context(district_code=code)[1] if code else None


def submission_context(
    *, district_code: str | None, at: dt.datetime | None = None
) -> tuple[VersionsInForce, Region | None, bool]:
    """Versions in force and the kecamatan of a submission, in one cache round trip.

    Returns (versions, district, district_known): district_known is False when a code
    was given that names no kecamatan or kelurahan.
    """
    valid_code = isinstance(district_code, str) and bool(
        _REGION_CODE.match(district_code)
    )
    keys = [PUBLICATIONS_CACHE_KEY]
    if valid_code:
        keys.append(_district_key(district_code))
    found = cache.get_many(keys)
    publications = found.get(PUBLICATIONS_CACHE_KEY)
    if publications is None:
        publications = _publications_load()
        cache.set(PUBLICATIONS_CACHE_KEY, publications, PUBLICATIONS_TTL)
    district_data: dict = {}
    if valid_code:
        district_data = found.get(_district_key(district_code))
        if district_data is None:
            district_data = _district_load(district_code)
            cache.set(_district_key(district_code), district_data, REGION_TTL)
    district = _district_from(district_data)
    known = not district_code or district is not None
    return _versions(publications, at), district, known


# --- Assessments ------------------------------------------------------------------


def assessment_list(*, user: User) -> QuerySet[Assessment]:
    if not user.is_authenticated:
        return Assessment.objects.none()
    return Assessment.objects.filter(owner=user).select_related("district")


def assessment_get_for_user(
    *, user: User, assessment_id: uuid.UUID | str
) -> Assessment:
    """Only the owner sees an assessment; anyone else (and anonymous rows) get 404."""
    try:
        return assessment_list(user=user).get(pk=assessment_id)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise NotFound("Hasil cek mandiri tidak ditemukan.") from None


def assessment_explain(*, assessment: Assessment, lang: str) -> dict:
    """Judge the stored answers again with the version stored on the assessment."""
    answers = rules.answers_from_dict(assessment.answers)
    result = rules.evaluate(answers, assessment.rule_version)
    described = rules.describe(assessment.rule_version)
    reasons = [r.as_dict() for r in result.reasons]
    return {
        "id": assessment.pk,
        "rule_version": assessment.rule_version,
        "rule": {
            "title": content.pick(described["title"], lang),
            "params": described["params"],
        },
        "answers": assessment.answers,
        "risk_level": result.risk_level,
        "stored_risk_level": assessment.risk_level,
        "consistent": result.risk_level == assessment.risk_level
        and reasons == assessment.reasons,
        "reasons": content.render_reasons(reasons, lang),
    }


# --- Next steps -------------------------------------------------------------------


def referral_hospitals_near(
    *,
    district: Region | None,
    kinds: tuple[str, ...] | None = None,
    limit: int = NEAREST_HOSPITALS,
) -> list[dict]:
    """Active referral hospitals for the kecamatan, ranked by free beds of the kinds
    the patient needs (a fresh report first), then distance from the kecamatan's
    point; without one, those of the same kabupaten/kota, then of the province."""
    from core.beds import rules as bed_rules
    from core.beds.selectors import referral_hospitals_for_district

    found = referral_hospitals_for_district(
        district=district,
        kinds=kinds or bed_rules.ISOLATION_KINDS,
        limit=limit,
    )
    for hospital in found:
        if hospital["distance_km"] is not None:
            hospital["distance_km"] = round(hospital["distance_km"], 1)
    return found


def teleconsult_facility_near(*, district: Region | None) -> dict | None:
    """The facility whose doctors take teleconsultations closest in the hierarchy to
    the kecamatan: the same kecamatan, then kabupaten/kota, then province."""
    if district is None:
        return None
    key = f"selfcheck:teleconsult:{district.code}"
    cached = cache.get(key)
    if cached is not None:
        return cached or None
    from isolation.teleconsult.models import DoctorSchedule

    open_schedules = DoctorSchedule.objects.filter(
        is_active=True, doctor__is_active=True, doctor__facility__is_active=True
    )
    found: dict = {}
    regency, province = district.code.rsplit(".", 1)[0], district.code[:2]
    for lookup in (
        {"doctor__facility__district_id": district.code},
        {"doctor__facility__district__code__startswith": f"{regency}."},
        {"doctor__facility__district__code__startswith": f"{province}."},
    ):
        row = (
            open_schedules.filter(**lookup)
            .order_by("doctor__facility__name", "doctor__facility_id")
            .values("doctor__facility_id", "doctor__facility__name")
            .first()
        )
        if row:
            found = {
                "id": row["doctor__facility_id"],
                "name": row["doctor__facility__name"],
            }
            break
    cache.set(key, found, TELECONSULT_TTL)
    return found or None


def _teleconsult_step(assessment: Assessment, label: str) -> dict:
    """A link that answers: the free slots of the nearest facility offering
    teleconsultation; without one, the puskesmas list of the kabupaten/kota to pick
    from (each id then goes to the slots link)."""
    district = assessment.district if assessment.district_id else None
    facility = teleconsult_facility_near(district=district)
    step = {
        "kind": "teleconsult",
        "label": label,
        "method": "GET",
        "requires_sign_in": True,
    }
    if facility is not None:
        return {
            **step,
            "href": f"{TELECONSULT_SLOTS_PATH}?facility={facility['id']}",
            "facility": facility,
        }
    query = "kind=puskesmas"
    if district is not None:
        query += f"&district={district.code.rsplit('.', 1)[0]}"
    return {
        **step,
        "href": f"{FACILITIES_PATH}?{query}",
        "then": f"{TELECONSULT_SLOTS_PATH}?facility={{id}}",
        "requires_sign_in": False,
    }


def _needed_kinds(assessment: Assessment) -> tuple[str, ...]:
    from core.beds.rules import needed_bed_kinds

    answers = assessment.answers or {}
    return needed_bed_kinds(
        spo2=answers.get("spo2"), danger_signs=answers.get("danger_signs") or ()
    )


def assessment_next_steps(*, assessment: Assessment, lang: str) -> list[dict]:
    """Links the app can follow. Kinds come from the rule version's data."""
    kinds = rules.get_rule(assessment.rule_version).params["next_steps"][
        assessment.risk_level
    ]
    steps: list[dict] = []
    for kind in kinds:
        if kind == "emergency_call":
            steps.append(
                {
                    "kind": kind,
                    "label": content.pick(content.NEXT_STEP_LABELS[kind], lang),
                    "phone": EMERGENCY_NUMBER,
                    "href": f"tel:{EMERGENCY_NUMBER}",
                }
            )
        elif kind == "referral_hospitals":
            district = assessment.district if assessment.district_id else None
            label = content.pick(content.NEXT_STEP_LABELS["referral_hospital"], lang)
            for hospital in referral_hospitals_near(
                district=district, kinds=_needed_kinds(assessment)
            ):
                steps.append(
                    {
                        "kind": "referral_hospital",
                        "label": label,
                        "facility": hospital,
                        "href": f"tel:{hospital['phone']}"
                        if hospital["phone"]
                        else None,
                    }
                )
        elif kind == "isolation_request":
            steps.append(
                {
                    "kind": kind,
                    "label": content.pick(content.NEXT_STEP_LABELS[kind], lang),
                    "method": "POST",
                    "href": ISOLATION_REQUEST_PATH,
                    "body": {"assessment_id": str(assessment.pk)},
                    "requires_sign_in": True,
                }
            )
        elif kind == "teleconsult":
            steps.append(
                _teleconsult_step(
                    assessment, content.pick(content.NEXT_STEP_LABELS[kind], lang)
                )
            )
    return steps


def assessment_recheck_after(assessment: Assessment) -> dt.datetime | None:
    days = rules.get_rule(assessment.rule_version).params["recheck_days"][
        assessment.risk_level
    ]
    return None if days is None else assessment.created_at + dt.timedelta(days=days)


# --- Signals for health offices ---------------------------------------------------

SIGNALS_MAX_DAYS = 92


def signals_daily(
    *, area: str | None, date_from: dt.date, date_to: dt.date
) -> list[dict]:
    """Daily counts per kecamatan by risk level and by symptom, with every count below
    5 shown as "<5". Anonymous by construction: only counts leave this function."""
    scope = Q(day__range=(date_from, date_to), district__isnull=False)
    if area:
        scope &= Q(district_id=area) | Q(district__code__startswith=f"{area}.")
    by_level = (
        Assessment.objects.filter(scope)
        .values("day", "district_id")
        .annotate(
            **{
                level: Count("pk", filter=Q(risk_level=level))
                for level in rules.RISK_LEVELS
            }
        )
        .order_by("day", "district_id")
    )
    by_symptom: dict[tuple, dict[str, int]] = defaultdict(dict)
    for row in (
        AssessmentSymptom.objects.filter(scope)
        .values("day", "district_id", "symptom")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        by_symptom[(row["day"], row["district_id"])][row["symptom"]] = row["n"]
    rows = list(by_level)
    names = dict(
        Region.objects.filter(code__in={r["district_id"] for r in rows}).values_list(
            "code", "name"
        )
    )
    return [
        {
            "date": row["day"],
            "district": {
                "code": row["district_id"],
                "name": names.get(row["district_id"]),
            },
            "risk_levels": {
                level: rules.suppress(row[level]) for level in rules.RISK_LEVELS
            },
            "symptoms": {
                symptom: rules.suppress(
                    by_symptom[(row["day"], row["district_id"])].get(symptom, 0)
                )
                for symptom in rules.SYMPTOMS
            },
        }
        for row in rows
    ]


def area_exists(code: str) -> bool:
    return (
        bool(_REGION_CODE.match(code))
        and Region.objects.filter(code=code, level__lte=Region.Level.DISTRICT).exists()
    )


def assessment_is_high_risk(*, owner: User, assessment_id) -> bool:
    """Whether this is one of the owner's own self-checks, with a high risk."""
    return Assessment.objects.filter(
        pk=assessment_id, owner=owner, risk_level__in=rules.HIGH_RISK_LEVELS
    ).exists()
