"""Teleconsultation: doctors' weekly availability, bookings, the consultation itself.

Slots are not stored: they are generated from `WeeklyAvailability` on demand
(rules.generate_slots). A `Booking` holds one slot; two active bookings never
overlap for a doctor nor for a patient. The partial unique constraints below hold on
every database; on PostgreSQL migration 0002 adds exclusion constraints over
tstzrange(start, end) that catch any overlap, not just equal starts.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from isolation.teleconsult import rules

ACTIVE = ~Q(status="cancelled")
REASON_MAX_CHARS = 1000
MESSAGE_MAX_CHARS = 2000
OUTCOME_MAX_CHARS = 4000


class DoctorSchedule(models.Model):
    """A health worker's teleconsultation settings; weekly windows hang off it."""

    doctor = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="teleconsult_schedule",
        limit_choices_to={"role": "health_worker"},
    )
    slot_minutes = models.PositiveSmallIntegerField(
        "panjang slot (menit)",
        default=30,
        choices=[(m, f"{m} menit") for m in rules.SLOT_MINUTES_CHOICES],
    )
    booking_notice_minutes = models.PositiveIntegerField(
        "pemesanan paling lambat (menit sebelum)", default=60
    )
    cancel_notice_minutes = models.PositiveIntegerField(
        "pembatalan paling lambat (menit sebelum)", default=120
    )
    is_active = models.BooleanField("menerima konsultasi", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "jadwal dokter"
        verbose_name_plural = "jadwal dokter"
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__in=rules.SLOT_MINUTES_CHOICES),
                name="schedule_slot_minutes_allowed",
            ),
            models.CheckConstraint(
                condition=Q(booking_notice_minutes__lte=14 * 24 * 60)
                & Q(cancel_notice_minutes__lte=14 * 24 * 60),
                name="schedule_notice_at_most_14_days",
            ),
        ]

    def __str__(self) -> str:
        return f"schedule of user #{self.doctor_id}"


