"""Booking, cancelling and rescheduling a slot.

Overlap is prevented by the database: unique (doctor, start) / (patient, start)
everywhere and, on PostgreSQL, exclusion constraints over the time range. The checks
here give a precise error before the insert: the patient's own other booking
(patient_busy), someone else's (slot_taken), a slot held by a proposal for another
patient (slot_held), the cap on upcoming consultations (booking_limit). Writers of
one doctor's slots take the doctor's schedule row lock first, and new bookings the
patient's row lock, so those checks are not raced; the constraints stay the last word.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.db import columns, select_values
from core.models import Facility, Region, User
from core.rules import initials
from core.services.accounts import consent_require
from core.services.notifications import notify
from isolation.teleconsult import rules
from isolation.teleconsult.error_codes import TeleconsultErrorCode
from isolation.teleconsult.models import Booking, DoctorSchedule
from isolation.teleconsult.selectors import (
    held_slot_exists,
    schedule_leaves,
    schedule_policy,
    schedule_windows,
    upcoming_bookings_of,
)
from isolation.teleconsult.services.common import (
    booking_lock,
    conflict,
    invalid_error,
    local_label,
    schedule_lock,
)


def _schedule_for(doctor_id: int) -> DoctorSchedule:
    """The doctor's active schedule with the doctor, facility and district joined in
    (the booking needs the facility's time zone), or `unknown_doctor`.

    One query whose SQL is built once per process (`core.db.Columns`): compiling the
    equivalent three-level `select_related` cost more than the query on the booking
    path."""
    schedule = _schedule_lookup(doctor_id)
    if schedule is None:
        raise invalid_error(TeleconsultErrorCode.UNKNOWN_DOCTOR, "doctor")
    return schedule


def _schedule_parts() -> list:
    return [
        columns(DoctorSchedule, "s"),
        columns(User, "d", defer=("password",)),
        columns(Facility, "f"),
        columns(Region, "r"),
    ]


_SCHEDULE_SQL: dict[str, str] = {}


def _schedule_lookup_sql() -> str:
    qn = connection.ops.quote_name

    def col(model, name: str) -> str:
        return qn(model._meta.get_field(name).column)

    return (
        f"SELECT {', '.join(part.sql for part in _schedule_parts())} "
        f"FROM {qn(DoctorSchedule._meta.db_table)} s "
        f"JOIN {qn(User._meta.db_table)} d "
        f"ON d.{qn(User._meta.pk.column)} = s.{col(DoctorSchedule, 'doctor')} "
        f"LEFT JOIN {qn(Facility._meta.db_table)} f "
        f"ON f.{qn(Facility._meta.pk.column)} = d.{col(User, 'facility')} "
        f"LEFT JOIN {qn(Region._meta.db_table)} r "
        f"ON r.{qn(Region._meta.pk.column)} = f.{col(Facility, 'district')} "
        f"WHERE s.{col(DoctorSchedule, 'doctor')} = %s "
        f"AND s.{col(DoctorSchedule, 'is_active')} AND d.{col(User, 'is_active')} "
        f"AND d.{col(User, 'role')} = %s LIMIT 1"
    )


def _schedule_lookup(doctor_id: int) -> DoctorSchedule | None:
    sql = _SCHEDULE_SQL.get(connection.vendor)
    if sql is None:
        sql = _SCHEDULE_SQL[connection.vendor] = _schedule_lookup_sql()
    parts = _schedule_parts()
    with connection.cursor() as cursor:
        cursor.execute(sql, [doctor_id, User.Role.HEALTH_WORKER])
        row = cursor.fetchone()
    if row is None:
        return None
    objects, start = [], 0
    for part in parts:
        values = row[start : start + len(part)]
        start += len(part)
        objects.append(None if values[0] is None else part.instance(values))
    schedule, doctor, facility, district = objects
    if facility is not None:
        facility.district = district
    doctor.facility = facility
    schedule.doctor = doctor
    return schedule


def _check_slot(schedule: DoctorSchedule, start: datetime, now: datetime) -> datetime:
    """Validate `start` against the doctor's availability; return the slot's end."""
    tz = schedule.doctor.facility.tz
    local_day = start.astimezone(tz).date()
    error = rules.slot_error(
        start,
        windows=schedule_windows(schedule),
        leaves=schedule_leaves(schedule, local_day, local_day),
        policy=schedule_policy(schedule),
        tz=tz,
        now=now,
    )
    if error == TeleconsultErrorCode.SLOT_BEYOND_HORIZON:
        raise invalid_error(
            error, "start", days=settings.SIGAP_TELECONSULT_HORIZON_DAYS
        )
    if error:
        raise invalid_error(error, "start")
    return start + timedelta(minutes=schedule.slot_minutes)


def _clash(booking: Booking, now: datetime) -> tuple[str, dict] | None:
    """Why the booking's time is not free: the patient's own overlapping booking
    (named), someone else's booking of the doctor, or another patient's proposal
    holding it; with the message's parameters. Prepared SQL (`core.db.select_values`):
    this runs inside the booking's transaction."""
    rows = select_values(
        Booking,
        ("id", "start", "patient"),
        '"status" <> %s AND "start" < %s AND "end" > %s AND "id" <> %s '
        'AND ("doctor_id" = %s OR "patient_id" = %s) LIMIT 4',
        [
            Booking.Status.CANCELLED,
            connection.ops.adapt_datetimefield_value(booking.end),
            connection.ops.adapt_datetimefield_value(booking.start),
            booking.pk or 0,
            booking.doctor_id,
            booking.patient_id,
        ],
    )
    own = [(pk, start) for pk, start, patient in rows if patient == booking.patient_id]
    if own:
        pk, start = own[0]
        return TeleconsultErrorCode.PATIENT_BUSY, {
            "booking": f"#{pk}, {local_label(start, booking.patient.tz)}"
        }
    if rows:
        return TeleconsultErrorCode.SLOT_TAKEN, {}
    if held_slot_exists(
        doctor_id=booking.doctor_id,
        start=booking.start,
        end=booking.end,
        now=now,
        except_patient_id=booking.patient_id,
    ):
        return TeleconsultErrorCode.SLOT_HELD, {}
    return None


def _lock_parties(booking: Booking, *, patient: bool) -> None:
    """Serialise the writes that decide who holds a slot: every booking of this
    doctor (against proposals, which take the same lock to hold a slot) and, for a
    new booking, every booking of this patient (the cap counts them). Always in this
    order: patient, then doctor. SQLite: a no-op, the write lock taken at BEGIN
    IMMEDIATE serialises instead."""
    if patient:
        list(
            User.objects.select_for_update(no_key=True)
            .filter(pk=booking.patient_id)
            .values_list("pk")
        )
    schedule_lock(doctor_id=booking.doctor_id)


def _same_slot_booking(*, patient: User, doctor_id: int, start: datetime):
    """The patient's own active booking of exactly this doctor and start: the same
    request again (a network retry), answered with what it booked."""
    return (
        Booking.objects.filter(
            patient=patient,
            doctor_id=doctor_id,
            start=start,
            status=Booking.Status.BOOKED,
        )
        .select_related("doctor__facility__district", "facility")
        .first()
    )


def _limit_check(booking: Booking, now: datetime) -> None:
    limit = settings.SIGAP_TELECONSULT_MAX_ACTIVE_BOOKINGS
    upcoming = upcoming_bookings_of(patient_id=booking.patient_id, now=now)
    error = rules.booking_limit_error(active=len(upcoming), limit=limit)
    if error:
        tz = booking.patient.tz
        listed = ", ".join(f"#{b.pk} {local_label(b.start, tz)}" for b in upcoming)
        raise conflict(error, count=len(upcoming), limit=limit, bookings=listed)


def _claim_slot(
    booking: Booking,
    *,
    now: datetime,
    new: bool = False,
    capped: bool = False,
    **save_kwargs,
) -> Booking:
    """Lock, check and write in one short transaction; return what holds the slot.

    Validation reads happen before this on purpose: on SQLite the write lock is
    taken at BEGIN (IMMEDIATE), so the locked section is kept to these statements.
    A new booking the patient already holds (same doctor and start) is returned as
    it is. A lost race against a writer that skipped these locks surfaces as an
    IntegrityError from the unique or exclusion constraints, reported like the
    check would have.
    """
    try:
        with transaction.atomic():
            _lock_parties(booking, patient=new)
            if new:
                existing = _same_slot_booking(
                    patient=booking.patient,
                    doctor_id=booking.doctor_id,
                    start=booking.start,
                )
                if existing is not None:
                    return existing
                if capped:
                    _limit_check(booking, now)
            found = _clash(booking, now)
            if found:
                raise conflict(found[0], **found[1])
            booking.save(**save_kwargs)
    except IntegrityError as exc:
        found = _clash(booking, now)
        if found:
            raise conflict(found[0], **found[1]) from exc
        raise conflict(TeleconsultErrorCode.SLOT_TAKEN) from exc
    return booking


def booking_create(
    *,
    patient: User,
    doctor_id: int,
    start: datetime,
    reason: str = "",
    capped: bool = True,
    now: datetime | None = None,
) -> tuple[Booking, bool]:
    """Book a slot for a resident; returns (booking, created).

    Posting a slot the patient already holds with this doctor returns that booking
    (created False) rather than a conflict, so a retried request is harmless; its
    reason is not changed. `capped`: held to SIGAP_TELECONSULT_MAX_ACTIVE_BOOKINGS
    upcoming consultations (accepting a proposal is not, see proposal_accept).
    """
    now = now or timezone.now()
    consent_require(patient)
    existing = _same_slot_booking(patient=patient, doctor_id=doctor_id, start=start)
    if existing is not None:
        return existing, False
    schedule = _schedule_for(doctor_id)
    if schedule.doctor_id == patient.pk:
        raise invalid_error(TeleconsultErrorCode.UNKNOWN_DOCTOR, "doctor")
    end = _check_slot(schedule, start, now)
    booking = Booking(
        doctor=schedule.doctor,
        patient=patient,
        facility=schedule.doctor.facility,
        start=start,
        end=end,
        reason=reason.strip(),
        scheduled_at=now,
    )
    # Relations are known-good instances and overlap is the constraints' job; skip
    # the extra queries full_clean would spend re-checking them.
    booking.full_clean(
        exclude=["doctor", "patient", "facility"], validate_constraints=False
    )
    held = _claim_slot(booking, now=now, new=True, capped=capped, force_insert=True)
    return held, held is booking


def _tell(booking: Booking, *, to: User, kind: str, texts: dict, now: datetime) -> None:
    notify(
        user=to,
        kind=kind,
        text=texts,
        urgent=booking.start - now < timedelta(hours=12),
        dedupe_key=f"teleconsult:{booking.pk}:{kind}:{booking.scheduled_at.timestamp()}",
        data={"booking_id": booking.pk},
        subject=booking.patient,
    )


# Each party's message is worded for its reader. The patient's free-text reason never
# goes into the doctor's message (it could name or describe the patient, and it would
# outlive an erasure in the doctor's outbox), nor the doctor's into an SMS: both are
# in the booking (`cancel_reason`) in the app and the API.
CANCEL_TEXTS = {
    Booking.Party.PATIENT: {
        "id": "Pasien {patient} membatalkan konsultasi {when}. Slot itu terbuka lagi "
        "untuk pasien lain.",
        "en": "Patient {patient} cancelled the consultation at {when}. The slot is "
        "open to other patients again.",
    },
    Booking.Party.DOCTOR: {
        "id": "Konsultasi Anda dengan {doctor} pada {when} dibatalkan oleh dokter. "
        "Silakan pesan jadwal lain di aplikasi.",
        "en": "{doctor} cancelled your consultation at {when}. Book another time "
        "in the app.",
    },
    "leave": {
        "id": "Konsultasi Anda dengan {doctor} pada {when} dibatalkan karena dokter "
        "berhalangan. Silakan pesan jadwal lain di aplikasi.",
        "en": "Your consultation with {doctor} at {when} was cancelled because the "
        "doctor is unavailable. Book another time in the app.",
    },
}
REASON_IN_APP = {
    "id": " Alasannya dapat dibaca di aplikasi.",
    "en": " The reason is shown in the app.",
}
LEAVE_REASON = "Dokter berhalangan"


def booking_cancel_write(
    booking: Booking, *, party: str, reason: str, now: datetime, on_leave: bool = False
) -> Booking:
    """Cancel a locked, active booking and tell the other party (the patient, when
    the doctor's leave cancels it). The caller checked who may cancel it, and when."""
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = party
    booking.cancel_reason = reason.strip()
    booking.full_clean(
        exclude=["doctor", "patient", "facility"], validate_constraints=False
    )
    booking.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "updated_at",
        ]
    )
    to = booking.patient if party == Booking.Party.DOCTOR else booking.doctor
    template = CANCEL_TEXTS["leave" if on_leave else party]
    values = {
        "when": local_label(booking.start, to.tz),
        "patient": initials(booking.patient.full_name),
        "doctor": booking.doctor.full_name,
    }
    texts = {lang: text.format(**values) for lang, text in template.items()}
    if booking.cancel_reason and not on_leave:
        texts = {lang: text + REASON_IN_APP[lang] for lang, text in texts.items()}
    _tell(booking, to=to, kind="teleconsult.cancelled", texts=texts, now=now)
    return booking


