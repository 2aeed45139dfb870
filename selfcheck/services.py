"""Every write of the self-check app."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.db import insert_one, insert_together
from core.exceptions import ApplicationError, Conflict
from core.models import User
from core.rules import WIB_ZONE
from core.services.accounts import consent_require
from core.services.audit import audit_entry, audit_record
from selfcheck import content, rules, selectors
from selfcheck.models import Assessment, AssessmentSymptom, Questionnaire, RuleSet

MESSAGES = {
    "invalid": {
        "id": "Data tidak valid; periksa isian yang ditandai.",
        "en": "Invalid data; check the fields marked.",
    },
    "unknown_district": {
        "id": "Kecamatan tidak dikenal (kode Kemendagri, mis. 33.74.10).",
        "en": "Unknown kecamatan (Kemendagri code, e.g. 33.74.10).",
    },
    "client_key_reused": {
        "id": "client_key ini sudah dipakai untuk jawaban yang berbeda; buat "
        "client_key baru untuk cek mandiri baru.",
        "en": "This client_key was already used for different answers; use a new "
        "client_key for a new self-check.",
    },
    "pregnant_age": {
        "id": "Kehamilan hanya dapat diisi untuk usia {lo}–{hi} tahun; periksa usia "
        "dan jawaban hamil.",
        "en": "Pregnancy can only be answered for ages {lo}–{hi}; check the age and "
        "the pregnancy answer.",
    },
    "pregnant_male": {
        "id": "Profil Anda tercatat laki-laki; kehamilan tidak dapat diisi.",
        "en": "Your profile is recorded as male; pregnancy cannot be answered.",
    },
    "client_key_field": {
        "id": "Sudah dipakai untuk jawaban yang berbeda.",
        "en": "Already used for different answers.",
    },
}


def _message(key: str, language: str, **params: Any) -> str:
    text = content.pick(MESSAGES[key], language)
    return text.format(**params) if params else text


def assessment_submit(
    *,
    actor: User | None,
    answers: Mapping[str, Any],
    client_key: uuid.UUID,
    district_code: str | None = None,
    language: str = "id",
    now: dt.datetime | None = None,
) -> tuple[Assessment, bool]:
    """Judge a self-check and store it once per client key.

    Returns (assessment, created). The same key with the same body returns the stored
    assessment; with a different body it is a conflict. A signed-in person needs
    health-data consent; an anonymous submission stores no identity at all.
    """
    owner = actor if actor is not None and actor.is_authenticated else None
    if owner is not None:
        consent_require(owner, language=language)

    now = now or timezone.now()
    versions, district, district_known = selectors.submission_context(
        district_code=district_code, at=now
    )
    errors: dict[str, str] = {}
    try:
        parsed = rules.parse_answers(
            answers, exposures=rules.exposure_options(versions.rules)
        )
    except rules.InvalidAnswers as exc:
        errors.update({k: " ".join(v) for k, v in exc.fields.items()})
    else:
        errors.update(_implausible(parsed, owner=owner, language=language))
    if not district_known:
        errors["district_code"] = _message("unknown_district", language)
    if errors:
        raise ApplicationError(_message("invalid", language), fields=errors)

    request_hash = rules.answers_fingerprint(
        parsed, {"district_code": district.code if district else None}
    )
    result = rules.evaluate(parsed, versions.rules)
    tz = district.tz if district else WIB_ZONE
    assessment = Assessment(
        owner=owner,
        client_key=client_key,
        request_hash=request_hash,
        answers=parsed.as_dict(),
        district=district,
        risk_level=result.risk_level,
        reasons=[r.as_dict() for r in result.reasons],
        rule_version=versions.rules,
        questionnaire_version=versions.questionnaire,
        language=language if language in ("id", "en") else "id",
        day=now.astimezone(tz).date(),
        created_at=now,
    )
    # owner and district are known rows; uniqueness of (owner, client_key) is left to
    # the database, which is the only judge that cannot be raced.
    assessment.full_clean(
        exclude=["owner", "district"], validate_unique=False, validate_constraints=False
    )
    # The symptoms triage judged by, not only those ticked: under triage-v2 a measured
    # fever counts in the signals as it counted in the risk level.
    symptoms = [
        AssessmentSymptom(
            assessment=assessment,
            symptom=symptom,
            measured=symptom not in parsed.symptoms,
            day=assessment.day,
            district=district,
        )
        for symptom in sorted(rules.effective_symptoms(parsed, versions.rules))
    ]
    audit = (
        []
        if owner is None
        else [
            audit_entry(
                actor=owner,
                action="selfcheck.submit",
                target=assessment,
                patient=owner,
                detail={"rule_version": versions.rules},
            )
        ]
    )
    try:
        # Insert first and look only on conflict: a fresh submission (nearly all of
        # them) costs no look-up. On PostgreSQL the assessment, its symptom rows and
        # the audit row are one statement (one round trip instead of a transaction's
        # five); elsewhere a transaction.
        if not insert_together([assessment, *symptoms, *audit]):
            with transaction.atomic():
                insert_one(assessment)
                AssessmentSymptom.objects.bulk_create(symptoms)
                for row in audit:
                    insert_one(row)
    except IntegrityError:
        existing = (
            Assessment.objects.filter(owner=owner, client_key=client_key)
            .select_related("district")
            .first()
        )
        if existing is None:
            raise
        return _replay(existing, request_hash, language), False
    return assessment, True


def _implausible(
    answers: rules.Answers, *, owner: User | None, language: str
) -> dict[str, str]:
    # The profile is read only for the rare answer it can refute (a pregnancy).
    sex = selectors.owner_sex(owner) if owner is not None and answers.pregnant else ""
    lo, hi = rules.PREGNANCY_AGE_RANGE
    return {
        field: _message(code, language, lo=lo, hi=hi)
        for field, code in rules.answers_implausible(answers, sex=sex).items()
    }


def _replay(existing: Assessment, request_hash: str, language: str) -> Assessment:
    if existing.request_hash != request_hash:
        raise Conflict(
            _message("client_key_reused", language),
            code="client_key_reused",
            fields={"client_key": _message("client_key_field", language)},
        )
    return existing


# --- Curators publish versions ----------------------------------------------------


def _publish(model, *, version: str, starts_at: dt.datetime, note: str, actor):
    if starts_at < timezone.now() - dt.timedelta(minutes=1):
        # Assessments already judged in that window would silently change meaning.
        raise ApplicationError(
            "Versi baru tidak boleh berlaku surut.",
            fields={"starts_at": "Pilih waktu sekarang atau nanti."},
        )
    publication = model(
        version=version,
        starts_at=starts_at,
        note=note,
        published_by=actor if actor is not None and actor.is_authenticated else None,
    )
    publication.full_clean()
    publication.save()
    transaction.on_commit(lambda: cache.delete(selectors.PUBLICATIONS_CACHE_KEY))
    return publication


@transaction.atomic
def ruleset_publish(
    *, version: str, starts_at: dt.datetime, note: str = "", actor: User | None
) -> RuleSet:
    return _publish(
        RuleSet, version=version, starts_at=starts_at, note=note, actor=actor
    )


@transaction.atomic
def questionnaire_publish(
    *, version: str, starts_at: dt.datetime, note: str = "", actor: User | None
) -> Questionnaire:
    return _publish(
        Questionnaire, version=version, starts_at=starts_at, note=note, actor=actor
    )


@transaction.atomic
def publication_withdraw(*, publication: RuleSet | Questionnaire) -> None:
    """A version that has not started yet may be withdrawn; history may not."""
    if publication.has_started:
        raise ApplicationError(
            "Versi yang sudah berlaku tidak dapat dihapus.", code="already_started"
        )
    publication.delete()
    transaction.on_commit(lambda: cache.delete(selectors.PUBLICATIONS_CACHE_KEY))


# --- Privacy (UU PDP) -------------------------------------------------------------


def assessments_export(user: User) -> list[dict]:
    return [
        {
            "id": str(a.pk),
            "created_at": a.created_at.isoformat(),
            "answers": a.answers,
            "district": a.district_id,
            "risk_level": a.risk_level,
            "reasons": a.reasons,
            "rule_version": a.rule_version,
        }
        for a in Assessment.objects.filter(owner=user).order_by("created_at")
    ]


@transaction.atomic
def assessments_erase(user: User) -> None:
    ids = list(Assessment.objects.filter(owner=user).values_list("pk", flat=True))
    if not ids:
        return
    Assessment.objects.filter(pk__in=ids).delete()
    audit_record(
        actor=user,
        action="selfcheck.erase",
        target=user,
        patient=user,
        detail={"count": len(ids)},
    )
