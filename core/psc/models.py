"""PSC 119 escalations (after Sikesta): a resident in danger, their location and the
minimum health data, handed to their kabupaten/kota's Public Safety Center."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Escalation(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "Baru"
        TAKEN = "taken", "Ditangani"
        DISPATCHED = "dispatched", "Ambulans diberangkatkan"
        REFERRED = "referred", "Dirujuk"
        RESOLVED = "resolved", "Selesai"
        CANCELLED = "cancelled", "Dibatalkan"

    class Source(models.TextChoices):
        APP = "app", "Aplikasi"
        CHATBOT = "chatbot", "Chatbot"
        NURSE = "nurse", "Tenaga kesehatan (dasbor)"

    class Trigger(models.TextChoices):
        SELFCHECK = "selfcheck", "Cek mandiri gawat darurat"
        CHECKIN = "checkin", "Laporan isolasi dengan tanda bahaya"
        ALERT = "alert", "Peringatan tanda bahaya"

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="escalations"
    )
    region = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
        verbose_name="kab/kota (PSC)",
    )
    district = models.ForeignKey(
        "core.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="kecamatan",
    )
    source = models.CharField(max_length=8, choices=Source.choices)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_key = models.CharField(max_length=64, blank=True)
    # Plain ids: the triggers live in other apps with their own retention.
    assessment_id = models.UUIDField(null=True, blank=True)
    checkin_id = models.BigIntegerField(null=True, blank=True)
    alert_id = models.BigIntegerField(null=True, blank=True)
    facility = models.ForeignKey(
        "core.Facility",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The isolation's facility (its nurses follow the case).",
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    location_source = models.CharField(max_length=12, blank=True)
    urgency = models.PositiveSmallIntegerField(default=2)
    # The minimum the PSC needs, copied with the resident's consent at the moment of
    # asking: latest vitals, danger signs, self-check level.
    health = models.JSONField(default=dict, blank=True)
    consent_at = models.DateTimeField()
    note = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    taken_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    referred_to = models.ForeignKey(
        "core.Facility",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "eskalasi PSC 119"
        verbose_name_plural = "eskalasi PSC 119"
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "client_key"],
                condition=~Q(client_key=""),
                name="escalation_client_key_unique",
            ),
            models.UniqueConstraint(
                fields=["alert_id"],
                condition=Q(alert_id__isnull=False),
                name="escalation_alert_once",
            ),
            models.CheckConstraint(
                # A resident may cancel before anyone takes it.
                condition=Q(status__in=["new", "cancelled"])
                | Q(taken_by__isnull=False),
                name="escalation_taken_has_operator",
            ),
        ]
        indexes = [
            models.Index(
                fields=["region", "status", "-urgency", "created_at"],
                name="escalation_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"escalation #{self.pk}"


class EscalationAction(models.Model):
    """The case's history: every step with who, when and a note."""

    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, related_name="actions"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(max_length=16)
    status = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "langkah eskalasi"
        verbose_name_plural = "langkah eskalasi"

    def __str__(self) -> str:
        return f"{self.action} on escalation #{self.escalation_id}"


class PscEventCounter(models.Model):
    """Last console event number per kabupaten/kota; its row lock numbers events in
    commit order (as isolation.EventCounter does for the nurses' dashboard)."""

    region = models.OneToOneField(
        "core.Region", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    last_seq = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "penghitung peristiwa PSC"
        verbose_name_plural = "penghitung peristiwa PSC"

    def __str__(self) -> str:
        return f"PSC event counter {self.pk}"


class PscEvent(models.Model):
    region = models.ForeignKey(
        "core.Region", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=16)
    escalation = models.ForeignKey(
        Escalation, on_delete=models.CASCADE, related_name="events"
    )
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["region", "seq"]
        verbose_name = "peristiwa konsol PSC"
        verbose_name_plural = "peristiwa konsol PSC"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "seq"], name="psc_event_seq_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"PSC event {self.region_id}/{self.seq}"
