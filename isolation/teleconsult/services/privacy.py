"""A resident's teleconsultation data for export and erasure (UU PDP)."""

from __future__ import annotations

from django.utils import timezone

from core.models import User
from isolation.teleconsult.models import Booking, ConsultationProposal


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
    """An upcoming consultation is a doctor's appointment: cancel it first, so the
    doctor is told, instead of the booking vanishing from the schedule."""
    upcoming = Booking.objects.filter(
        patient=user, status=Booking.Status.BOOKED, end__gt=timezone.now()
    ).count()
    if not upcoming:
        return {}
    return {
        "bookings": f"{upcoming} jadwal konsultasi belum lewat; batalkan dulu "
        "(POST /api/v1/teleconsult/bookings/{id}/cancel)."
    }


def teleconsult_erase(user: User) -> None:
    ConsultationProposal.objects.filter(patient=user).delete()
    # Messages go with their booking (CASCADE).
    Booking.objects.filter(patient=user).delete()
