"""Reads, already scoped to what the actor may see (404 for anything else)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.areas.rules import descendant_range
from core.db import select_values
from core.exceptions import NotFound
from core.models import User
from core.services.audit import audit_record
from isolation.teleconsult import rules
from isolation.teleconsult.error_codes import TeleconsultErrorCode
from isolation.teleconsult.models import (
    ACTIVE,
    AvailabilityException,
    Booking,
    ConsultationMessage,
    ConsultationProposal,
    DoctorSchedule,
    WeeklyAvailability,
)

BOOKING_RELATED = (
    "doctor__facility__district",
    "patient__profile__home_village",
    "facility",
)


@dataclass(slots=True)
class DoctorSlots:
    doctor_id: int
    name: str
    facility_id: int
    facility_name: str
    tz: ZoneInfo
    slot_minutes: int
    slots: list[rules.Slot]


def booking_horizon() -> timedelta:
    """How far ahead slots are listed and bookable (SIGAP_TELECONSULT_HORIZON_DAYS)."""
    return timedelta(days=settings.SIGAP_TELECONSULT_HORIZON_DAYS)


def schedule_policy(schedule: DoctorSchedule) -> rules.Policy:
    return rules.Policy(
        slot_minutes=schedule.slot_minutes,
        booking_notice=timedelta(minutes=schedule.booking_notice_minutes),
        cancel_notice=timedelta(minutes=schedule.cancel_notice_minutes),
        horizon=booking_horizon(),
    )


def _held(now: datetime) -> Q:
    """Open proposals still holding their slot."""
    return Q(status=ConsultationProposal.Status.PROPOSED, expires_at__gt=now)


def held_slot_exists(
    *,
    doctor_id: int,
    start: datetime,
    end: datetime,
    now: datetime,
    except_patient_id: int,
) -> bool:
    """Whether an open proposal holds part of [start, end) of this doctor for a
    patient other than `except_patient_id`."""
    return (
        ConsultationProposal.objects.filter(
            _held(now), doctor_id=doctor_id, start__lt=end, end__gt=start
        )
        .exclude(patient_id=except_patient_id)
        .exists()
    )


def not_over(now: datetime) -> Q:
    """Consultations ahead or under way: not cancelled and not yet ended, whatever
    their status. An outcome note written at the start marks one completed, and a
    no-show is marked 15 minutes in, while the slot (and the room) still runs."""
    return ACTIVE & Q(end__gt=now)


def upcoming_bookings_of(*, patient_id: int, now: datetime) -> list[Booking]:
    """A resident's consultations that have not ended, soonest first."""
    return list(
        Booking.objects.filter(not_over(now), patient_id=patient_id)
        .only("id", "start", "end", "doctor_id")
        .order_by("start")
    )


# Read on every booking: prepared SQL (`core.db.select_values`) instead of a QuerySet
# compiled again for each request.


def schedule_windows(schedule: DoctorSchedule) -> list[rules.Window]:
    return [
        rules.Window(weekday, start, end)
        for weekday, start, end in select_values(
            WeeklyAvailability,
            ("weekday", "start_time", "end_time"),
            '"schedule_id" = %s',
            [schedule.pk],
        )
    ]


def schedule_leaves(
    schedule: DoctorSchedule, date_from: date, date_to: date
) -> list[rules.Leave]:
    return [
        rules.Leave(day, start, end)
        for day, start, end in select_values(
            AvailabilityException,
            ("date", "start_time", "end_time"),
            '"schedule_id" = %s AND "date" >= %s AND "date" <= %s',
            [
                schedule.pk,
                connection.ops.adapt_datefield_value(date_from),
                connection.ops.adapt_datefield_value(date_to),
            ],
        )
    ]


def schedule_get_for_doctor(*, doctor: User) -> DoctorSchedule | None:
    return DoctorSchedule.objects.filter(doctor=doctor).first()


def exception_list(*, doctor: User, since: date | None = None) -> QuerySet:
    qs = AvailabilityException.objects.filter(schedule__doctor=doctor)
    if since is not None:
        qs = qs.filter(date__gte=since)
    return qs.order_by("date", "start_time")


