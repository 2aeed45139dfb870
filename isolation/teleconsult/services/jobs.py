"""Periodic work: reminders 24 h and 1 h before, no-shows 15 minutes after start.

Both are safe to run twice, or in two workers at once: each row is claimed with a
conditional UPDATE (only one caller sees rowcount 1) before anyone is told.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.rules import initials
from core.services.notifications import notify
from isolation.teleconsult import rules
from isolation.teleconsult.models import Booking, ConsultationProposal
from isolation.teleconsult.services.common import local_label

_REMINDER_FIELDS = {
    rules.REMINDER_24H: "reminder_24h_sent_at",
    rules.REMINDER_1H: "reminder_1h_sent_at",
}


def _remind(booking: Booking, kind: str) -> None:
    # The doctor's reminder names the patient by initials only (as every message to
    # staff): the row stays in the doctor's outbox after the patient's erasure.
    patient = initials(booking.patient.full_name)
    doctor = booking.doctor.full_name
    for person, other in (
        (booking.patient, {"id": doctor, "en": doctor}),
        (booking.doctor, {"id": f"pasien {patient}", "en": f"patient {patient}"}),
    ):
        when = local_label(booking.start, person.tz)
        lead = {"24h": ("besok", "tomorrow"), "1h": ("1 jam lagi", "in 1 hour")}[kind]
        notify(
            user=person,
            kind=f"teleconsult.reminder_{kind}",
            text={
                "id": f"Pengingat: konsultasi dengan {other['id']} {lead[0]}, "
                f"{when}. Buka aplikasi untuk masuk ke ruang konsultasi.",
                "en": f"Reminder: your consultation with {other['en']} is "
                f"{lead[1]}, {when}. Open the app to join the room.",
            },
            # The 1 h reminder is useless after quiet hours end, so it goes now.
            urgent=kind == rules.REMINDER_1H,
            dedupe_key=f"teleconsult:{booking.pk}:reminder_{kind}:"
            f"{booking.start.timestamp()}",
            data={"booking_id": booking.pk},
            subject=booking.patient,
        )


def reminders_send_due(*, now: datetime | None = None) -> int:
    """Send every reminder that is due; returns how many bookings were reminded."""
    now = now or timezone.now()
    candidates = Booking.objects.filter(
        status=Booking.Status.BOOKED,
        start__gt=now,
        start__lte=now + rules.REMINDER_OFFSETS[rules.REMINDER_24H],
    ).only("id", "start", "scheduled_at", "reminder_24h_sent_at", "reminder_1h_sent_at")
    sent = 0
    for booking in candidates:
        already = {k for k, f in _REMINDER_FIELDS.items() if getattr(booking, f)}
        for kind in rules.reminders_due(
            start=booking.start, booked_at=booking.scheduled_at, now=now, sent=already
        ):
            sent += _reminder_send(
                booking_id=booking.pk, start=booking.start, kind=kind, now=now
            )
    return sent


@transaction.atomic
def _reminder_send(
    *, booking_id: int, start: datetime, kind: str, now: datetime
) -> int:
    field = _REMINDER_FIELDS[kind]
    # The claim: whoever flips the marker from NULL sends; a second run (or a
    # concurrent worker) updates nothing and sends nothing. `start` guards against a
    # reschedule since the candidate was read.
    claimed = Booking.objects.filter(
        pk=booking_id,
        start=start,
        status=Booking.Status.BOOKED,
        **{f"{field}__isnull": True},
    ).update(**{field: now})
    if not claimed:
        return 0
    booking = Booking.objects.select_related(
        "doctor__facility__district", "patient__profile__home_village"
    ).get(pk=booking_id)
    _remind(booking, kind)
    return 1


def bookings_settle(*, now: datetime | None = None) -> dict[str, int]:
    """Mark no-shows 15 minutes after start, close consultations whose room closed
    and expire proposals whose hold has run out (at the latest, their slot's start)."""
    now = now or timezone.now()
    no_show_ids = list(
        Booking.objects.filter(
            status=Booking.Status.BOOKED,
            patient_joined_at__isnull=True,
            start__lte=now - rules.NO_SHOW_GRACE,
        ).values_list("pk", flat=True)
    )
    marked = 0
    for pk in no_show_ids:
        marked += _no_show_mark(booking_id=pk, now=now)
    completed = Booking.objects.filter(
        status=Booking.Status.BOOKED,
        patient_joined_at__isnull=False,
        end__lte=now - rules.ROOM_CLOSES_AFTER,
    ).update(status=Booking.Status.COMPLETED, updated_at=now)
    expired = ConsultationProposal.objects.filter(
        status=ConsultationProposal.Status.PROPOSED, expires_at__lte=now
    ).update(status=ConsultationProposal.Status.EXPIRED)
    return {"no_show": marked, "completed": completed, "proposals_expired": expired}


@transaction.atomic
def _no_show_mark(*, booking_id: int, now: datetime) -> int:
    claimed = Booking.objects.filter(
        pk=booking_id, status=Booking.Status.BOOKED, patient_joined_at__isnull=True
    ).update(status=Booking.Status.NO_SHOW, updated_at=now)
    if not claimed:
        return 0
    booking = Booking.objects.select_related("patient__profile__home_village").get(
        pk=booking_id
    )
    notify(
        user=booking.patient,
        kind="teleconsult.no_show",
        text={
            "id": f"Anda tidak hadir pada konsultasi "
            f"{local_label(booking.start, booking.patient.tz)}. "
            "Silakan pesan jadwal baru bila masih perlu.",
            "en": "You missed your consultation at "
            f"{local_label(booking.start, booking.patient.tz)}. "
            "Book a new time if you still need one.",
        },
        dedupe_key=f"teleconsult:{booking.pk}:no_show",
        data={"booking_id": booking.pk},
        subject=booking.patient,
    )
    return 1
