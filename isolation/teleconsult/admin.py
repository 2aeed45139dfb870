"""Admin for curators. Reasons, chat text and outcome notes are health data read
only by the two participants through the API (audited), so they are not shown here."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from isolation.teleconsult import rules
from isolation.teleconsult.models import (
    AvailabilityException,
    Booking,
    ConsultationProposal,
    DoctorSchedule,
    WeeklyAvailability,
)


class WeeklyAvailabilityFormSet(BaseInlineFormSet):
    """The same window rules as the API (no overlaps, at least one slot long)."""

    def clean(self) -> None:
        super().clean()
        forms = [
            f
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("start_time")
            and f.cleaned_data.get("end_time")
        ]
        windows = [
            rules.Window(
                f.cleaned_data["weekday"],
                f.cleaned_data["start_time"],
                f.cleaned_data["end_time"],
            )
            for f in forms
        ]
        minutes = self.instance.slot_minutes or rules.SLOT_MINUTES_CHOICES[0]
        errors = rules.window_errors(windows, minutes)
        for index, code in errors.items():
            forms[index].add_error(None, rules.MESSAGES[code]["id"])
        if errors:
            raise ValidationError("Periksa jam praktik yang ditandai.")


class WeeklyAvailabilityInline(admin.TabularInline):
    model = WeeklyAvailability
    formset = WeeklyAvailabilityFormSet
    extra = 0


class AvailabilityExceptionInline(admin.TabularInline):
    model = AvailabilityException
    extra = 0


@admin.register(DoctorSchedule)
class DoctorScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "doctor",
        "slot_minutes",
        "booking_notice_minutes",
        "cancel_notice_minutes",
        "is_active",
    ]
    list_filter = ["is_active", "doctor__facility"]
    search_fields = ["doctor__full_name"]
    raw_id_fields = ["doctor"]
    inlines = [WeeklyAvailabilityInline, AvailabilityExceptionInline]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["id", "start", "doctor", "facility", "status", "reschedule_count"]
    list_filter = ["status", "facility"]
    date_hierarchy = "start"
    raw_id_fields = ["doctor", "patient", "facility"]
    fields = [
        "doctor",
        "patient",
        "facility",
        "start",
        "end",
        "status",
        "reschedule_count",
        "scheduled_at",
        "cancelled_at",
        "cancelled_by",
        "patient_joined_at",
        "doctor_joined_at",
        "outcome_written_at",
        "reminder_24h_sent_at",
        "reminder_1h_sent_at",
        "created_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        # Bookings go through the API so the no-overlap checks and notices apply.
        return False


@admin.register(ConsultationProposal)
class ConsultationProposalAdmin(admin.ModelAdmin):
    list_display = ["id", "start", "doctor", "facility", "status", "alert_id"]
    list_filter = ["status"]
    raw_id_fields = ["patient", "doctor", "facility", "booking"]
    readonly_fields = ["created_at", "responded_at"]
