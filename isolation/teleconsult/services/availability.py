"""Doctors publish their weekly availability, slot length, notices and leave."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction

from core.exceptions import ApplicationError
from core.models import User
from isolation.teleconsult import rules
from isolation.teleconsult.error_codes import TeleconsultErrorCode
from isolation.teleconsult.models import (
    AvailabilityException,
    Booking,
    DoctorSchedule,
    WeeklyAvailability,
)
from isolation.teleconsult.services.common import invalid_error, message_text, not_found


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
) -> tuple[AvailabilityException, int]:
    """Add leave; returns it and how many active bookings it now overlaps (those are
    not cancelled silently: the doctor decides and the patients are told)."""
    _require_health_worker(doctor)
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
    exception.save()
    tz = doctor.facility.tz
    lo = datetime.combine(day, start_time or time(), tz)
    hi = (
        datetime.combine(day, end_time, tz)
        if end_time is not None
        else datetime.combine(day + timedelta(days=1), time(), tz)
    )
    clashes = Booking.objects.filter(
        doctor=doctor, status=Booking.Status.BOOKED, start__lt=hi, end__gt=lo
    ).count()
    return exception, clashes


@transaction.atomic
def exception_delete(*, doctor: User, exception_id: int) -> None:
    deleted, _ = AvailabilityException.objects.filter(
        pk=exception_id, schedule__doctor=doctor
    ).delete()
    if not deleted:
        raise not_found(TeleconsultErrorCode.EXCEPTION_NOT_FOUND)
