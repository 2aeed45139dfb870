"""Escalations created by a resident (app, chatbot) or by a nurse (a danger alert):
where the person is, which self-check or check-in allows asking, the minimum health
data, and the stored first step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ApplicationError, Conflict, NotFound
from core.models import (
    Escalation,
    Facility,
    Region,
    User,
)
from core.psc import content, rules
from core.psc.error_codes import PscErrorCode
from core.psc.services.steps import NOTE_MAX, step_record

TRIGGER_WINDOW = dt.timedelta(hours=24)


# --- Where and what: the kab/kota, the point and the minimum health data ----------


def _regency_of(region: Region | None) -> Region | None:
    while region is not None and region.level > Region.Level.REGENCY:
        region = region.parent
    return (
        region if region is not None and region.level == Region.Level.REGENCY else None
    )


def _district_at(lat: float, lng: float) -> Region | None:
    """The kecamatan at a shared GPS point, or None when Sigap has no row for it (or
    no boundaries to tell). A point that is not a place in Indonesia is refused, as
    `GET /api/v1/areas/lookup` refuses it: routing it by the resident's other places
    would show the operator a GPS point far from the case and hospitals around it."""
    from core.areas.error_codes import AreaErrorCode
    from core.areas.selectors import area_locate

    problem = rules.gps_point_problem(lat=lat, lng=lng)
    if problem is None:
        try:
            hit = area_locate(lat=lat, lng=lng)
        except ApplicationError as exc:
            if exc.code != AreaErrorCode.OUTSIDE_INDONESIA:
                return None  # boundaries not imported: the point cannot be checked
            problem = "outside"
        else:
            return Region.objects.filter(code=hit.code).first()
    field = content.text(f"{problem}_field")
    raise ApplicationError(
        content.text(PscErrorCode.OUTSIDE_INDONESIA)
        if problem == "outside"
        else content.text("not_a_gps_point", reason=field),
        code=PscErrorCode.OUTSIDE_INDONESIA,
        fields={"lat": field, "lng": field},
    )


def _place(
    *, lat: float | None, lng: float | None, fallbacks: list[Region | None]
) -> tuple[Region, Region | None, float | None, float | None, str]:
    """(kab/kota, kecamatan, lat, lng, location source)."""
    district = None
    source = ""
    if lat is not None and lng is not None:
        district = _district_at(lat, lng)
        source = "gps"
    for candidate in fallbacks:
        if district is not None:
            break
        district = candidate
    regency = _regency_of(district)
    if regency is None:
        raise ApplicationError(
            content.text(PscErrorCode.LOCATION_REQUIRED),
            code=PscErrorCode.LOCATION_REQUIRED,
            fields={"lat": content.text("location_field")},
        )
    if lat is None or lng is None:
        place = district
        while place is not None and place.latitude is None:
            place = place.parent
        if place is not None:
            lat, lng = place.latitude, place.longitude
            source = place.get_level_display()
    kecamatan = district
    while kecamatan is not None and kecamatan.level > Region.Level.DISTRICT:
        kecamatan = kecamatan.parent
    return regency, kecamatan, lat, lng, source


def _health_from_assessment(assessment) -> dict:
    a = assessment.answers or {}
    return {
        "kind": "selfcheck",
        "at": assessment.created_at.isoformat(),
        "risk_level": assessment.risk_level,
        "reasons": list(assessment.reasons or [])[:10],
        "spo2": a.get("spo2"),
        "breathing_rate": a.get("respiratory_rate"),
        "temperature": a.get("temperature_c"),
        "danger_signs": list(a.get("danger_signs") or []),
        "symptoms": list(a.get("symptoms") or []),
        "age": a.get("age"),
    }


def _health_from_checkin(checkin) -> dict:
    return {
        "kind": "checkin",
        "at": checkin.measured_at.isoformat(),
        "spo2": checkin.spo2,
        "breathing_rate": checkin.breathing_rate,
        "temperature": float(checkin.temperature)
        if checkin.temperature is not None
        else None,
        "danger_signs": list(checkin.danger_signs or []),
        # None: the check-in did not answer about symptoms (not "none").
        "symptoms": None if checkin.symptoms is None else list(checkin.symptoms),
    }


def _trigger_for_resident(*, resident: User, assessment_id, now: dt.datetime):
    """The critical self-check or danger check-in (last 24 h) that allows asking."""
    from isolation.models import CheckIn
    from selfcheck.models import Assessment

    since = now - TRIGGER_WINDOW
    assessments = Assessment.objects.filter(
        owner=resident, risk_level="critical", created_at__gte=since
    ).select_related("district__parent")
    if assessment_id is not None:
        assessment = assessments.filter(pk=assessment_id).first()
        if assessment is None:
            raise NotFound(
                content.text(PscErrorCode.ASSESSMENT_NOT_FOUND),
                code=PscErrorCode.ASSESSMENT_NOT_FOUND,
                fields={"assessment_id": content.text("assessment_field")},
            )
        return Escalation.Trigger.SELFCHECK, assessment, None
    assessment = assessments.order_by("-created_at").first()
    checkin = (
        CheckIn.objects.filter(
            isolation__patient=resident, danger=True, measured_at__gte=since
        )
        .select_related("isolation__facility__district__parent")
        .order_by("-measured_at")
        .first()
    )
    if checkin is not None and (
        assessment is None or checkin.measured_at >= assessment.created_at
    ):
        return Escalation.Trigger.CHECKIN, None, checkin
    if assessment is not None:
        return Escalation.Trigger.SELFCHECK, assessment, None
    raise Conflict(
        content.text(PscErrorCode.NOT_ELIGIBLE), code=PscErrorCode.NOT_ELIGIBLE
    )


def _active_isolation(resident: User):
    from isolation.models import Isolation

    return (
        Isolation.objects.select_related("facility__district__parent")
        .filter(patient=resident, status=Isolation.Status.ACTIVE)
        .first()
    )


def _home_village(resident: User) -> Region | None:
    profile = getattr(resident, "profile", None)
    if profile is None or not profile.home_village_id:
        return None
    return Region.objects.select_related("parent__parent").get(
        pk=profile.home_village_id
    )


# --- Creation ----------------------------------------------------------------------


@transaction.atomic
def escalation_create_by_resident(
    *,
    resident: User,
    consent: bool,
    client_key: str = "",
    lat: float | None = None,
    lng: float | None = None,
    assessment_id=None,
    note: str = "",
    source: str = Escalation.Source.APP,
    now: dt.datetime | None = None,
) -> tuple[Escalation, bool]:
    """ "Minta bantuan PSC 119". Returns (escalation, created). The same client_key,
    or any open escalation of the resident, is returned as it is.

    `consent` is this request's own explicit consent to share the location and the
    latest health data with PSC 119 (docs/privacy.md, "PSC 119"); the general consent
    to health-data processing is not asked: withdrawing it must not close the
    emergency channel."""
    now = now or timezone.now()
    if consent is not True:
        raise ApplicationError(
            content.text(PscErrorCode.CONSENT_REQUIRED),
            code=PscErrorCode.CONSENT_REQUIRED,
            fields={"consent": content.text("consent_field")},
        )
    if client_key:
        existing = Escalation.objects.filter(
            resident=resident, client_key=client_key
        ).first()
        if existing is not None:
            return existing, False
    open_one = Escalation.objects.filter(
        resident=resident, status__in=rules.OPEN_STATUSES
    ).first()
    if open_one is not None:
        return open_one, False
    trigger, assessment, checkin = _trigger_for_resident(
        resident=resident, assessment_id=assessment_id, now=now
    )
    isolation = (
        checkin.isolation if checkin is not None else _active_isolation(resident)
    )
    health = (
        _health_from_assessment(assessment)
        if assessment is not None
        else _health_from_checkin(checkin)
    )
    fallbacks = [
        assessment.district if assessment is not None else None,
        _home_village(resident),
        isolation.facility.district if isolation is not None else None,
    ]
    regency, district, lat, lng, located = _place(lat=lat, lng=lng, fallbacks=fallbacks)
    escalation = Escalation(
        resident=resident,
        region=regency,
        district=district,
        source=source,
        trigger=trigger,
        created_by=resident,
        client_key=client_key or "",
        assessment_id=assessment.pk if assessment is not None else None,
        checkin_id=checkin.pk if checkin is not None else None,
        facility=isolation.facility if isolation is not None else None,
        latitude=lat,
        longitude=lng,
        location_source=located,
        urgency=rules.urgency(
            spo2=health.get("spo2"), danger_signs=health.get("danger_signs", ())
        ),
        health=health,
        consent_at=now,
        note=note[:NOTE_MAX],
        created_at=now,
    )
    return _escalation_store(
        escalation,
        actor=resident,
        note=note,
        now=now,
        # The same client_key, sent twice at once.
        existing=lambda: Escalation.objects.get(
            resident=resident, client_key=client_key
        ),
    )


@transaction.atomic
def escalation_create_by_nurse(
    *, nurse: User, alert_id: int, note: str = "", now: dt.datetime | None = None
) -> tuple[Escalation, bool]:
    """A nurse escalates a danger alert of their facility (once per alert)."""
    from isolation.models import Alert, CheckIn
    from isolation.selectors import alert_get_for_worker

    now = now or timezone.now()
    alert = alert_get_for_worker(actor=nurse, alert_id=alert_id)
    if alert.kind != Alert.Kind.DANGER:
        raise ApplicationError(
            "Hanya peringatan tanda bahaya yang dapat diteruskan ke PSC 119.",
            code=PscErrorCode.NOT_A_DANGER_ALERT,
            fields={"alert_id": "Bukan peringatan tanda bahaya."},
        )
    existing = Escalation.objects.filter(alert_id=alert.pk).first()
    if existing is not None:
        return existing, False
    isolation = alert.isolation
    resident = isolation.patient
    checkin = CheckIn.objects.get(pk=alert.checkin_id)
    health = _health_from_checkin(checkin)
    facility = Facility.objects.select_related("district__parent").get(
        pk=isolation.facility_id
    )
    regency, district, lat, lng, located = _place(
        lat=None, lng=None, fallbacks=[_home_village(resident), facility.district]
    )
    escalation = Escalation(
        resident=resident,
        region=regency,
        district=district,
        source=Escalation.Source.NURSE,
        trigger=Escalation.Trigger.ALERT,
        created_by=nurse,
        alert_id=alert.pk,
        checkin_id=checkin.pk,
        facility=facility,
        latitude=lat,
        longitude=lng,
        location_source=located,
        urgency=rules.urgency(
            spo2=health.get("spo2"), danger_signs=health.get("danger_signs", ())
        ),
        health=health,
        # Escalated by the patient's own health worker for their vital interest
        # (UU PDP art. 20(2)(d)); the patient consented to monitoring at enrolment.
        consent_at=now,
        note=note[:NOTE_MAX],
        created_at=now,
    )
    return _escalation_store(
        escalation,
        actor=nurse,
        note=note,
        now=now,
        existing=lambda: Escalation.objects.get(alert_id=alert.pk),
    )


def _escalation_store(
    escalation: Escalation,
    *,
    actor: User,
    note: str,
    now: dt.datetime,
    existing: Callable[[], Escalation],
) -> tuple[Escalation, bool]:
    """Save a new escalation and its first step; when a unique key says it exists
    already (a request sent twice at once), return that one instead."""
    try:
        with transaction.atomic():
            escalation.save()
    except IntegrityError:
        return existing(), False
    step_record(escalation, actor=actor, action="create", note=note, now=now)
    return escalation, True
