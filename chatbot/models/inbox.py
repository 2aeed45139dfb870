"""Curator inboxes: unanswered questions, reported messages, possible hoax matches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class UnansweredQuestion(models.Model):
    """Questions the bot could not answer (or only with suggestions), grouped: similar
    questions land in one row whose count grows."""

    class Kind(models.TextChoices):
        UNANSWERED = "unanswered", "Tidak terjawab"
        LOW_CONFIDENCE = "low_confidence", "Kurang yakin (saran)"

    class State(models.TextChoices):
        OPEN = "open", "Terbuka"
        RESOLVED = "resolved", "Ditangani"
        DISMISSED = "dismissed", "Diabaikan"

    text = models.TextField("pertanyaan")
    terms = models.CharField("bentuk ternormalisasi", max_length=500, db_index=True)
    language = models.CharField("bahasa", max_length=2, default="id")
    kind = models.CharField("jenis", max_length=16, choices=Kind.choices)
    count = models.PositiveIntegerField("jumlah", default=1)
    examples = models.JSONField("contoh rumusan lain", default=list, blank=True)
    best_faq = models.ForeignKey(
        "chatbot.FaqEntry",
        verbose_name="FAQ terdekat",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    best_score = models.FloatField("skor terdekat", default=0.0)
    state = models.CharField(
        "status", max_length=10, choices=State.choices, default=State.OPEN
    )
    resolved_faq = models.ForeignKey(
        "chatbot.FaqEntry",
        verbose_name="ditangani dengan FAQ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolved_questions",
    )
    # A draft made from this group: the group stays open (and keeps collecting the
    # question) until that entry is published with an answer; deleting the draft
    # leaves the group open without it.
    draft_faq = models.ForeignKey(
        "chatbot.FaqEntry",
        verbose_name="draf FAQ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="draft_for_questions",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ditangani oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField("ditangani pada", null=True, blank=True)
    first_seen_at = models.DateTimeField("pertama", auto_now_add=True)
    last_seen_at = models.DateTimeField("terakhir", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "pertanyaan tak terjawab"
        verbose_name_plural = "pertanyaan tak terjawab"
        ordering = ["-count", "-last_seen_at"]
        indexes = [models.Index(fields=["state", "-last_seen_at"])]

    def __str__(self) -> str:
        return self.text[:80]


class HoaxReport(models.Model):
    """A message a user reported as a possible hoax. Identical reports are one row."""

    class State(models.TextChoices):
        OPEN = "open", "Terbuka"
        LINKED = "linked", "Dikaitkan ke entri hoaks"
        DISMISSED = "dismissed", "Diabaikan"

    text = models.TextField("pesan")
    fingerprint = models.CharField(max_length=64, db_index=True)
    urls = models.JSONField("tautan", default=list, blank=True)
    note = models.CharField("catatan pelapor", max_length=500, blank=True)
    language = models.CharField("bahasa", max_length=2, default="id")
    channel = models.CharField("kanal", max_length=16, default="api")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="pelapor pertama",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hoax_reports",
    )
    count = models.PositiveIntegerField("jumlah laporan", default=1)
    best_match = models.ForeignKey(
        "chatbot.HoaxEntry",
        verbose_name="entri terdekat",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    best_score = models.FloatField("skor terdekat", default=0.0)
    state = models.CharField(
        "status", max_length=10, choices=State.choices, default=State.OPEN
    )
    hoax = models.ForeignKey(
        "chatbot.HoaxEntry",
        verbose_name="entri hoaks",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ditinjau oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("ditinjau pada", null=True, blank=True)
    created_at = models.DateTimeField("dilaporkan", auto_now_add=True)
    last_reported_at = models.DateTimeField("laporan terakhir", auto_now_add=True)

    class Meta:
        verbose_name = "laporan pesan"
        verbose_name_plural = "laporan pesan (kemungkinan hoaks)"
        ordering = ["-last_reported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=Q(state="open"),
                name="chatbot_report_open_fingerprint_unique",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class PossibleHoaxMatch(models.Model):
    """A message that scored between the suggest and auto thresholds against a hoax
    entry: the bot said "possibly related"; a curator confirms or rejects."""

    class State(models.TextChoices):
        PENDING = "pending", "Menunggu"
        CONFIRMED = "confirmed", "Ya, klaim yang sama"
        REJECTED = "rejected", "Bukan"

    text = models.TextField("pesan")
    fingerprint = models.CharField(max_length=64)
    hoax = models.ForeignKey(
        "chatbot.HoaxEntry",
        verbose_name="entri hoaks",
        on_delete=models.CASCADE,
        related_name="possible_matches",
    )
    score = models.FloatField("skor")
    count = models.PositiveIntegerField("jumlah", default=1)
    state = models.CharField(
        "status", max_length=10, choices=State.choices, default=State.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="ditinjau oleh",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("ditinjau pada", null=True, blank=True)
    created_at = models.DateTimeField("pertama", auto_now_add=True)
    last_seen_at = models.DateTimeField("terakhir", auto_now_add=True)

    class Meta:
        verbose_name = "kemungkinan cocok hoaks"
        verbose_name_plural = "kemungkinan cocok hoaks (tinjau)"
        ordering = ["state", "-last_seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint", "hoax"], name="chatbot_possible_match_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.text[:60]} ~ {self.hoax_id}"
