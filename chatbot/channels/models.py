"""Inbound updates and outbound messages of the Telegram and WhatsApp adapters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Channel(models.TextChoices):
    TELEGRAM = "telegram", "Telegram"
    WHATSAPP = "whatsapp", "WhatsApp"


class InboundUpdate(models.Model):
    """One platform delivery (Telegram update, WhatsApp message), stored before 200."""

    class Status(models.TextChoices):
        PENDING = "pending", "Menunggu"
        DONE = "done", "Diproses"
        IGNORED = "ignored", "Diabaikan"
        FAILED = "failed", "Gagal"

    channel = models.CharField("kanal", max_length=16, choices=Channel.choices)
    external_id = models.CharField("ID platform", max_length=128)
    chat_id = models.CharField("ID chat", max_length=64)
    payload = models.JSONField("isi", default=dict)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField("percobaan", default=0)
    last_error = models.CharField("galat terakhir", max_length=200, blank=True)
    received_at = models.DateTimeField("diterima", default=timezone.now)
    processed_at = models.DateTimeField("diproses", null=True, blank=True)

    class Meta:
        verbose_name = "pesan masuk"
        verbose_name_plural = "pesan masuk"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"], name="inbound_update_once"
            )
        ]
        indexes = [
            models.Index(fields=["channel", "chat_id", "status"]),
            models.Index(fields=["status", "received_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.external_id}"


class Chat(models.Model):
    """One row per conversation; locking it serialises that chat's processing."""

    channel = models.CharField(max_length=16, choices=Channel.choices)
    chat_id = models.CharField(max_length=64)
    last_seen = models.DateTimeField(default=timezone.now)
    # Telegram: the last message sent carried the "share location" reply keyboard,
    # which stays under the typing field until a message removes it.
    location_keyboard_shown = models.BooleanField(default=False)

    class Meta:
        verbose_name = "percakapan"
        verbose_name_plural = "percakapan"
        constraints = [
            models.UniqueConstraint(fields=["channel", "chat_id"], name="chat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel} chat #{self.pk}"


class Broadcast(models.Model):
    """An announcement to the subscribers of an area (e.g. a kecamatan turning merah)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Dalam antrean"
        SENDING = "sending", "Sedang dikirim"
        DONE = "done", "Selesai diantrekan"

    region_code = models.CharField("kode wilayah", max_length=13)
    text_id = models.TextField("teks (Bahasa Indonesia)")
    text_en = models.TextField("teks (English)", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="dibuat oleh",
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    recipients = models.PositiveIntegerField("penerima", default=0)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)

    class Meta:
        verbose_name = "siaran"
        verbose_name_plural = "siaran"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Siaran #{self.pk} ke {self.region_code}"


class OutboundMessage(models.Model):
    """Outbox row: one platform message (already rendered), sent after commit."""

    class Status(models.TextChoices):
        PENDING = "pending", "Menunggu"
        SENT = "sent", "Terkirim"
        FAILED = "failed", "Gagal"

    channel = models.CharField("kanal", max_length=16, choices=Channel.choices)
    chat_id = models.CharField("ID chat", max_length=64)
    key = models.CharField("kunci", max_length=200, unique=True)
    payload = models.JSONField("isi", default=dict)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField("percobaan", default=0)
    send_after = models.DateTimeField("kirim setelah", default=timezone.now)
    last_error = models.CharField("galat terakhir", max_length=200, blank=True)
    platform_message_id = models.CharField(
        "ID pesan platform", max_length=128, blank=True
    )
    # WhatsApp status callbacks: sent / delivered / read / failed.
    platform_status = models.CharField("status platform", max_length=16, blank=True)
    broadcast = models.ForeignKey(
        Broadcast,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    created_at = models.DateTimeField("dibuat", default=timezone.now)
    sent_at = models.DateTimeField("terkirim", null=True, blank=True)

    class Meta:
        verbose_name = "pesan keluar"
        verbose_name_plural = "pesan keluar"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "send_after"]),
            models.Index(fields=["channel", "chat_id", "status"]),
            models.Index(fields=["channel", "platform_message_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} message #{self.pk}"


class OfferedChoices(models.Model):
    """A sent message that offered numbered choices (FAQ suggestions): a reply
    quoting it (WhatsApp's context.id, Telegram's reply_to_message) picks from these,
    not from the newest list. Only the last few of a chat are kept (`KEPT_PER_CHAT`).
    Telegram numbers messages per chat, so an id is unique within its chat."""

    KEPT_PER_CHAT = 5

    channel = models.CharField("kanal", max_length=16, choices=Channel.choices)
    chat_id = models.CharField("ID chat", max_length=64)
    platform_message_id = models.CharField("ID pesan platform", max_length=128)
    choices = models.JSONField("pilihan bernomor", default=list)
    sent_at = models.DateTimeField("terkirim", default=timezone.now)

    class Meta:
        verbose_name = "pilihan terkirim"
        verbose_name_plural = "pilihan terkirim"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "chat_id", "platform_message_id"],
                name="offered_choices_once_per_chat",
            )
        ]
        indexes = [models.Index(fields=["channel", "chat_id"])]

    def __str__(self) -> str:
        return f"{self.channel} offer #{self.pk}"
