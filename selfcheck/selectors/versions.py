"""What a submission is judged against: the rule and questionnaire versions in force,
and its kecamatan."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.cache import cache
from django.utils import timezone

from core.models import Region, ResidentProfile, User
from selfcheck import content, rules
from selfcheck.models import Questionnaire, RuleSet
from selfcheck.selectors.assessments import (
    PREFETCHED_TELECONSULT,
    teleconsult_cache_key,
)

PUBLICATIONS_CACHE_KEY = "selfcheck:publications"
PUBLICATIONS_TTL = 60
REGION_TTL = 600
REGION_CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$")


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


def owner_sex(user: User) -> str:
    """The signed-in person's recorded sex ("M", "F"), "" when not recorded."""
    return (
        ResidentProfile.objects.filter(user=user).values_list("sex", flat=True).first()
        or ""
    )


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
    """Versions in force and the kecamatan of a submission (with its teleconsultation
    facility, see `teleconsult_facility_near`), in one cache round trip.

    Returns (versions, district, district_known): district_known is False when a code
    was given that names no kecamatan or kelurahan.
    """
    valid_code = isinstance(district_code, str) and bool(
        REGION_CODE_PATTERN.match(district_code)
    )
    keys = [PUBLICATIONS_CACHE_KEY]
    if valid_code:
        # The answer's teleconsultation step needs the kecamatan's facility: read it
        # in the same round trip (a kelurahan code names another key; it is read then).
        keys += [_district_key(district_code), teleconsult_cache_key(district_code)]
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
    if district is not None and district.code == district_code:
        setattr(
            district,
            PREFETCHED_TELECONSULT,
            found.get(teleconsult_cache_key(district_code)),
        )
    known = not district_code or district is not None
    return _versions(publications, at), district, known