@transaction.atomic
def booking_cancel(
    *, booking_id: int, user: User, reason: str = "", now: datetime | None = None
) -> Booking:
    """The patient (with notice) or the doctor (until the start) cancels; the other
    party is told and the slot is free again at once."""
    now = now or timezone.now()
    booking = booking_lock(booking_id=booking_id, user=user)
    party = booking.party_of(user)
    if booking.status != Booking.Status.BOOKED:
        raise conflict(TeleconsultErrorCode.BOOKING_NOT_ACTIVE)
    schedule = DoctorSchedule.objects.filter(doctor_id=booking.doctor_id).first()
    notice = timedelta(minutes=schedule.cancel_notice_minutes if schedule else 0)
    error = rules.cancel_error(
        start=booking.start,
        now=now,
        cancel_notice=notice,
        by_doctor=party == Booking.Party.DOCTOR,
    )
    if error:
        raise invalid_error(error)
    return booking_cancel_write(booking, party=party, reason=reason, now=now)


@transaction.atomic
def booking_reschedule(
    *, booking_id: int, user: User, start: datetime, now: datetime | None = None
) -> Booking:
    """Move a booking to another slot of the same doctor (at most twice)."""
    now = now or timezone.now()
    booking = booking_lock(booking_id=booking_id, user=user)
    if booking.party_of(user) != Booking.Party.PATIENT:
        raise invalid_error(TeleconsultErrorCode.PATIENT_ONLY, status=403)
    if booking.status != Booking.Status.BOOKED:
        raise conflict(TeleconsultErrorCode.BOOKING_NOT_ACTIVE)
    schedule = _schedule_for(booking.doctor_id)
    error = rules.reschedule_error(
        start=booking.start,
        now=now,
        cancel_notice=schedule_policy(schedule).cancel_notice,
        reschedule_count=booking.reschedule_count,
    )
    if error:
        raise invalid_error(error)
    if start == booking.start:
        raise invalid_error(TeleconsultErrorCode.SAME_SLOT, "start")
    previous = booking.start
    end = _check_slot(schedule, start, now)
    booking.start, booking.end = start, end
    booking.reschedule_count += 1
    booking.scheduled_at = now
    booking.reminder_24h_sent_at = booking.reminder_1h_sent_at = None
    booking.full_clean(
        exclude=["doctor", "patient", "facility"], validate_constraints=False
    )
    _claim_slot(
        booking,
        now=now,
        update_fields=[
            "start",
            "end",
            "reschedule_count",
            "scheduled_at",
            "reminder_24h_sent_at",
            "reminder_1h_sent_at",
            "updated_at",
        ],
    )
    tz = booking.doctor.tz
    _tell(
        booking,
        to=booking.doctor,
        kind="teleconsult.rescheduled",
        texts={
            "id": f"Pasien {initials(booking.patient.full_name)} memindahkan "
            f"konsultasi {local_label(previous, tz)} ke {local_label(start, tz)}.",
            "en": f"Patient {initials(booking.patient.full_name)} moved the "
            f"consultation at {local_label(previous, tz)} to "
            f"{local_label(start, tz)}.",
        },
        now=now,
    )
    return booking
