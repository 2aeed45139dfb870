from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.rules import WIB
from isolation import rules


class Slot(models.TextChoices):
    # "am" < "pm" as strings, so (slot_date, slot) sorts chronologically in SQL too.
    MORNING = rules.MORNING, "Pagi"
    EVENING = rules.EVENING, "Sore"


class Isolation(models.Model):
    """One period of isolation of one patient, monitored by one facility."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Dalam isolasi"
        RELEASED = "released", "Selesai isolasi"
        REFERRED = "referred", "Dirujuk ke rumah sakit"
        LOST = "lost_to_follow_up", "Tidak dapat dipantau"
        DIED = "died", "Meninggal"

    class Reason(models.TextChoices):
        POSITIVE_TEST = "positive_test", "Hasil tes positif"
        HIGH_SELFCHECK = "high_selfcheck", "Cek mandiri risiko tinggi"
        CLOSE_CONTACT = "close_contact", "Kontak erat"
        OTHER = "other", "Lainnya"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="isolations"
    )
    facility = models.ForeignKey(
        "core.Facility", on_delete=models.PROTECT, related_name="isolations"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    test_date = models.DateField("tanggal tes", null=True, blank=True)
    symptom_onset = models.DateField("awal gejala", null=True, blank=True)
    start_date = models.DateField("mulai isolasi")
    # When monitoring began: slots expected before it are not counted as missed.
    started_at = models.DateTimeField(default=timezone.now)
    timezone = models.CharField(max_length=32, default=WIB)
    last_symptom_day = models.DateField(null=True, blank=True)
    extended_until = models.DateField(null=True, blank=True)
    estimated_end = models.DateField("perkiraan selesai")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    referral_facility = models.ForeignKey(
        "core.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referred_isolations",
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "isolasi"
        verbose_name_plural = "isolasi"
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="active"),
                name="isolation_one_active_per_patient",
            ),
            models.CheckConstraint(
                condition=~Q(status="referred") | Q(referral_facility__isnull=False),
                name="isolation_referral_has_facility",
            ),
            models.CheckConstraint(
                condition=Q(status="active") | Q(ended_at__isnull=False),
                name="isolation_final_status_has_end",
            ),
        ]
        indexes = [
            models.Index(fields=["facility", "status"]),
            models.Index(fields=["status", "timezone", "started_at"]),
        ]

    def __str__(self) -> str:
        return f"isolation #{self.pk}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def local_today(self, now: dt.datetime | None = None) -> dt.date:
        return (now or timezone.now()).astimezone(self.tz).date()


class IsolationRequest(models.Model):
    """A resident asks their puskesmas to monitor their isolation."""

    class Status(models.TextChoices):
        PENDING = "pending", "Menunggu konfirmasi"
        CONFIRMED = "confirmed", "Dikonfirmasi"
        DECLINED = "declined", "Ditolak"

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="isolation_requests",
    )
    facility = models.ForeignKey(
        "core.Facility", on_delete=models.PROTECT, related_name="isolation_requests"
    )
    reason = models.CharField(max_length=20, choices=Isolation.Reason.choices)
    test_date = models.DateField(null=True, blank=True)
    symptom_onset = models.DateField(null=True, blank=True)
    assessment_id = models.UUIDField(null=True, blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    isolation = models.OneToOneField(
        Isolation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "permintaan isolasi"
        verbose_name_plural = "permintaan isolasi"
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="pending"),
                name="isolation_request_one_pending_per_patient",
            ),
        ]
        indexes = [models.Index(fields=["facility", "status"])]

    def __str__(self) -> str:
        return f"isolation request #{self.pk}"


class CheckIn(models.Model):
    """One twice-daily report. ``client_id`` makes offline retries idempotent."""

    # Indexed as the leading column of checkin_client_id_unique and the slot index.
    isolation = models.ForeignKey(
        Isolation, on_delete=models.CASCADE, related_name="checkins", db_index=False
    )
    client_id = models.CharField(max_length=64)
    measured_at = models.DateTimeField()
    slot_date = models.DateField()
    slot = models.CharField(max_length=2, choices=Slot.choices)
    temperature = models.DecimalField(
        "suhu (°C)",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(rules.TEMPERATURE_RANGE[0]),
            MaxValueValidator(rules.TEMPERATURE_RANGE[1]),
        ],
    )
    spo2 = models.PositiveSmallIntegerField(
        "SpO2 (%)",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(rules.SPO2_RANGE[0]),
            MaxValueValidator(rules.SPO2_RANGE[1]),
        ],
    )
    breathing_rate = models.PositiveSmallIntegerField(
        "napas per menit",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(rules.BREATHING_RATE_RANGE[0]),
            MaxValueValidator(rules.BREATHING_RATE_RANGE[1]),
        ],
    )
    # None: the report did not answer about symptoms; [] is the answer "none".
    symptoms = models.JSONField(null=True, blank=True, default=None)
    danger_signs = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    danger = models.BooleanField(default=False)
    unwell = models.BooleanField(default=False)
    # Received SIGAP_LATE_CHECKIN_HOURS after its slot closed: shown, marked late, and
    # not counted as the slot reported (rules.received_late).
    late = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-measured_at"]
        verbose_name = "laporan harian"
        verbose_name_plural = "laporan harian"
        constraints = [
            models.UniqueConstraint(
                fields=["isolation", "client_id"], name="checkin_client_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(spo2__isnull=True) | Q(spo2__gte=50, spo2__lte=100),
                name="checkin_spo2_range",
            ),
        ]
        indexes = [models.Index(fields=["isolation", "slot_date", "slot"])]

    def __str__(self) -> str:
        return f"check-in #{self.pk}"


class Alert(models.Model):
    """Stored first, delivered second, acknowledged by a person.

    Missed and release-due alerts are unique per (isolation, kind, slot) so a re-run
    of the periodic job never duplicates one. Danger alerts are unique per check-in:
    a second dangerous report in the same slot must still reach the facility.
    """

    class Kind(models.TextChoices):
        DANGER = "danger", "Tanda bahaya"
        MISSED = "missed", "Dua laporan terlewat"
        RELEASE_DUE = "release_due", "Siap selesai isolasi"

    isolation = models.ForeignKey(
        Isolation, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    checkin = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    slot_date = models.DateField()
    slot = models.CharField(max_length=2, choices=Slot.choices)
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "peringatan"
        verbose_name_plural = "peringatan"
        constraints = [
            models.UniqueConstraint(
                fields=["isolation", "kind", "slot_date", "slot"],
                condition=~Q(kind="danger"),
                name="alert_unique_per_slot",
            ),
            models.UniqueConstraint(
                fields=["checkin"],
                condition=Q(kind="danger"),
                name="alert_danger_unique_per_checkin",
            ),
            models.CheckConstraint(
                condition=~Q(kind="danger") | Q(checkin__isnull=False),
                name="alert_danger_has_checkin",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True)
                | Q(acknowledged_by__isnull=False),
                name="alert_ack_has_person",
            ),
        ]
        indexes = [
            models.Index(fields=["isolation", "kind", "acknowledged_at"]),
            models.Index(
                fields=["created_at"],
                condition=Q(delivered_at__isnull=True),
                name="alert_undelivered_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} alert #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None


class Note(models.Model):
    """A health worker's entry on the patient's timeline."""

    class Kind(models.TextChoices):
        NOTE = "note", "Catatan"
        STATUS = "status", "Perubahan status"
        EXTENSION = "extension", "Perpanjangan isolasi"
        ENROLMENT = "enrolment", "Mulai isolasi"

    isolation = models.ForeignKey(
        Isolation, on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "catatan"
        verbose_name_plural = "catatan"

    def __str__(self) -> str:
        return f"{self.kind} note #{self.pk}"


class EventCounter(models.Model):
    """Last dashboard event number per facility.

    Bumping this row takes a row lock held until commit, so event numbers are handed
    out in commit order: a dashboard replaying "everything after N" can never skip an
    event that committed late with a smaller number.
    """

    facility = models.OneToOneField(
        "core.Facility", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    last_seq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "penghitung peristiwa"
        verbose_name_plural = "penghitung peristiwa"

    def __str__(self) -> str:
        return f"event counter of facility #{self.pk}"


class DashboardEvent(models.Model):
    """What a facility's dashboard must show, numbered per facility for replay."""

    class Kind(models.TextChoices):
        CHECKIN = "checkin", "Laporan"
        ALERT = "alert", "Peringatan"
        ALERTS = "alerts", "Peringatan dari pemindaian"
        ALERT_ACK = "alert_ack", "Peringatan ditangani"
        PATIENT = "patient", "Perubahan pasien"

    # Indexed as the leading column of dashboard_event_seq_unique.
    facility = models.ForeignKey(
        "core.Facility", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    isolation = models.ForeignKey(
        Isolation, null=True, on_delete=models.CASCADE, related_name="events"
    )
    alert = models.ForeignKey(
        Alert, null=True, on_delete=models.CASCADE, related_name="events"
    )
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["facility", "seq"]
        verbose_name = "peristiwa dasbor"
        verbose_name_plural = "peristiwa dasbor"
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "seq"], name="dashboard_event_seq_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"event {self.facility_id}/{self.seq}"
