"""A resident's isolation request: asking, and the puskesmas confirming or declining."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ApplicationError, Conflict
from core.models import Facility, ResidentProfile, User
from core.services.accounts import consent_require
from core.services.audit import audit_record
from core.services.notifications import notify
from isolation import content
from isolation.error_codes import IsolationErrorCode
from isolation.messages import message
from isolation.models import DashboardEvent, Isolation, IsolationRequest
from isolation.services.enrolment import (
    dates_check,
    isolation_create,
    not_isolating_check,
)
from isolation.services.events import NewEvent, events_record
from selfcheck.selectors import assessment_is_high_risk


def home_puskesmas(patient: User) -> Facility | None:
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
    dates_check(today=today, test_date=test_date, symptom_onset=symptom_onset)
    if reason == Isolation.Reason.POSITIVE_TEST and test_date is None:
        raise ApplicationError(
            message("test_date_required"),
            fields={"test_date": message("test_date_required_field")},
        )
    not_isolating_check(patient, field="non_field_errors")
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
    facility = home_puskesmas(patient)
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
            subject=request.patient,
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
    # The profile row lock orders this against a withdrawal of consent
    # (core.services.accounts.consent_withdraw), which refuses once monitoring runs.
    profile = (
        ResidentProfile.objects.select_for_update()
        .filter(user_id=request.patient_id)
        .first()
    )
    if profile is None or profile.consent_given_at is None:
        raise Conflict(
            "Pasien sudah menarik persetujuan pengolahan data kesehatannya setelah "
            "mengajukan permintaan ini: hubungi pasien, lalu daftarkan dengan "
            "persetujuannya (enrolmen) bila ia setuju.",
            code=IsolationErrorCode.CONSENT_WITHDRAWN,
        )
    facility = Facility.objects.select_related("district").get(pk=request.facility_id)
    isolation = isolation_create(
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
