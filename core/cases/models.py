"""Case data integration: sources (integrators), their reports, and the one case per
person those reports are merged into."""

from __future__ import annotations

import hashlib
import hmac

from django.db import models

from core.cases import rules


class Integrator(models.Model):
    """A system that sends case reports (a lab, hospital, puskesmas, provincial app).
    It authenticates with its own API key; only a hash of the key is stored."""

    class Kind(models.TextChoices):
        LAB = "lab", "laboratorium"
        HOSPITAL = "hospital", "rumah sakit"
        PUSKESMAS = "puskesmas", "puskesmas"
        PROVINCIAL = "provincial", "sistem provinsi"
        OTHER = "other", "lainnya"

    name = models.SlugField(
        max_length=50, unique=True, help_text="mis. lab-kariadi", verbose_name="nama"
    )
    display_name = models.CharField(max_length=150, verbose_name="nama tampilan")
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name="jenis")
    facility = models.ForeignKey(
        "core.Facility",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="fasilitas",
    )
    key_prefix = models.CharField(
        max_length=16, unique=True, null=True, blank=True, verbose_name="awalan kunci"
    )
    key_hash = models.CharField(max_length=64, blank=True, verbose_name="hash kunci")
    is_active = models.BooleanField(default=True, verbose_name="aktif")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="dibuat")
    last_used_at = models.DateTimeField(
        null=True, blank=True, verbose_name="terakhir dipakai"
    )

    class Meta:
        app_label = "core"
        ordering = ["name"]
        verbose_name = "sumber data (integrator)"
        verbose_name_plural = "sumber data (integrator)"

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_key(raw_key: str) -> str:
        return hashlib.sha256(raw_key.encode()).hexdigest()

    def key_matches(self, raw_key: str) -> bool:
        return bool(self.key_hash) and hmac.compare_digest(
            self.key_hash, self.hash_key(raw_key)
        )

    # DRF's permission and throttle code treat request.user like a user.
    @property
    def is_authenticated(self) -> bool:
        return True


class ReportBatch(models.Model):
    """One delivery (an API request or a CSV import) and what became of its rows."""

    class Channel(models.TextChoices):
        API = "api"
        CSV = "csv"

    integrator = models.ForeignKey(
        Integrator,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name="sumber data",
    )
    channel = models.CharField(
        max_length=4, choices=Channel.choices, verbose_name="saluran"
    )
    filename = models.CharField(max_length=255, blank=True, verbose_name="nama berkas")
    received = models.PositiveIntegerField(default=0, verbose_name="diterima")
    created = models.PositiveIntegerField(default=0, verbose_name="baru")
    updated = models.PositiveIntegerField(default=0, verbose_name="diperbarui")
    unchanged = models.PositiveIntegerField(default=0, verbose_name="tidak berubah")
    rejected = models.PositiveIntegerField(default=0, verbose_name="ditolak")
    errors = models.JSONField(default=list, blank=True, verbose_name="kesalahan")
    started_at = models.DateTimeField(auto_now_add=True, verbose_name="mulai")
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name="selesai")

    class Meta:
        app_label = "core"
        ordering = ["-started_at"]
        verbose_name = "kiriman laporan"
        verbose_name_plural = "kiriman laporan"

    def __str__(self) -> str:
        return f"{self.integrator} {self.channel} {self.started_at:%Y-%m-%d %H:%M}"


class Status(models.TextChoices):
    SUSPECT = "suspect", "suspek"
    PROBABLE = "probable", "probable"
    CONFIRMED = "confirmed", "konfirmasi"
    RECOVERED = "recovered", "sembuh"
    DIED = "died", "meninggal"
    DISCARDED = "discarded", "discarded"


class Case(models.Model):
    """One person as integrated from every source. Every field is derived from the
    reports (see `provenance` for which report set it); never edited by hand."""

    # NULL, not "": the NIK is unique only among cases that have one.
    nik_key = models.CharField(  # noqa: DJ001
        max_length=70, null=True, blank=True, verbose_name="kunci NIK"
    )
    full_name = models.CharField(
        max_length=150, blank=True, verbose_name="nama lengkap"
    )
    name_key = models.CharField(max_length=150, blank=True, verbose_name="kunci nama")
    birth_date = models.DateField(null=True, blank=True, verbose_name="tanggal lahir")
    sex = models.CharField(max_length=1, blank=True, verbose_name="jenis kelamin")
    # Indexed as the leading column of case_kel_confirmed.
    kelurahan = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="kelurahan",
    )
    household_key = models.CharField(max_length=100, verbose_name="kunci rumah tangga")
    status = models.CharField(
        max_length=10, choices=Status.choices, verbose_name="status"
    )
    status_date = models.DateField(verbose_name="tanggal status")
    confirmed_on = models.DateField(
        null=True, blank=True, verbose_name="tanggal konfirmasi"
    )
    recovered_on = models.DateField(
        null=True, blank=True, verbose_name="tanggal sembuh"
    )
    died_on = models.DateField(null=True, blank=True, verbose_name="tanggal meninggal")
    first_event_on = models.DateField(verbose_name="kejadian pertama")
    last_event_on = models.DateField(verbose_name="kejadian terakhir")
    timeline = models.JSONField(default=list, verbose_name="linimasa")
    provenance = models.JSONField(default=dict, verbose_name="asal data")
    report_count = models.PositiveIntegerField(default=0, verbose_name="jumlah laporan")
    source_count = models.PositiveSmallIntegerField(
        default=0, verbose_name="jumlah sumber"
    )
    ambiguous_match = models.BooleanField(default=False, verbose_name="pencocokan ragu")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="dibuat")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="diperbarui")

    class Meta:
        app_label = "core"
        ordering = ["-updated_at"]
        verbose_name = "kasus terintegrasi"
        verbose_name_plural = "kasus terintegrasi"
        constraints = [
            models.UniqueConstraint(
                fields=["nik_key"],
                condition=models.Q(nik_key__isnull=False),
                name="case_one_per_nik",
            )
        ]
        indexes = [
            models.Index(
                fields=["kelurahan", "confirmed_on"], name="case_kel_confirmed"
            ),
        ]

    def __str__(self) -> str:
        return f"Kasus #{self.pk} ({self.get_status_display()})"


