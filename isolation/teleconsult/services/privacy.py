"""A resident's teleconsultation data for export and erasure (UU PDP)."""

from __future__ import annotations

from django.utils import timezone

from core.i18n import tr
from core.models import User
from isolation.teleconsult.models import Booking, ConsultationProposal
from isolation.teleconsult.selectors import not_over


def teleconsult_export(user: User) -> dict:
    bookings = Booking.objects.filter(patient=user).select_related("doctor", "facility")
    return {
        "bookings": [
            {
                "id": b.pk,
                "doctor": b.doctor.full_name,
                "facility": b.facility.name,
                "start": b.start.isoformat(),
                "end": b.end.isoformat(),
                "status": b.status,
                "reason": b.reason,
                "outcome_note": b.outcome_note,
                "messages": [
                    {
                        "from": "patient" if m.sender_id == user.pk else "doctor",
                        "text": m.text,
                        "at": m.created_at.isoformat(),
                    }
                    for m in b.messages.all()
                ],
            }
            for b in bookings.prefetch_related("messages")
        ],
        "proposals": list(
            ConsultationProposal.objects.filter(patient=user).values(
                "start", "end", "status", "created_at"
            )
        ),
    }


def teleconsult_erasure_blockers(user: User) -> dict[str, str]:
    """An upcoming consultation is an appointment of two people: cancel it first, so
    the other one is told, instead of the booking vanishing from their schedule. That
    holds for the patient's bookings and for a health worker's, as the doctor. One
    under way blocks until its end whatever its status (an outcome note written at
    the start completes it), so the doctor's chat and note stay while it runs."""
    upcoming = Booking.objects.filter(not_over(timezone.now()))
    blockers = {}
    as_patient = upcoming.filter(patient=user).count()
    if as_patient:
        blockers["bookings"] = tr(
            {
                "id": "{count} jadwal konsultasi belum lewat; batalkan dulu di daftar "
                "konsultasi Anda.",
                "en": "{count} consultation(s) still ahead; cancel them first in your "
                "list of consultations.",
            },
            count=as_patient,
        )
    as_doctor = upcoming.filter(doctor=user).count()
    if as_doctor:
        blockers["appointments"] = tr(
            {
                "id": "{count} konsultasi pasien dengan Anda sebagai dokter belum "
                "lewat; batalkan dulu di jadwal konsultasi agar pasien diberi tahu.",
                "en": "{count} patient consultation(s) with you as the doctor still "
                "ahead; cancel them first in the consultation schedule so the "
                "patients are told.",
            },
            count=as_doctor,
        )
    return blockers


def teleconsult_erase(user: User) -> None:
    ConsultationProposal.objects.filter(patient=user).delete()
    # Messages go with their booking (CASCADE).
    Booking.objects.filter(patient=user).delete()
