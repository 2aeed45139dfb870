"""What the dialogue engine keeps: chat state, link codes, area subscriptions and
conversations handed to staff."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

CHANNELS = [("telegram", "Telegram"), ("whatsapp", "WhatsApp"), ("web", "Web/app")]


class ChatSession(models.Model):
    """One chat's state: the durable copy (the cache holds the hot one)."""

    channel = models.CharField(max_length=16, choices=CHANNELS)
    chat_id = models.CharField(max_length=64)
    language = models.CharField(max_length=2, blank=True)  # "" = not chosen yet
    flow = models.CharField(max_length=32, blank=True)
    step = models.CharField(max_length=32, blank=True)
    data = models.JSONField(default=dict, blank=True)
    link_failures = models.PositiveSmallIntegerField(default=0)
    link_window_started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "sesi chat"
        verbose_name_plural = "sesi chat"
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "chat_id"], name="chat_session_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} chat #{self.pk}"


class LinkCode(models.Model):
    """A one-time code shown in the app to link a chat; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    code_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "kode tautan chat"
        verbose_name_plural = "kode tautan chat"

    def __str__(self) -> str:
        return f"link code #{self.pk}"


class Subscription(models.Model):
    """A chat that asked for announcements about one area."""

    channel = models.CharField(max_length=16, choices=CHANNELS)
    chat_id = models.CharField(max_length=64)
    region = models.ForeignKey(
        "core.Region", on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(max_length=2, default="id")
    created_at = models.DateTimeField(default=timezone.now)
    opted_out = models.BooleanField(default=False)
    opted_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "langganan info wilayah"
        verbose_name_plural = "langganan info wilayah"
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "chat_id", "region"], name="subscription_unique"
            )
        ]
        indexes = [models.Index(fields=["region", "opted_out"])]

    def __str__(self) -> str:
        return f"{self.channel} → {self.region_id}"


class Handoff(models.Model):
    """A conversation handed to a curator or health worker."""

    class Status(models.TextChoices):
        OPEN = "open", "Terbuka"
        CLOSED = "closed", "Selesai"

    channel = models.CharField("kanal", max_length=16, choices=CHANNELS)
    chat_id = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="akun warga",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chat_handoffs",
    )
    language = models.CharField("bahasa", max_length=2, default="id")
    # Who may read it: the puskesmas caring for the linked resident (set when it
    # opens), or the staff member it is assigned to; unlinked chats go to curators.
    facility = models.ForeignKey(
        "core.Facility",
        verbose_name="puskesmas",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ditugaskan ke",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        "status", max_length=8, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField("dibuka", default=timezone.now)
    last_message_at = models.DateTimeField("pesan terakhir", default=timezone.now)
    closed_at = models.DateTimeField("ditutup", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ditutup oleh",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "percakapan dengan petugas"
        verbose_name_plural = "percakapan dengan petugas"
        ordering = ["-last_message_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "chat_id"],
                condition=models.Q(status="open"),
                name="one_open_handoff_per_chat",
            )
        ]

    def __str__(self) -> str:
        return f"Percakapan #{self.pk}"


class HandoffMessage(models.Model):
    class Direction(models.TextChoices):
        IN = "in", "Dari warga"
        OUT = "out", "Dari petugas"

    handoff = models.ForeignKey(
        Handoff, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField("arah", max_length=3, choices=Direction.choices)
    text = models.TextField("pesan", max_length=4000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="petugas",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("waktu", default=timezone.now)

    class Meta:
        verbose_name = "pesan"
        verbose_name_plural = "pesan"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} #{self.pk}"
