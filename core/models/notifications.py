from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ChannelIdentity(models.Model):
    """A chat account (Telegram chat id, WhatsApp number) linked to a Sigap user."""

    class Channel(models.TextChoices):
        TELEGRAM = "telegram", "Telegram"
        WHATSAPP = "whatsapp", "WhatsApp"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="channel_identities",
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    external_id = models.CharField(max_length=64)
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "akun chat"
        verbose_name_plural = "akun chat"
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="channel_identity_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "channel"], name="one_identity_per_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} of user #{self.user_id}"


class Notification(models.Model):
    """Outbox row: one message to one person on one channel, delivered after commit."""

    class Channel(models.TextChoices):
        PUSH = "push", "Push"
        SMS = "sms", "SMS"
        TELEGRAM = "telegram", "Telegram"
        WHATSAPP = "whatsapp", "WhatsApp"

    class Status(models.TextChoices):
        PENDING = "pending", "Menunggu"
        SENT = "sent", "Terkirim"
        FAILED = "failed", "Gagal"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # The resident the message is about (a staff member's alert, a PSC step, a
    # consultation): erasing that person deletes it from every recipient's outbox.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications_about",
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    kind = models.CharField(max_length=48)
    body = models.TextField()
    data = models.JSONField(default=dict, blank=True)
    urgent = models.BooleanField(default=False)
    dedupe_key = models.CharField(max_length=128, null=True, blank=True)  # noqa: DJ001 (NULL: unique only when set)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    send_after = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "notifikasi"
        verbose_name_plural = "notifikasi"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "dedupe_key"], name="notification_dedupe"
            ),
        ]
        indexes = [models.Index(fields=["status", "send_after"])]

    def __str__(self) -> str:
        return f"{self.kind} via {self.channel} to user #{self.user_id}"