def _utc_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """UTC instants covering those local days in any zone (UTC-12 to UTC+14)."""
    return (
        datetime.combine(date_from - timedelta(days=1), time(), UTC),
        datetime.combine(date_to + timedelta(days=2), time(), UTC),
    )


def slot_list(
    *,
    facility_id: int | None = None,
    doctor_id: int | None = None,
    date_from: date,
    date_to: date,
    now: datetime | None = None,
    for_patient_id: int | None = None,
) -> list[DoctorSlots]:
    """Free slots per doctor, local days `date_from`..`date_to` in each doctor's zone,
    none at or past the booking horizon.

    A slot held by an open proposal is free only to the patient it is held for
    (`for_patient_id`). Five queries whatever the number of doctors: schedules,
    windows, leave, bookings, held proposals.
    """
    now = now or timezone.now()
    horizon = booking_horizon()
    schedules_qs = DoctorSchedule.objects.filter(
        is_active=True,
        doctor__is_active=True,
        doctor__role=User.Role.HEALTH_WORKER,
        doctor__facility__is_active=True,
    )
    if facility_id is not None:
        schedules_qs = schedules_qs.filter(doctor__facility_id=facility_id)
    if doctor_id is not None:
        schedules_qs = schedules_qs.filter(doctor_id=doctor_id)
    # Plain values, not model instances: a facility may list dozens of doctors.
    schedules = list(
        schedules_qs.order_by("doctor__full_name", "doctor_id").values_list(
            "pk",
            "doctor_id",
            "doctor__full_name",
            "doctor__facility_id",
            "doctor__facility__name",
            "doctor__facility__district__timezone",
            "slot_minutes",
            "booking_notice_minutes",
        )
    )
    if not schedules:
        return []
    ids = [row[0] for row in schedules]
    windows: dict[int, list[rules.Window]] = defaultdict(list)
    for sid, weekday, start, end in WeeklyAvailability.objects.filter(
        schedule_id__in=ids
    ).values_list("schedule_id", "weekday", "start_time", "end_time"):
        windows[sid].append(rules.Window(weekday, start, end))
    leaves: dict[int, list[rules.Leave]] = defaultdict(list)
    for sid, day, start, end in AvailabilityException.objects.filter(
        schedule_id__in=ids, date__gte=date_from, date__lte=date_to
    ).values_list("schedule_id", "date", "start_time", "end_time"):
        leaves[sid].append(rules.Leave(day, start, end))
    lo, hi = _utc_bounds(date_from, date_to)
    lo = max(lo, now)  # slots in the past are never listed
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for doctor, start, end in (
        Booking.objects.filter(ACTIVE)
        .filter(doctor_id__in=[row[1] for row in schedules], start__lt=hi, end__gt=lo)
        .values_list("doctor_id", "start", "end")
    ):
        busy[doctor].append((start, end))
    held = ConsultationProposal.objects.filter(
        _held(now),
        doctor_id__in=[row[1] for row in schedules],
        start__lt=hi,
        end__gt=lo,
    )
    if for_patient_id is not None:
        held = held.exclude(patient_id=for_patient_id)
    for doctor, start, end in held.values_list("doctor_id", "start", "end"):
        busy[doctor].append((start, end))

    out = []
    # Doctors of one facility often share hours: generate each distinct pattern once.
    generated: dict[tuple, list[rules.Slot]] = {}
    for sid, did, name, fid, fname, zone, minutes, notice in schedules:
        tz = ZoneInfo(zone)
        key = (tuple(windows[sid]), tuple(leaves[sid]), minutes, notice, zone)
        slots = generated.get(key)
        if slots is None:
            slots = generated[key] = rules.generate_slots(
                windows=windows[sid],
                leaves=leaves[sid],
                slot_minutes=minutes,
                tz=tz,
                date_from=date_from,
                date_to=date_to,
                not_before=now + timedelta(minutes=notice),
            )
        out.append(
            DoctorSlots(
                doctor_id=did,
                name=name,
                facility_id=fid,
                facility_name=fname,
                tz=tz,
                slot_minutes=minutes,
                slots=[
                    slot
                    for slot in rules.free_slots(slots, busy[did])
                    if not rules.beyond_horizon(slot.start, now=now, horizon=horizon)
                ],
            )
        )
    return out


