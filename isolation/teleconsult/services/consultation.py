"""The consultation itself: joining the room, chat messages, the outcome note."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.models import User
from core.rules import text_clean
from core.services.audit import audit_record
from core.services.notifications import notify
from isolation.teleconsult import rules
from isolation.teleconsult.error_codes import TeleconsultErrorCode
from isolation.teleconsult.models import Booking, ConsultationMessage
from isolation.teleconsult.services.common import (
    booking_lock,
    conflict,
    invalid_error,
    not_found,
    room_broadcast,
    room_group,
)


def _open_room(booking: Booking, now: datetime) -> None:
    if booking.status == Booking.Status.CANCELLED:
        raise conflict(TeleconsultErrorCode.BOOKING_NOT_ACTIVE)
    if not rules.room_is_open(start=booking.start, end=booking.end, now=now):
        raise invalid_error(TeleconsultErrorCode.ROOM_CLOSED, status=409)


def room_join(*, booking_id: int, user: User, now: datetime | None = None) -> Booking:
    """Let a participant into the room while it is open and note when each joined
    (a patient who joined is not a no-show)."""
    now = now or timezone.now()
    booking = (
        Booking.objects.filter(pk=booking_id)
        .only("id", "doctor_id", "patient_id", "status", "start", "end")
        .first()
    )
    party = booking.party_of(user) if booking else None
    if party is None:
        raise not_found()
    _open_room(booking, now)
    _mark_present(booking, party, now)
    return booking


def _mark_present(booking: Booking, party: str, now: datetime) -> None:
    field = f"{party}_joined_at"
    Booking.objects.filter(pk=booking.pk, **{f"{field}__isnull": True}).update(
        **{field: now}
    )


def message_payload(message: ConsultationMessage, booking: Booking) -> dict:
    return {
        "type": "message",
        "id": message.pk,
        "sender": booking.party_of(message.sender),
        "sender_name": message.sender.full_name,
        "text": message.text,
        "created_at": message.created_at.isoformat().replace("+00:00", "Z"),
    }


@transaction.atomic
def message_post(
    *, booking_id: int, sender: User, text: str, now: datetime | None = None
) -> ConsultationMessage:
    """Store a chat message, then push it to the room after commit."""
    now = now or timezone.now()
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None or booking.party_of(sender) is None:
        raise not_found()
    _open_room(booking, now)
    # Chatting over REST (no websocket) counts as showing up, too.
    _mark_present(booking, booking.party_of(sender), now)
    # Also for the websocket, which has no serializer: core.rules.text_clean.
    message = ConsultationMessage(
        booking=booking, sender=sender, text=text_clean(text).strip()
    )
    if not message.text:
        raise invalid_error(TeleconsultErrorCode.MESSAGE_EMPTY, "text")
    message.full_clean(exclude=["booking", "sender"])
    message.save()
    room_broadcast(room_group(booking.pk), message_payload(message, booking))
    return message


@transaction.atomic
def outcome_write(
    *, booking_id: int, doctor: User, note: str, now: datetime | None = None
) -> Booking:
    """The doctor's short outcome note (advice, referral, prescription text)."""
    now = now or timezone.now()
    booking = booking_lock(booking_id=booking_id, user=doctor)
    if booking.party_of(doctor) != Booking.Party.DOCTOR:
        raise invalid_error(TeleconsultErrorCode.DOCTOR_ONLY, status=403)
    if booking.status == Booking.Status.CANCELLED:
        raise conflict(TeleconsultErrorCode.BOOKING_NOT_ACTIVE)
    if now < booking.start:
        raise invalid_error(TeleconsultErrorCode.CONSULTATION_NOT_STARTED)
    first = not booking.outcome_note
    booking.outcome_note = note.strip()
    booking.outcome_written_at = now
    booking.status = Booking.Status.COMPLETED
    booking.full_clean(
        exclude=["doctor", "patient", "facility"], validate_constraints=False
    )
    booking.save(
        update_fields=["outcome_note", "outcome_written_at", "status", "updated_at"]
    )
    audit_record(
        actor=doctor,
        action="teleconsult.outcome.write",
        target=booking,
        patient=booking.patient,
    )
    if first:
        notify(
            user=booking.patient,
            kind="teleconsult.outcome",
            text={
                "id": "Catatan hasil konsultasi Anda sudah tersedia di aplikasi.",
                "en": "The note from your consultation is ready in the app.",
            },
            dedupe_key=f"teleconsult:{booking.pk}:outcome",
            data={"booking_id": booking.pk},
            subject=booking.patient,
        )
    return booking
