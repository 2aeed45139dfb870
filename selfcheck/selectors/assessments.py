"""A person's own self-checks: the list, one with its explanation, and the next steps
it points to (hospitals, teleconsultation, isolation)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import QuerySet, Subquery

from core.exceptions import NotFound
from core.models import Region, ResidentProfile, User
from selfcheck import content, rules
from selfcheck.models import Assessment

NEAREST_HOSPITALS = 3
EMERGENCY_NUMBER = "119"
ISOLATION_REQUEST_PATH = "/api/v1/isolation/requests"
TELECONSULT_SLOTS_PATH = "/api/v1/teleconsult/slots"
FACILITIES_PATH = "/api/v1/facilities"
TELECONSULT_TTL = 300


# --- Assessments ------------------------------------------------------------------


def assessment_list(*, user: User) -> QuerySet[Assessment]:
    if not user.is_authenticated:
        return Assessment.objects.none()
    return Assessment.objects.filter(owner=user).select_related("district")


NOT_FOUND = {
    "id": "Hasil cek mandiri tidak ditemukan.",
    "en": "Self-check result not found.",
}


def assessment_get_for_user(
    *, user: User, assessment_id: uuid.UUID | str, lang: str | None = None
) -> Assessment:
    """Only the owner sees an assessment; anyone else (and anonymous rows) get 404,
    told in `lang` (else the user's language)."""
    try:
        return assessment_list(user=user).get(pk=assessment_id)
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise NotFound(
            content.pick(NOT_FOUND, lang or getattr(user, "language", None))
        ) from None


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


def teleconsult_cache_key(code: str) -> str:
    return f"selfcheck:teleconsult:{code}"


#: A kecamatan built for a submission (`submission_context`) carries its cached
#: teleconsultation facility under this attribute when it came in the same cache read
#: ({} for none); absent or None, it is read from the cache here.
PREFETCHED_TELECONSULT = "teleconsult_prefetched"


def teleconsult_facility_near(*, district: Region | None) -> dict | None:
    """The facility whose doctors take teleconsultations closest in the hierarchy to
    the kecamatan: the same kecamatan, then kabupaten/kota, then province."""
    if district is None:
        return None
    key = teleconsult_cache_key(district.code)
    cached = getattr(district, PREFETCHED_TELECONSULT, None)
    if cached is None:
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


def home_district_of(owner_id: int | None) -> Region | None:
    """The kecamatan of a resident's home kelurahan (their profile), as PSC 119
    places a resident who gave no location; None without one."""
    if owner_id is None:
        return None
    village = ResidentProfile.objects.filter(user_id=owner_id).values(
        "home_village__parent_id"
    )[:1]
    return Region.objects.filter(
        pk=Subquery(village), level=Region.Level.DISTRICT
    ).first()


def _steps_district(
    assessment: Assessment, kinds: tuple[str, ...], homes: dict
) -> Region | None:
    """Where the next steps are looked for: the kecamatan given with the self-check;
    without one, when the answer sends to a hospital (critical), the owner's home
    kecamatan (read once per owner in `homes`). Only then: any other signed-in
    submission costs no query more than an anonymous one."""
    if assessment.district_id:
        return assessment.district
    if assessment.owner_id is None or "referral_hospitals" not in kinds:
        return None
    if assessment.owner_id not in homes:
        homes[assessment.owner_id] = home_district_of(assessment.owner_id)
    return homes[assessment.owner_id]


def _teleconsult_step(district: Region | None, label: str) -> dict:
    """A link that answers: the free slots of the nearest facility offering
    teleconsultation; without one, the puskesmas list of the kabupaten/kota to pick
    from (each id then goes to the slots link). Either way the booking needs a
    signed-in resident: the slots answer 401 to anyone else."""
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
    }


def _needed_kinds(assessment: Assessment) -> tuple[str, ...]:
    from core.beds.rules import needed_bed_kinds

    answers = assessment.answers or {}
    return needed_bed_kinds(
        spo2=answers.get("spo2"), danger_signs=answers.get("danger_signs") or ()
    )


def assessment_next_steps(
    *, assessment: Assessment, lang: str, homes: dict | None = None
) -> list[dict]:
    """Links the app can follow, each saying whether it needs a signed-in resident
    (`requires_sign_in`). Kinds come from the rule version's data. A critical
    self-check without a kecamatan is placed at a signed-in owner's home kecamatan
    (hospitals and teleconsultation); `homes` keeps those per owner across the
    assessments of one answer."""
    kinds = rules.get_rule(assessment.rule_version).params["next_steps"][
        assessment.risk_level
    ]
    district = _steps_district(assessment, kinds, {} if homes is None else homes)
    steps: list[dict] = []
    for kind in kinds:
        if kind == "emergency_call":
            steps.append(
                {
                    "kind": kind,
                    "label": content.pick(content.NEXT_STEP_LABELS[kind], lang),
                    "phone": EMERGENCY_NUMBER,
                    "href": f"tel:{EMERGENCY_NUMBER}",
                    "requires_sign_in": False,
                }
            )
        elif kind == "referral_hospitals":
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
                        "requires_sign_in": False,
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
                    district, content.pick(content.NEXT_STEP_LABELS[kind], lang)
                )
            )
    return steps


def assessment_recheck_after(assessment: Assessment) -> dt.datetime | None:
    days = rules.get_rule(assessment.rule_version).params["recheck_days"][
        assessment.risk_level
    ]
    return None if days is None else assessment.created_at + dt.timedelta(days=days)


def assessment_summaries_for_requests(
    owned: Iterable[tuple[int, uuid.UUID]], *, lang: str = "id"
) -> dict[uuid.UUID, dict]:
    """What a health worker sees of the self-check a request was made from: its level,
    when, the reasons and the main answers (symptoms, danger signs, vitals), nothing
    else of the resident's history. `owned` is (resident id, assessment id) of the
    requests the caller may already see; a self-check of anybody else is left out."""
    pairs = {(owner, aid) for owner, aid in owned if aid is not None}
    if not pairs:
        return {}
    found = Assessment.objects.filter(pk__in=[aid for _, aid in pairs]).only(
        "id", "owner_id", "risk_level", "reasons", "answers", "created_at"
    )
    summaries = {}
    for a in found:
        if (a.owner_id, a.pk) not in pairs:
            continue
        answers = a.answers or {}
        summaries[a.pk] = {
            "id": a.pk,
            "risk_level": a.risk_level,
            "risk_level_label": content.pick(
                content.RISK_LEVEL_LABELS[a.risk_level], lang
            ),
            "created_at": a.created_at,
            "reasons": [r["text"] for r in content.render_reasons(a.reasons, lang)],
            "symptoms": [
                content.pick(content.SYMPTOM_LABELS.get(s, {lang: s}), lang)
                for s in answers.get("symptoms") or []
            ],
            "danger_signs": [
                content.pick(content.DANGER_SIGN_LABELS.get(s, {lang: s}), lang)
                for s in answers.get("danger_signs") or []
            ],
            "temperature_c": answers.get("temperature_c"),
            "spo2": answers.get("spo2"),
            "respiratory_rate": answers.get("respiratory_rate"),
        }
    return summaries


def assessment_is_high_risk(*, owner: User, assessment_id) -> bool:
    """Whether this is one of the owner's own self-checks, with a high risk."""
    return Assessment.objects.filter(
        pk=assessment_id, owner=owner, risk_level__in=rules.HIGH_RISK_LEVELS
    ).exists()