def earliest_free_slot(
    *, facility_id: int, now: datetime | None = None, days: int = 14
) -> tuple[User, rules.Slot] | None:
    now = now or timezone.now()
    # Local "today" differs by zone; starting a day early is harmless (past slots
    # fall under the booking notice).
    today = now.date() - timedelta(days=1)
    best: tuple[int, rules.Slot] | None = None
    for entry in slot_list(
        facility_id=facility_id,
        date_from=today,
        date_to=today + timedelta(days=days),
        now=now,
    ):
        if entry.slots and (best is None or entry.slots[0].start < best[1].start):
            best = (entry.doctor_id, entry.slots[0])
    if best is None:
        return None
    return User.objects.select_related("facility__district").get(pk=best[0]), best[1]


def _participant(user: User) -> Q:
    return Q(patient=user) | Q(doctor=user)


def booking_list(
    *, user: User, status: str | None = None, upcoming: bool | None = None
) -> QuerySet[Booking]:
    """A resident's bookings, or a health worker's appointments (as the doctor)."""
    qs = Booking.objects.filter(_participant(user)).select_related(*BOOKING_RELATED)
    if status:
        qs = qs.filter(status=status)
    if upcoming is True:
        qs = qs.filter(end__gt=timezone.now())
    elif upcoming is False:
        qs = qs.filter(end__lte=timezone.now())
    return qs


def booking_get_for_user(*, user: User, booking_id: int) -> Booking:
    booking = (
        Booking.objects.filter(_participant(user), pk=booking_id)
        .select_related(*BOOKING_RELATED)
        .first()
    )
    if booking is None:
        raise _not_found(TeleconsultErrorCode.BOOKING_NOT_FOUND)
    return booking


def booking_outcome_get(*, user: User, booking_id: int) -> Booking:
    """The outcome note for its two participants and, for oversight, the health office
    of the facility's wilayah kerja (curators: chatbot content only, never this).

    Every read by someone other than the patient is written to the audit log.
    """
    qs = Booking.objects.select_related(*BOOKING_RELATED)
    if user.role == User.Role.HEALTH_OFFICE and user.region_id:
        low, high = descendant_range(user.region_id)
        qs = qs.filter(
            Q(facility__district_id=user.region_id)
            | Q(facility__district_id__gte=low, facility__district_id__lt=high)
        )
    else:
        qs = qs.filter(_participant(user))
    booking = qs.filter(pk=booking_id).first()
    if booking is None:
        raise _not_found(TeleconsultErrorCode.BOOKING_NOT_FOUND)
    if user.pk != booking.patient_id:
        audit_record(
            actor=user,
            action="teleconsult.outcome.view",
            target=booking,
            patient=booking.patient,
        )
    return booking


def message_list(*, user: User, booking_id: int) -> QuerySet[ConsultationMessage]:
    booking = booking_get_for_user(user=user, booking_id=booking_id)
    return booking.messages.select_related("sender")


def message_history(*, booking_id: int, limit: int = 100) -> list[ConsultationMessage]:
    """The latest messages of a room, oldest first (caller checked access)."""
    latest = (
        ConsultationMessage.objects.filter(booking_id=booking_id)
        .select_related("sender")
        .order_by("-created_at", "-id")[:limit]
    )
    return list(reversed(latest))


def proposal_list(*, user: User) -> QuerySet[ConsultationProposal]:
    return ConsultationProposal.objects.filter(patient=user).select_related(
        "doctor__facility__district", "facility", "booking"
    )


def proposal_get_for_user(*, user: User, proposal_id: int) -> ConsultationProposal:
    proposal = proposal_list(user=user).filter(pk=proposal_id).first()
    if proposal is None:
        raise _not_found(TeleconsultErrorCode.PROPOSAL_NOT_FOUND)
    return proposal


def _not_found(code: str) -> NotFound:
    """404 in the request's language (the services' messages)."""
    from isolation.teleconsult.services.common import message_text

    return NotFound(message_text(code), code=code)