class PersonKey(models.Model):
    """A matching key (keyed hash of NIK, or of name + birth date + kelurahan) that
    some report of the case carried."""

    # Indexed as the leading column of person_key_once_per_case.
    key = models.CharField(max_length=70, verbose_name="kunci")
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="keys", verbose_name="kasus"
    )

    class Meta:
        app_label = "core"
        verbose_name = "kunci identitas"
        verbose_name_plural = "kunci identitas"
        constraints = [
            models.UniqueConstraint(
                fields=["key", "case"], name="person_key_once_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key[:12]}… -> {self.case_id}"


class CaseReport(models.Model):
    """A report as a source sent it (NIK kept only as a keyed hash). The source's own
    record id makes re-sending idempotent; a changed record is a new revision."""

    class Match(models.TextChoices):
        NEW = rules.MATCH_NEW, "orang baru"
        NIK = rules.MATCH_NIK, "cocok NIK"
        NAME = rules.MATCH_NAME, "cocok nama + tanggal lahir + kelurahan"
        NAME_AMBIGUOUS = (
            rules.MATCH_NAME_AMBIGUOUS,
            "cocok nama (lebih dari satu kandidat)",
        )

    # Indexed as the leading column of case_report_one_per_source_record.
    integrator = models.ForeignKey(
        Integrator,
        on_delete=models.PROTECT,
        related_name="reports",
        db_index=False,
        verbose_name="sumber data",
    )
    record_id = models.CharField(max_length=64, verbose_name="ID rekaman")
    batch = models.ForeignKey(
        ReportBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name="kiriman",
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="reports", verbose_name="kasus"
    )
    fingerprint = models.CharField(max_length=32, verbose_name="sidik data")
    revision = models.PositiveIntegerField(default=1, verbose_name="revisi")
    match = models.CharField(
        max_length=16, choices=Match.choices, verbose_name="pencocokan"
    )
    nik_key = models.CharField(max_length=70, blank=True, verbose_name="kunci NIK")
    name_match_key = models.CharField(
        max_length=70, blank=True, verbose_name="kunci pencocokan nama"
    )
    full_name = models.CharField(
        max_length=150, blank=True, verbose_name="nama lengkap"
    )
    name_key = models.CharField(max_length=150, blank=True, verbose_name="kunci nama")
    birth_date = models.DateField(null=True, blank=True, verbose_name="tanggal lahir")
    sex = models.CharField(max_length=1, verbose_name="jenis kelamin")
    # Reports are looked up by area only together with a day (case_report_date_kel).
    kelurahan = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name="kelurahan",
    )
    household_id = models.CharField(
        max_length=64, blank=True, verbose_name="ID rumah tangga"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, verbose_name="status"
    )
    event_date = models.DateField(verbose_name="tanggal kejadian")
    specimen_type = models.CharField(
        max_length=24, blank=True, verbose_name="jenis spesimen"
    )
    test_type = models.CharField(max_length=12, blank=True, verbose_name="jenis tes")
    test_result = models.CharField(max_length=12, blank=True, verbose_name="hasil tes")
    received_at = models.DateTimeField(auto_now_add=True, verbose_name="diterima pada")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="diperbarui")

    class Meta:
        app_label = "core"
        ordering = ["event_date", "id"]
        verbose_name = "laporan kasus"
        verbose_name_plural = "laporan kasus"
        constraints = [
            models.UniqueConstraint(
                fields=["integrator", "record_id"],
                name="case_report_one_per_source_record",
            )
        ]
        indexes = [
            models.Index(
                fields=["event_date", "kelurahan"], name="case_report_date_kel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.integrator_id}:{self.record_id}"


__all__ = ["Case", "CaseReport", "Integrator", "PersonKey", "ReportBatch", "Status"]
