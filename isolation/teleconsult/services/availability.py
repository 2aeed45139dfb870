"""Doctors publish their weekly availability, slot length, notices and leave."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from core.exceptions import ApplicationError, Conflict
from core.models import User
from isolation.teleconsult import rules
from isolation.teleconsult.error_codes import TeleconsultErrorCode
from isolation.teleconsult.models import (
    AvailabilityException,
    Booking,
    DoctorSchedule,
    WeeklyAvailability,
)
from isolation.teleconsult.services.bookings import LEAVE_REASON, booking_cancel_write
from isolation.teleconsult.services.common import (
    invalid_error,
    local_label,
    message_text,
    not_found,
)


def _require_health_worker(doctor: User) -> None:
    if doctor.role != User.Role.HEALTH_WORKER or not doctor.facility_id:
        raise invalid_error(TeleconsultErrorCode.NOT_HEALTH_WORKER, status=403)


@transaction.atomic
def schedule_update(
    *,
    doctor: User,
    windows: list[dict],
    slot_minutes: int = 30,
    booking_notice_minutes: int = 60,
    cancel_notice_minutes: int = 120,
    is_active: bool = True,
) -> DoctorSchedule:
    """Replace a doctor's settings and weekly windows (local wall time).

    Existing bookings stay as they are; only future slot generation changes.
    """
    _require_health_worker(doctor)
    parsed = [rules.Window(w["weekday"], w["start"], w["end"]) for w in windows]
    errors = rules.window_errors(parsed, slot_minutes)
    if errors:
        raise ApplicationError(
            message_text(next(iter(errors.values()))),
            code=TeleconsultErrorCode.INVALID_WINDOWS,
            fields={
                f"windows.{i}": message_text(code) for i, code in sorted(errors.items())
            },
        )
    schedule, _ = DoctorSchedule.objects.get_or_create(doctor=doctor)
    schedule.slot_minutes = slot_minutes
    schedule.booking_notice_minutes = booking_notice_minutes
    schedule.cancel_notice_minutes = cancel_notice_minutes
    schedule.is_active = is_active
    schedule.full_clean(exclude=["doctor"])
    schedule.save()
    schedule.windows.all().delete()
    rows = [
        WeeklyAvailability(
            schedule=schedule, weekday=w.weekday, start_time=w.start, end_time=w.end
        )
        for w in parsed
    ]
    for row in rows:
        row.full_clean(exclude=["schedule"])
    WeeklyAvailability.objects.bulk_create(rows)
    return schedule


@transaction.atomic
def exception_create(
    *,
    doctor: User,
    day: date,
    start_time: time | None = None,
    end_time: time | None = None,
    note: str = "",
    cancel_bookings: bool = False,
    now: datetime | None = None,
) -> tuple[AvailabilityException, list[Booking]]:
    """Add leave; returns it and the bookings it cancelled.

    Booked consultations that have not started within the leave are never left
    standing, nor cancelled silently: without `cancel_bookings` the leave is refused
    (409 `leave_has_bookings`, listing them) so the doctor sees whom it concerns;
    with it, each is cancelled ("dokter berhalangan") and its patient told."""
    _require_health_worker(doctor)
    now = now or timezone.now()
    if (start_time is None) != (end_time is None):
        raise invalid_error(TeleconsultErrorCode.WINDOW_EMPTY, "end_time")
    if start_time is not None and end_time <= start_time:
        raise invalid_error(TeleconsultErrorCode.WINDOW_EMPTY, "end_time")
    schedule, _ = DoctorSchedule.objects.get_or_create(doctor=doctor)
    exception = AvailabilityException(
        schedule=schedule,
        date=day,
        start_time=start_time,
        end_time=end_time,
        note=note.strip(),
    )
    exception.full_clean(exclude=["schedule"])
    tz = doctor.facility.tz
    lo = datetime.combine(day, start_time or time(), tz)
    hi = (
        datetime.combine(day, end_time, tz)
        if end_time is not None
        else datetime.combine(day + timedelta(days=1), time(), tz)
    )
    clashes = list(
        Booking.objects.select_for_update(of=("self",))
        .select_related("doctor__facility__district", "patient__profile__home_village")
        .filter(
            doctor=doctor,
            status=Booking.Status.BOOKED,
            start__lt=hi,
            end__gt=lo,
            start__gt=now,
        )
        .order_by("start")
    )
    if clashes and not cancel_bookings:
        listed = ", ".join(f"#{b.pk} {local_label(b.start, tz)}" for b in clashes)
        raise Conflict(
            message_text(
                TeleconsultErrorCode.LEAVE_HAS_BOOKINGS,
                count=len(clashes),
                bookings=listed,
            ),
            code=TeleconsultErrorCode.LEAVE_HAS_BOOKINGS,
            fields={"bookings": listed},
        )
    exception.save()
    for booking in clashes:
        booking_cancel_write(
            booking,
            party=Booking.Party.DOCTOR,
            reason=LEAVE_REASON,
            now=now,
            on_leave=True,
        )
    return exception, clashes


@transaction.atomic
def exception_delete(*, doctor: User, exception_id: int) -> None:
    deleted, _ = AvailabilityException.objects.filter(
        pk=exception_id, schedule__doctor=doctor
    ).delete()
    if not deleted:
        raise not_found(TeleconsultErrorCode.EXCEPTION_NOT_FOUND)
