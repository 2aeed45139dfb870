"""Starting an isolation: enrolment by a health worker, or a resident's request."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ApplicationError, Conflict
from core.models import Facility, ResidentProfile, User
from core.rules import InvalidPhone, normalise_phone
from core.services.accounts import (
    consent_record_at_facility,
    consent_require,
    phone_or_error,
)
from core.services.audit import audit_record
from core.services.notifications import notify
from isolation import content, rules
from isolation.error_codes import IsolationErrorCode
from isolation.messages import message
from isolation.models import DashboardEvent, Isolation, IsolationRequest, Note
from isolation.services.events import NewEvent, events_record
from isolation.services.payloads import patient_payload
from selfcheck.selectors import assessment_is_high_risk


def _check_dates(
    *,
    today: dt.date,
    test_date: dt.date | None,
    symptom_onset: dt.date | None,
    start_date: dt.date | None = None,
) -> None:
    errors = {}
    if test_date and test_date > today:
        errors["test_date"] = message("test_date_future")
    if symptom_onset and symptom_onset > today:
        errors["symptom_onset"] = message("symptom_onset_future")
    if start_date and start_date > today + dt.timedelta(days=1):
        errors["start_date"] = message("start_date_far")
    if test_date and today - test_date > dt.timedelta(days=30):
        errors["test_date"] = message("test_date_old")
    if errors:
        raise ApplicationError(message("dates_invalid"), fields=errors)


def _patient_tz(patient: User, facility: Facility) -> str:
    profile = (
        ResidentProfile.objects.select_related("home_village")
        .filter(user=patient)
        .first()
    )
    if profile is not None and profile.home_village_id:
        return profile.home_village.timezone
    return facility.district.timezone


def _ensure_not_isolating(patient: User, field: str = "phone") -> None:
    if Isolation.objects.filter(
        patient=patient, status=Isolation.Status.ACTIVE
    ).exists():
        raise Conflict(
            message("already_isolating"),
            code=IsolationErrorCode.ALREADY_ISOLATING,
            fields={field: message("already_isolating_field")},
        )


def enrolment_refused() -> Conflict:
    """The one answer for a number another puskesmas monitors or a staff account:
    which of the two (or whether the number is known at all) is not revealed."""
    return Conflict(
        message("enrolment_refused"),
        code=IsolationErrorCode.ENROLMENT_REFUSED,
        fields={"phone": message("enrolment_refused_field")},
    )


def _isolation_create(
    *,
    actor: User | None,
    patient: User,
    facility: Facility,
    reason: str,
    test_date: dt.date | None,
    symptom_onset: dt.date | None,
    start_date: dt.date | None,
    note: str,
) -> Isolation:
    tz_name = _patient_tz(patient, facility)
    now = timezone.now()
    today = now.astimezone(ZoneInfo(tz_name)).date()
    _check_dates(
        today=today,
        test_date=test_date,
        symptom_onset=symptom_onset,
        start_date=start_date,
    )
    if reason == Isolation.Reason.POSITIVE_TEST and test_date is None:
        raise ApplicationError(
            message("test_date_required"),
            fields={"test_date": message("test_date_required_field")},
        )
    start_date = start_date or today
    _ensure_not_isolating(patient)
    isolation = Isolation(
        patient=patient,
        facility=facility,
        reason=reason,
        test_date=test_date,
        symptom_onset=symptom_onset,
        start_date=start_date,
        started_at=now,
        timezone=tz_name,
        last_symptom_day=symptom_onset,
        estimated_end=rules.estimated_end(
            test_date=test_date, start_date=start_date, symptom_days=[symptom_onset]
        ),
        enrolled_by=actor,
    )
    isolation.full_clean(validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():
            isolation.save()
    except IntegrityError as exc:  # enrolled concurrently
        if Isolation.objects.filter(
            patient=patient, status=Isolation.Status.ACTIVE, facility=facility
        ).exists():
            raise Conflict(
                message("already_isolating"), code=IsolationErrorCode.ALREADY_ISOLATING
            ) from exc
        raise enrolment_refused() from exc
    Note.objects.create(
        isolation=isolation, author=actor, kind=Note.Kind.ENROLMENT, text=note.strip()
    )
    audit_record(
        actor=actor or patient,
        action="isolation.create",
        target=isolation,
        patient=patient,
        detail={"facility": facility.pk, "reason": reason},
    )
    events_record(
        [
            NewEvent(
                facility_id=facility.pk,
                kind=DashboardEvent.Kind.PATIENT,
                isolation_id=isolation.pk,
                payload=patient_payload(isolation, action="enrolled"),
            )
        ]
    )
    notify(
        user=patient,
        kind="isolation.enrolled",
        text=content.enrolled_text(
            facility=facility.name, end=isolation.estimated_end.strftime("%d-%m-%Y")
        ),
        dedupe_key=f"isolation:enrolled:{isolation.pk}",
        data={"isolation_id": isolation.pk},
    )
    return isolation


def isolation_enroll(
    *,
    actor: User,
    phone: str,
    reason: str,
    full_name: str = "",
    consent_at_puskesmas: bool = False,
    test_date: dt.date | None = None,
    symptom_onset: dt.date | None = None,
    start_date: dt.date | None = None,
    note: str = "",
) -> Isolation:
    """A health worker enrols a patient (by phone number) at their own facility.

    Every attempt is audited, refused ones too (in their own transaction). The answer
    never tells another puskesmas whether a number belongs to a patient isolating
    elsewhere, to a staff account or to nobody: the name and the patient's consent
    (taken at the puskesmas) are always required, and those cases share one refusal.
    An unknown number becomes a resident account the patient can later sign in to
    with a one-time code.
    """
    outcome, patient = "error", None
    try:
        with transaction.atomic():
            isolation = _enroll(
                actor=actor,
                phone=phone,
                reason=reason,
                full_name=full_name,
                consent_at_puskesmas=consent_at_puskesmas,
                test_date=test_date,
                symptom_onset=symptom_onset,
                start_date=start_date,
                note=note,
            )
            outcome, patient = "enrolled", isolation.patient
            return isolation
    except (ApplicationError, ValidationError) as exc:
        outcome = getattr(exc, "code", None) or "invalid"
        try:
            patient = User.objects.filter(phone=normalise_phone(phone)).first()
        except InvalidPhone:
            patient = None
        raise
    finally:
        isolation_enroll_audit(
            actor=actor, outcome=outcome, patient=patient, reason=reason
        )


def isolation_enroll_audit(
    *, actor: User, outcome: str, patient: User | None = None, reason: str = ""
) -> None:
    """The audit row of one enrolment attempt (the API and the page also call it
    for input refused before the service: a serializer or form error)."""
    audit_record(
        actor=actor,
        action="isolation.enrol",
        target=actor.facility if actor.facility_id else actor,
        patient=patient,
        detail={"outcome": outcome, "reason": reason},
    )


def _enroll(
    *,
    actor: User,
    phone: str,
    reason: str,
    full_name: str,
    consent_at_puskesmas: bool,
    test_date: dt.date | None,
    symptom_onset: dt.date | None,
    start_date: dt.date | None,
    note: str,
) -> Isolation:
    phone = phone_or_error(phone)
    errors = {}
    if not full_name.strip():
        errors["full_name"] = message("full_name_required")
    if not consent_at_puskesmas:
        errors["consent_at_puskesmas"] = message("consent_at_puskesmas_required")
    if errors:
        raise ApplicationError(message("enrolment_incomplete"), fields=errors)
    facility = Facility.objects.select_related("district").get(pk=actor.facility_id)
    patient = User.objects.filter(phone=phone).first()
    if patient is None:
        patient = User.objects.create_user(
            phone, full_name=full_name.strip(), role=User.Role.RESIDENT
        )
        ResidentProfile.objects.get_or_create(user=patient)
    elif patient.role != User.Role.RESIDENT or not patient.is_active:
        raise enrolment_refused()
    elif (
        Isolation.objects.filter(patient=patient, status=Isolation.Status.ACTIVE)
        .exclude(facility=facility)
        .exists()
    ):
        raise enrolment_refused()
    consent_record_at_facility(patient=patient, facility=facility, actor=actor)
    return _isolation_create(
        actor=actor,
        patient=patient,
        facility=facility,
        reason=reason,
        test_date=test_date,
        symptom_onset=symptom_onset,
        start_date=start_date,
        note=note,
    )


def _home_puskesmas(patient: User) -> Facility | None:
    profile = (
        ResidentProfile.objects.select_related("home_village")
        .filter(user=patient)
        .first()
    )
    if profile is None or not profile.home_village_id:
        return None
    return (
        Facility.objects.filter(
            kind=Facility.Kind.PUSKESMAS,
            is_active=True,
            district_id=profile.home_village.parent_id,
        )
        .order_by("code")
        .first()
    )


def _check_assessment(patient: User, assessment_id: uuid.UUID) -> None:
    if not assessment_is_high_risk(owner=patient, assessment_id=assessment_id):
        raise ApplicationError(
            message("invalid_assessment"),
            code=IsolationErrorCode.INVALID_ASSESSMENT,
            fields={"assessment_id": message("invalid_assessment_field")},
        )


@transaction.atomic
def isolation_request_create(
    *,
    patient: User,
    reason: str | None = None,
    test_date: dt.date | None = None,
    symptom_onset: dt.date | None = None,
    assessment_id: uuid.UUID | None = None,
    facility_id: int | None = None,
    note: str = "",
) -> IsolationRequest:
    """A resident asks their puskesmas to monitor them (positive test / high check)."""
    consent_require(patient)
    reason = _request_reason(patient, reason=reason, assessment_id=assessment_id)
    facility = _request_facility(patient, facility_id=facility_id)
    today = timezone.now().astimezone(patient.tz).date()
    _check_dates(today=today, test_date=test_date, symptom_onset=symptom_onset)
    if reason == Isolation.Reason.POSITIVE_TEST and test_date is None:
        raise ApplicationError(
            message("test_date_required"),
            fields={"test_date": message("test_date_required_field")},
        )
    _ensure_not_isolating(patient, field="non_field_errors")
    request = IsolationRequest(
        patient=patient,
        facility=facility,
        reason=reason,
        test_date=test_date,
        symptom_onset=symptom_onset,
        assessment_id=assessment_id,
        note=note.strip(),
    )
    _request_save(request)
    audit_record(
        actor=patient,
        action="isolation.request.create",
        target=request,
        patient=patient,
        detail={"facility": facility.pk, "reason": reason},
    )
    _request_announce(request)
    return request


def _request_reason(
    patient: User, *, reason: str | None, assessment_id: uuid.UUID | None
) -> str:
    """A positive test, or a high-risk self-check of the patient's own."""
    reason = reason or (
        Isolation.Reason.HIGH_SELFCHECK
        if assessment_id
        else Isolation.Reason.POSITIVE_TEST
    )
    if reason not in (Isolation.Reason.POSITIVE_TEST, Isolation.Reason.HIGH_SELFCHECK):
        raise ApplicationError(
            message("reason_invalid"),
            fields={"reason": message("reason_choose")},
        )
    if reason == Isolation.Reason.HIGH_SELFCHECK and not assessment_id:
        raise ApplicationError(
            message("assessment_required"),
            fields={"assessment_id": message("assessment_required_field")},
        )
    if assessment_id:
        _check_assessment(patient, assessment_id)
    return reason


