"""Output shapes shared by the teleconsultation views.

Times: `start`/`end` are UTC ("...Z"); `*_local` fields carry the same instant with
the offset of the zone named (the requester's, the doctor's, the patient's).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone
from rest_framework import serializers

from core.api.pagination import CursorPagination
from core.i18n import tr_lazy
from core.rules import WIB_ZONE
from isolation.teleconsult import rules
from isolation.teleconsult.models import Booking, ConsultationProposal


def iso_utc(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def iso_local(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).isoformat()


def requester_tz(request, override: str | None = None) -> ZoneInfo:
    if override:
        return ZoneInfo(override)
    user = request.user
    return user.tz if user.is_authenticated else WIB_ZONE


class FreeSlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    doctor_local = serializers.CharField(help_text="Start in the doctor's time zone.")
    local = serializers.CharField(help_text="Start in the requester's time zone.")


class FreeSlotFacilitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FreeSlotDoctorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    facility = FreeSlotFacilitySerializer()
    timezone = serializers.CharField()
    tz_label = serializers.CharField()
    slot_minutes = serializers.IntegerField()
    slots = FreeSlotSerializer(many=True)


class SlotListingSerializer(serializers.Serializer):
    """Documents the response of the slot listing (built by `slot_listing`)."""

    timezone = serializers.CharField()
    tz_label = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    count = serializers.IntegerField()
    doctors = FreeSlotDoctorSerializer(many=True)


def slot_listing(entries, tz: ZoneInfo) -> list[dict]:
    """Doctors with their free slots, each slot in UTC, the doctor's time and the
    requester's time. Hand-built: a facility's 14 days run to thousands of slots,
    and doctors sharing hours share the same slot dicts."""
    rows: dict[tuple, dict] = {}
    doctors = []
    for entry in entries:
        zone, slots = entry.tz, []
        for slot in entry.slots:
            key = (slot, zone.key)
            row = rows.get(key)
            if row is None:
                row = rows[key] = {
                    "start": iso_utc(slot.start),
                    "end": iso_utc(slot.end),
                    "doctor_local": iso_local(slot.start, zone),
                    "local": iso_local(slot.start, tz),
                }
            slots.append(row)
        doctors.append(
            {
                "id": entry.doctor_id,
                "name": entry.name,
                "facility": {"id": entry.facility_id, "name": entry.facility_name},
                "timezone": zone.key,
                "tz_label": rules.zone_abbreviation(zone),
                "slot_minutes": entry.slot_minutes,
                "slots": slots,
            }
        )
    return doctors


class TimeZoneField(serializers.CharField):
    default_error_messages = {
        "zone": tr_lazy(
            {
                "id": "Zona waktu tidak dikenal (mis. Asia/Jayapura).",
                "en": "Unknown time zone (e.g. Asia/Jayapura).",
            }
        )
    }

    def to_internal_value(self, value):
        value = super().to_internal_value(value)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail("zone")
        return value


class BookingPagination(CursorPagination):
    ordering = "-start"


class MessagePagination(CursorPagination):
    # Ids grow with arrival; timestamps can tie within a burst.
    ordering = "-id"


class DoctorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")
    facility = serializers.SerializerMethodField()
    timezone = serializers.SerializerMethodField()

    def get_facility(self, doctor) -> dict:
        return {"id": doctor.facility_id, "name": doctor.facility.name}

    def get_timezone(self, doctor) -> str:
        return doctor.tz.key


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class BookingOutputSerializer(serializers.Serializer):
    """Needs context {"tz": the requester's ZoneInfo}."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    doctor = DoctorRefSerializer()
    patient = PersonRefSerializer()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    timezone = serializers.SerializerMethodField()
    start_local = serializers.SerializerMethodField()
    start_doctor_local = serializers.SerializerMethodField()
    start_patient_local = serializers.SerializerMethodField()
    reason = serializers.CharField()
    reschedule_count = serializers.IntegerField()
    reschedules_left = serializers.SerializerMethodField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    cancelled_by = serializers.CharField()
    cancel_reason = serializers.CharField()
    has_outcome = serializers.SerializerMethodField()
    room = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_timezone(self, booking: Booking) -> str:
        return self.context["tz"].key

    def get_start_local(self, booking: Booking) -> str:
        return iso_local(booking.start, self.context["tz"])

    def get_start_doctor_local(self, booking: Booking) -> str:
        return iso_local(booking.start, booking.doctor.tz)

    def get_start_patient_local(self, booking: Booking) -> str:
        return iso_local(booking.start, booking.patient.tz)

    def get_reschedules_left(self, booking: Booking) -> int:
        return max(rules.MAX_RESCHEDULES - booking.reschedule_count, 0)

    def get_has_outcome(self, booking: Booking) -> bool:
        return bool(booking.outcome_note)

    def get_room(self, booking: Booking) -> dict:
        return {
            "path": f"/ws/teleconsult/{booking.pk}/",
            "opens_at": iso_utc(rules.room_opens_at(booking.start)),
            "closes_at": iso_utc(rules.room_closes_at(booking.end)),
        }


class MessageOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sender = serializers.SerializerMethodField()
    sender_name = serializers.CharField(source="sender.full_name")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_sender(self, message) -> str:
        return (
            "patient" if message.sender_id == message.booking.patient_id else "doctor"
        )


class ProposalOutputSerializer(serializers.Serializer):
    """Needs context {"tz": the requester's ZoneInfo}."""

    id = serializers.IntegerField()
    status = serializers.SerializerMethodField()
    doctor = DoctorRefSerializer()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    start_local = serializers.SerializerMethodField()
    start_doctor_local = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField(
        help_text="Until then (while proposed) the slot is held for the patient: "
        "nobody else can book it. Never after `start`."
    )
    booking = serializers.IntegerField(source="booking_id", allow_null=True)
    referral_hospitals = serializers.JSONField(
        help_text="Referral hospitals: free beds of the needed kind first, then nearest"
    )
    created_at = serializers.DateTimeField()

    def get_status(self, proposal: ConsultationProposal) -> str:
        # The periodic job marks it expired within a minute; say so already.
        if (
            proposal.status == ConsultationProposal.Status.PROPOSED
            and proposal.expires_at <= timezone.now()
        ):
            return ConsultationProposal.Status.EXPIRED
        return proposal.status

    def get_start_local(self, proposal: ConsultationProposal) -> str:
        return iso_local(proposal.start, self.context["tz"])

    def get_start_doctor_local(self, proposal: ConsultationProposal) -> str:
        return iso_local(proposal.start, proposal.doctor.tz)
