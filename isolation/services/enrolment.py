"""Starting an isolation: enrolment by a health worker (and, for a confirmed request,
the isolation itself)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.exceptions import ApplicationError, Conflict
from core.models import Facility, ResidentProfile, User
from core.rules import InvalidPhone, normalise_phone
from core.services.accounts import (
    consent_record_at_facility,
    phone_or_error,
)
from core.services.audit import audit_record
from core.services.notifications import notify
from isolation import content, rules
from isolation.error_codes import IsolationErrorCode
from isolation.messages import message
from isolation.models import DashboardEvent, Isolation, Note
from isolation.services.events import NewEvent, events_record
from isolation.services.payloads import patient_payload


def dates_check(
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


def not_isolating_check(patient: User, field: str = "phone") -> None:
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


def isolation_create(
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
    dates_check(
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
    not_isolating_check(patient)
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
    return isolation_create(
        actor=actor,
        patient=patient,
        facility=facility,
        reason=reason,
        test_date=test_date,
        symptom_onset=symptom_onset,
        start_date=start_date,
        note=note,
    )