class WeeklyAvailability(models.Model):
    """One weekly window, wall-clock time in the doctor's facility zone."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Senin"
        TUESDAY = 1, "Selasa"
        WEDNESDAY = 2, "Rabu"
        THURSDAY = 3, "Kamis"
        FRIDAY = 4, "Jumat"
        SATURDAY = 5, "Sabtu"
        SUNDAY = 6, "Minggu"

    schedule = models.ForeignKey(
        DoctorSchedule, on_delete=models.CASCADE, related_name="windows"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField("mulai")
    end_time = models.TimeField("selesai")

    class Meta:
        ordering = ["weekday", "start_time"]
        verbose_name = "jam praktik mingguan"
        verbose_name_plural = "jam praktik mingguan"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="window_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(weekday__lte=6), name="window_weekday_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class AvailabilityException(models.Model):
    """Leave: a whole local day (no times) or part of one."""

    schedule = models.ForeignKey(
        DoctorSchedule, on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField("tanggal")
    start_time = models.TimeField("mulai", null=True, blank=True)
    end_time = models.TimeField("selesai", null=True, blank=True)
    note = models.CharField("keterangan", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "start_time"]
        verbose_name = "cuti / pengecualian"
        verbose_name_plural = "cuti / pengecualian"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__isnull=True, end_time__isnull=True)
                | Q(
                    start_time__isnull=False,
                    end_time__isnull=False,
                    end_time__gt=models.F("start_time"),
                ),
                name="exception_whole_day_or_range",
            ),
        ]

    def __str__(self) -> str:
        return f"leave {self.date} of schedule #{self.schedule_id}"


class Booking(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Terjadwal"
        COMPLETED = "completed", "Selesai"
        NO_SHOW = "no_show", "Tidak hadir"
        CANCELLED = "cancelled", "Dibatalkan"

    class Party(models.TextChoices):
        PATIENT = "patient", "Pasien"
        DOCTOR = "doctor", "Dokter"

    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="teleconsult_appointments",
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="teleconsult_bookings",
    )
    facility = models.ForeignKey(
        "core.Facility", on_delete=models.PROTECT, related_name="teleconsult_bookings"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.BOOKED
    )
    reason = models.CharField("keluhan", max_length=REASON_MAX_CHARS, blank=True)
    reschedule_count = models.PositiveSmallIntegerField(default=0)
    # When the current start was chosen (creation or last reschedule): reminders that
    # fell due before it are skipped.
    scheduled_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.CharField(max_length=8, choices=Party.choices, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    patient_joined_at = models.DateTimeField(null=True, blank=True)
    doctor_joined_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.TextField(
        "catatan hasil",
        max_length=OUTCOME_MAX_CHARS,
        blank=True,
        validators=[MaxLengthValidator(OUTCOME_MAX_CHARS)],
    )
    outcome_written_at = models.DateTimeField(null=True, blank=True)
    reminder_24h_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_1h_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start"]
        verbose_name = "konsultasi"
        verbose_name_plural = "konsultasi"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(reschedule_count__lte=rules.MAX_RESCHEDULES),
                name="booking_reschedule_limit",
            ),
            models.CheckConstraint(
                condition=~Q(doctor=models.F("patient")), name="booking_not_self"
            ),
            models.UniqueConstraint(
                fields=["doctor", "start"],
                condition=ACTIVE,
                name="booking_doctor_slot_unique",
            ),
            models.UniqueConstraint(
                fields=["patient", "start"],
                condition=ACTIVE,
                name="booking_patient_slot_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["doctor", "start"], name="booking_doctor_start"),
            models.Index(fields=["patient", "start"], name="booking_patient_start"),
            models.Index(fields=["status", "start"], name="booking_status_start"),
        ]

    def __str__(self) -> str:
        return f"booking #{self.pk} {self.start:%Y-%m-%d %H:%M} UTC"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "Waktu selesai harus setelah waktu mulai."})

    def party_of(self, user) -> str | None:
        if user.pk == self.patient_id:
            return self.Party.PATIENT
        if user.pk == self.doctor_id:
            return self.Party.DOCTOR
        return None


class ConsultationMessage(models.Model):
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField(
        max_length=MESSAGE_MAX_CHARS, validators=[MaxLengthValidator(MESSAGE_MAX_CHARS)]
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "pesan konsultasi"
        verbose_name_plural = "pesan konsultasi"

    def __str__(self) -> str:
        return f"message #{self.pk} in booking #{self.booking_id}"


class ConsultationProposal(models.Model):
    """A slot offered to a patient after a danger-sign alert; accepting books it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Diusulkan"
        ACCEPTED = "accepted", "Diterima"
        DECLINED = "declined", "Ditolak"
        EXPIRED = "expired", "Kedaluwarsa"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="teleconsult_proposals",
    )
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    facility = models.ForeignKey(
        "core.Facility", on_delete=models.CASCADE, related_name="+"
    )
    # A plain id, not a foreign key: the alert lives in the isolation app and a
    # proposal must not block that app's migrations or retention.
    alert_id = models.BigIntegerField(null=True, blank=True, unique=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    # While proposed and until then, the slot is held for this patient: listed as taken
    # to everyone else and refused to their bookings (never past the slot's start).
    expires_at = models.DateTimeField("disediakan sampai")
    booking = models.OneToOneField(
        Booking,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
    )
    # Referral hospitals ranked by free beds of the kind the danger calls for, then
    # distance, as they stood when the alert came in.
    referral_hospitals = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "usulan konsultasi"
        verbose_name_plural = "usulan konsultasi"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="proposal_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__lte=models.F("start")),
                name="proposal_held_until_start_at_most",
            ),
        ]
        indexes = [
            models.Index(
                fields=["doctor", "start"],
                condition=Q(status="proposed"),
                name="proposal_open_doctor_start",
            ),
        ]

    def __str__(self) -> str:
        return f"proposal #{self.pk} for user #{self.patient_id}"