def _request_facility(patient: User, *, facility_id: int | None) -> Facility:
    """The active puskesmas chosen, else the one of the patient's home district."""
    if facility_id is not None:
        facility = Facility.objects.filter(
            pk=facility_id, kind=Facility.Kind.PUSKESMAS, is_active=True
        ).first()
        if facility is None:
            raise ApplicationError(
                message("facility_not_found"),
                fields={"facility_id": message("facility_choose_active")},
            )
        return facility
    facility = _home_puskesmas(patient)
    if facility is None:
        raise ApplicationError(
            message("facility_required"),
            code=IsolationErrorCode.FACILITY_REQUIRED,
            fields={"facility_id": message("facility_choose")},
        )
    return facility


def _request_save(request: IsolationRequest) -> None:
    request.full_clean(validate_constraints=False, validate_unique=False)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise Conflict(
            message("request_pending"),
            code=IsolationErrorCode.REQUEST_PENDING,
        ) from exc


def _request_announce(request: IsolationRequest) -> None:
    """The puskesmas's dashboards and health workers hear of the new request."""
    facility = request.facility
    events_record(
        [
            NewEvent(
                facility_id=facility.pk,
                kind=DashboardEvent.Kind.PATIENT,
                payload={"action": "request", "request_id": request.pk},
            )
        ]
    )
    pending = IsolationRequest.objects.filter(
        facility=facility, status=IsolationRequest.Status.PENDING
    ).count()
    for worker in User.objects.filter(
        role=User.Role.HEALTH_WORKER, facility=facility, is_active=True
    ).select_related("facility__district"):
        notify(
            user=worker,
            kind="isolation.request",
            text=content.request_received_text(count=pending),
            dedupe_key=f"isolation:request:{request.pk}",
            data={"request_id": request.pk},
        )


