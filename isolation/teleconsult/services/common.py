"""Helpers shared by the teleconsultation services."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import translation

from core.exceptions import ApplicationError, Conflict, NotFound
from core.i18n import normalise_language, pick
from core.models import User
from isolation.teleconsult import rules
from isolation.teleconsult.error_codes import TeleconsultErrorCode
from isolation.teleconsult.models import Booking, DoctorSchedule

logger = logging.getLogger(__name__)

TEXTS: dict[str, dict[str, str]] = {
    **rules.MESSAGES,
    TeleconsultErrorCode.SLOT_TAKEN: {
        "id": "Slot ini baru saja dipesan orang lain; pilih waktu lain.",
        "en": "Someone else has just booked this slot; choose another time.",
    },
    TeleconsultErrorCode.PATIENT_BUSY: {
        "id": "Anda sudah punya konsultasi lain pada waktu itu ({booking}); batalkan "
        "atau jadwal ulang konsultasi itu dulu.",
        "en": "You already have another consultation at that time ({booking}); "
        "cancel or reschedule that one first.",
    },
    TeleconsultErrorCode.SLOT_HELD: {
        "id": "Slot ini sedang disediakan untuk pasien lain; pilih waktu lain.",
        "en": "This slot is being held for another patient; choose another time.",
    },
    TeleconsultErrorCode.BOOKING_LIMIT: {
        "id": "Anda sudah punya {count} konsultasi mendatang ({bookings}); batasnya "
        "{limit} per orang. Batalkan salah satu, atau pesan lagi setelah "
        "konsultasi selesai.",
        "en": "You already have {count} upcoming consultations ({bookings}); the "
        "limit is {limit} per person. Cancel one, or book again once a "
        "consultation is over.",
    },
    TeleconsultErrorCode.UNKNOWN_DOCTOR: {
        "id": "Dokter tidak ditemukan atau tidak menerima konsultasi.",
        "en": "No such doctor, or the doctor does not take consultations.",
    },
    TeleconsultErrorCode.BOOKING_NOT_FOUND: {
        "id": "Konsultasi tidak ditemukan.",
        "en": "Consultation not found.",
    },
    TeleconsultErrorCode.BOOKING_NOT_ACTIVE: {
        "id": "Konsultasi ini sudah dibatalkan atau selesai.",
        "en": "This consultation is already cancelled or finished.",
    },
    TeleconsultErrorCode.SAME_SLOT: {
        "id": "Pilih waktu yang berbeda dari jadwal sekarang.",
        "en": "Choose a time different from the current one.",
    },
    TeleconsultErrorCode.PATIENT_ONLY: {
        "id": "Hanya pasien yang dapat menjadwal ulang.",
        "en": "Only the patient can reschedule.",
    },
    TeleconsultErrorCode.DOCTOR_ONLY: {
        "id": "Hanya dokter konsultasi ini yang dapat menulis catatan hasil.",
        "en": "Only this consultation's doctor can write the outcome note.",
    },
    TeleconsultErrorCode.CONSULTATION_NOT_STARTED: {
        "id": "Catatan hasil dapat ditulis setelah konsultasi dimulai.",
        "en": "The outcome note can be written once the consultation has started.",
    },
    TeleconsultErrorCode.ROOM_CLOSED: {
        "id": "Ruang konsultasi belum dibuka atau sudah ditutup.",
        "en": "The consultation room is not open now.",
    },
    TeleconsultErrorCode.LEAVE_HAS_BOOKINGS: {
        "id": "Ada {count} konsultasi terjadwal pada waktu cuti ini ({bookings}). "
        'Kirim lagi dengan "cancel_bookings": true untuk membatalkannya; setiap '
        "pasien diberi tahu bahwa dokter berhalangan.",
        "en": "{count} booked consultation(s) fall in this leave ({bookings}). Send "
        'it again with "cancel_bookings": true to cancel them; each patient is '
        "told that the doctor is unavailable.",
    },
    TeleconsultErrorCode.EXCEPTION_NOT_FOUND: {
        "id": "Data cuti tidak ditemukan.",
        "en": "Leave entry not found.",
    },
    TeleconsultErrorCode.PROPOSAL_NOT_FOUND: {
        "id": "Usulan tidak ditemukan.",
        "en": "Proposal not found.",
    },
    TeleconsultErrorCode.PROPOSAL_NOT_OPEN: {
        "id": "Usulan ini sudah tidak berlaku.",
        "en": "This proposal is no longer open.",
    },
    TeleconsultErrorCode.MESSAGE_EMPTY: {
        "id": "Pesan tidak boleh kosong.",
        "en": "The message is empty.",
    },
    TeleconsultErrorCode.NOT_HEALTH_WORKER: {
        "id": "Hanya tenaga kesehatan dengan fasilitas yang dapat membuka jadwal.",
        "en": "Only health workers attached to a facility can publish availability.",
    },
}


def message_text(code: str, **params) -> str:
    """The message for `code` in the active request language, `params` filled in."""
    text = pick(TEXTS[code], normalise_language(translation.get_language()))
    return text.format(**params) if params else text


def invalid_error(
    code: str, field: str | None = None, *, status: int = 400, **params
) -> ApplicationError:
    message = message_text(code, **params)
    return ApplicationError(
        message, code=code, fields={field: message} if field else None, status=status
    )


def conflict(code: str, **params) -> Conflict:
    return Conflict(message_text(code, **params), code=code)


def not_found(code: str = TeleconsultErrorCode.BOOKING_NOT_FOUND) -> NotFound:
    return NotFound(message_text(code), code=code)


def local_label(instant: datetime, tz: ZoneInfo) -> str:
    """'03/03/2025 08:00 WIB' for messages (numbers read the same in id and en)."""
    return f"{instant.astimezone(tz):%d/%m/%Y %H:%M} {rules.zone_abbreviation(tz)}"


def booking_lock(*, booking_id: int, user: User) -> Booking:
    """The caller's booking, row-locked until commit (SQLite: the write lock held
    since BEGIN IMMEDIATE serialises instead)."""
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("doctor__facility__district", "patient__profile__home_village")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or booking.party_of(user) is None:
        raise not_found()
    return booking


def schedule_lock(*, doctor_id: int) -> None:
    """Lock the doctor's schedule row until commit: bookings and proposals of one
    doctor take it before deciding that a slot is free, so a slot is never both
    booked by one resident and held for another (no constraint spans the two
    tables)."""
    list(
        DoctorSchedule.objects.select_for_update(no_key=True)
        .filter(doctor_id=doctor_id)
        .values_list("pk")
    )


def room_broadcast(group: str, message: dict) -> None:
    """Send to a websocket group after commit; a failing channel layer only logs."""

    def send() -> None:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(
                group, {"type": "room.event", "event": message}
            )
        except Exception:  # the message is stored; clients re-read the history
            logger.warning("teleconsult broadcast to %s failed", group, exc_info=True)

    transaction.on_commit(send)


def room_group(booking_id: int) -> str:
    return f"teleconsult.booking.{booking_id}"
