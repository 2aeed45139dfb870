"""What the chatbot knows: FAQ entries, hoax entries and the synonym table."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

MAX_LIST_ITEMS = 50
MAX_ITEM_LENGTH = 500


class Status(models.TextChoices):
    DRAFT = "draft", "Draf"
    PUBLISHED = "published", "Terbit"
    ARCHIVED = "archived", "Arsip"


class Language(models.TextChoices):
    ID = "id", "Bahasa Indonesia"
    EN = "en", "English"


def clean_text_list(value, field: str) -> list[str]:
    """A JSON list of short non-empty strings (alternates, variants, tags)."""
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError({field: "Harus berupa daftar teks."})
    items = [" ".join(v.split()) for v in value]
    items = list(dict.fromkeys(v for v in items if v))
    if len(items) > MAX_LIST_ITEMS:
        raise ValidationError({field: f"Paling banyak {MAX_LIST_ITEMS} butir."})
    if any(len(v) > MAX_ITEM_LENGTH for v in items):
        raise ValidationError(
            {field: f"Setiap butir paling panjang {MAX_ITEM_LENGTH} karakter."}
        )
    return items


class FaqEntry(models.Model):
    key = models.SlugField(
        "kunci",
        max_length=80,
        blank=True,
        help_text="Versi bahasa lain dari jawaban yang sama memakai kunci yang sama.",
    )
    language = models.CharField(
        "bahasa", max_length=2, choices=Language.choices, default=Language.ID
    )
    question = models.CharField("pertanyaan", max_length=500)
    answer = models.TextField(
        "jawaban",
        blank=True,
        help_text="Teks dengan *tebal*, _miring_, baris '- ' atau '1. ' dan tautan; "
        "tampil di Telegram, WhatsApp dan aplikasi.",
    )
    category = models.CharField("kategori", max_length=50, blank=True)
    alternates = models.JSONField(
        "rumusan lain", default=list, blank=True, help_text="Satu rumusan per baris."
    )
    tags = models.JSONField("tag", default=list, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    source_url = models.URLField("tautan sumber", max_length=500, blank=True)
    review_on = models.DateField("tinjau ulang pada", null=True, blank=True)
    published_at = models.DateTimeField("diterbitkan", null=True, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diperbarui", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "entri FAQ"
        verbose_name_plural = "entri FAQ"
        ordering = ["category", "question"]
        indexes = [models.Index(fields=["status", "language"])]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language"],
                condition=~Q(key=""),
                name="chatbot_faq_key_language_unique",
                violation_error_message="Kunci ini sudah dipakai entri lain dalam "
                "bahasa yang sama. Versi bahasa lain dari satu jawaban memakai kunci "
                "yang sama; dalam satu bahasa setiap entri perlu kunci sendiri.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="chatbot_faq_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values),
                name="chatbot_faq_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.question[:80]

    def clean(self) -> None:
        self.question = " ".join((self.question or "").split())
        self.alternates = clean_text_list(self.alternates, "alternates")
        self.tags = clean_text_list(self.tags, "tags")
        if self.status == Status.PUBLISHED and not (self.answer or "").strip():
            raise ValidationError({"answer": "Jawaban wajib diisi sebelum terbit."})


class HoaxEntry(models.Model):
    class Verdict(models.TextChoices):
        HOAX = "hoax", "Hoaks"
        MISLEADING = "misleading", "Menyesatkan"
        FACT = "fact", "Fakta"

    key = models.SlugField("kunci", max_length=80, blank=True)
    claim = models.TextField("klaim")
    claim_en = models.TextField("klaim (English)", blank=True)
    variants = models.JSONField(
        "varian yang beredar",
        default=list,
        blank=True,
        help_text="Rumusan lain klaim ini (atau tautan yang beredar), satu per baris.",
    )
    narrative = models.TextField(
        "narasi yang beredar",
        blank=True,
        help_text="Teks pesan seperti yang beredar (kolom 'narasi' arsip cek fakta).",
    )
    verdict = models.CharField("putusan", max_length=12, choices=Verdict.choices)
    explanation = models.TextField("penjelasan", blank=True)
    explanation_en = models.TextField("penjelasan (English)", blank=True)
    source_url = models.URLField("tautan sumber", max_length=500, blank=True)
    published_on = models.DateField("tanggal terbit", null=True, blank=True)
    tags = models.JSONField("tag", default=list, blank=True)
    status = models.CharField(
        "status", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField("diterbitkan", null=True, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diperbarui", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "entri hoaks"
        verbose_name_plural = "entri hoaks"
        ordering = ["-published_on", "claim"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=~Q(key=""),
                name="chatbot_hoax_key_unique",
                violation_error_message="Kunci ini sudah dipakai entri hoaks lain.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="chatbot_hoax_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=["hoax", "misleading", "fact"]),
                name="chatbot_hoax_verdict_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.claim[:80]

    def clean(self) -> None:
        self.claim = " ".join((self.claim or "").split())
        self.variants = clean_text_list(self.variants, "variants")
        self.tags = clean_text_list(self.tags, "tags")
        if len(self.claim) > 2000:
            raise ValidationError({"claim": "Klaim paling panjang 2.000 karakter."})
        if len(self.narrative or "") > 10000:
            raise ValidationError(
                {"narrative": "Narasi paling panjang 10.000 karakter."}
            )
        if self.status == Status.PUBLISHED and not (self.explanation or "").strip():
            raise ValidationError(
                {"explanation": "Penjelasan wajib diisi sebelum terbit."}
            )


class Synonym(models.Model):
    """A word or phrase people use and the wording the entries use ("korona" ->
    "covid"). Applied to questions, entries and messages alike."""

    term = models.CharField("istilah", max_length=100, unique=True)
    canonical = models.CharField("diartikan sebagai", max_length=100)
    is_active = models.BooleanField("aktif", default=True)
    note = models.CharField("catatan", max_length=200, blank=True)
    created_at = models.DateTimeField("dibuat", auto_now_add=True)
    updated_at = models.DateTimeField("diperbarui", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "sinonim"
        verbose_name_plural = "sinonim"
        ordering = ["term"]

    def __str__(self) -> str:
        return f"{self.term} → {self.canonical}"

    def clean(self) -> None:
        self.term = " ".join((self.term or "").lower().split())
        self.canonical = " ".join((self.canonical or "").lower().split())
        if self.term and self.term == self.canonical:
            raise ValidationError({"canonical": "Harus berbeda dari istilahnya."})