def _decide(request: IsolationRequest) -> None:
    if request.status != IsolationRequest.Status.PENDING:
        raise Conflict(
            message("already_decided"), code=IsolationErrorCode.ALREADY_DECIDED
        )


@transaction.atomic
def isolation_request_confirm(
    *, actor: User, request_id: int, start_date: dt.date | None = None, note: str = ""
) -> Isolation:
    from isolation.selectors import request_get_for_worker

    request = request_get_for_worker(actor=actor, request_id=request_id, lock=True)
    _decide(request)
    facility = Facility.objects.select_related("district").get(pk=request.facility_id)
    isolation = _isolation_create(
        actor=actor,
        patient=request.patient,
        facility=facility,
        reason=request.reason,
        test_date=request.test_date,
        symptom_onset=request.symptom_onset,
        start_date=start_date,
        note=note or request.note,
    )
    request.status = IsolationRequest.Status.CONFIRMED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.isolation = isolation
    request.save(
        update_fields=[
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "isolation",
        ]
    )
    audit_record(
        actor=actor,
        action="isolation.request.confirm",
        target=request,
        patient=request.patient,
        detail={"isolation": isolation.pk},
    )
    return isolation


@transaction.atomic
def isolation_request_decline(
    *, actor: User, request_id: int, note: str = ""
) -> IsolationRequest:
    from isolation.selectors import request_get_for_worker

    request = request_get_for_worker(actor=actor, request_id=request_id, lock=True)
    _decide(request)
    request.status = IsolationRequest.Status.DECLINED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(
        actor=actor,
        action="isolation.request.decline",
        target=request,
        patient=request.patient,
    )
    notify(
        user=request.patient,
        kind="isolation.request.declined",
        text=content.request_declined_text(facility=request.facility.name),
        dedupe_key=f"isolation:request-declined:{request.pk}",
    )
    return request
