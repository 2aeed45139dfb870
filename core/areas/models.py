"""Risk areas: kecamatan boundaries, versioned zoning rules and derived daily figures."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from core.areas import rules as area_rules
from core.models.regions import Region


class ZoneRule(models.Model):
    """One version of the zoning rule. The active rule for a day is the enabled rule
    with the latest `effective_from` on or before that day; old rules stay as they
    were so every stored zone can still name the rule it was judged by."""

    class Metric(models.TextChoices):
        HOUSEHOLDS_7D = (
            area_rules.METRIC_HOUSEHOLDS_7D,
            "rumah dengan kasus konfirmasi dalam 7 hari terakhir",
        )

    version = models.CharField(max_length=16, unique=True, verbose_name="versi")
    name = models.CharField(
        max_length=100,
        help_text="Dasar hukum, mis. Inmendagri 7/2021",
        verbose_name="nama",
    )
    metric = models.CharField(
        max_length=32,
        choices=Metric.choices,
        default=Metric.HOUSEHOLDS_7D,
        verbose_name="ukuran",
    )
    thresholds = models.JSONField(
        help_text='Pita naik: [{"max": 0, "zone": "hijau"}, …, {"max": null, "zone": "merah"}]',
        verbose_name="ambang batas",
    )
    effective_from = models.DateField(
        unique=True, help_text="Mulai berlaku (tanggal)", verbose_name="berlaku mulai"
    )
    is_enabled = models.BooleanField(default=True, verbose_name="aktif")
    notes = models.TextField(blank=True, verbose_name="catatan")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="dibuat")

    class Meta:
        app_label = "core"
        ordering = ["effective_from"]
        verbose_name = "aturan zonasi"
        verbose_name_plural = "aturan zonasi"

    def __str__(self) -> str:
        return f"{self.version} {self.name} (sejak {self.effective_from})"

    def clean(self) -> None:
        try:
            bands = area_rules.thresholds_from_data(self.thresholds or [])
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValidationError({"thresholds": "Format ambang tidak valid."}) from exc
        errors = area_rules.thresholds_errors(bands)
        if errors:
            raise ValidationError({"thresholds": errors})

    @property
    def spec(self) -> area_rules.RuleSpec:
        return area_rules.RuleSpec(
            version=self.version,
            name=self.name,
            metric=self.metric,
            thresholds=area_rules.thresholds_from_data(self.thresholds),
        )


class BoundaryImport(models.Model):
    """One run of `import_boundaries`: what came in and what could not be matched."""

    source = models.CharField(max_length=255, verbose_name="sumber")
    sha256 = models.CharField(max_length=64, verbose_name="SHA-256")
    features = models.PositiveIntegerField(default=0, verbose_name="fitur")
    created = models.PositiveIntegerField(default=0, verbose_name="baru")
    updated = models.PositiveIntegerField(default=0, verbose_name="diperbarui")
    unchanged = models.PositiveIntegerField(default=0, verbose_name="tidak berubah")
    repaired = models.PositiveIntegerField(default=0, verbose_name="diperbaiki")
    unmatched_codes = models.JSONField(
        default=list, blank=True, verbose_name="kode tak cocok"
    )
    skipped = models.JSONField(default=list, blank=True, verbose_name="dilewati")
    started_at = models.DateTimeField(verbose_name="mulai")
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name="selesai")

    class Meta:
        app_label = "core"
        ordering = ["-started_at"]
        verbose_name = "impor batas wilayah"
        verbose_name_plural = "impor batas wilayah"

    def __str__(self) -> str:
        return f"{self.source} ({self.started_at:%Y-%m-%d %H:%M})"


class AreaBoundary(models.Model):
    """The boundary of one kecamatan as WKB (full, and simplified for low zoom).

    Stored by code even when no Region row matches yet (reported as unmatched), so an
    import never drops a geometry."""

    code = models.CharField(max_length=13, primary_key=True, verbose_name="kode")
    name = models.CharField(max_length=100, verbose_name="nama")
    region = models.OneToOneField(
        "core.Region",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="boundary",
        verbose_name="wilayah",
    )
    geometry = models.BinaryField(verbose_name="geometri")
    geometry_mid = models.BinaryField(
        "geometri sedang", help_text="disederhanakan ~100 m (zoom 9–11)"
    )
    geometry_low = models.BinaryField(
        "geometri kasar", help_text="disederhanakan ~1 km (zoom ≤ 8)"
    )
    min_lng = models.FloatField(verbose_name="bujur minimum")
    min_lat = models.FloatField(verbose_name="lintang minimum")
    max_lng = models.FloatField(verbose_name="bujur maksimum")
    max_lat = models.FloatField(verbose_name="lintang maksimum")
    centroid_lat = models.FloatField(verbose_name="lintang titik tengah")
    centroid_lng = models.FloatField(verbose_name="bujur titik tengah")
    area_km2 = models.FloatField(default=0, verbose_name="luas (km²)")
    repaired = models.BooleanField(default=False, verbose_name="diperbaiki")
    fingerprint = models.CharField(max_length=32, verbose_name="sidik data")
    source = models.ForeignKey(
        BoundaryImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="sumber",
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name="diperbarui")

    class Meta:
        app_label = "core"
        ordering = ["code"]
        verbose_name = "batas kecamatan"
        verbose_name_plural = "batas kecamatan"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AreaDailyFigure(models.Model):
    """Figures and zone of one area on one day, derived from integrated cases by
    core.cases.services.figures_recompute — never typed in. Only days with something
    to count are stored; a missing day is all zeros and hijau."""

    class Zone(models.TextChoices):
        HIJAU = "hijau"
        KUNING = "kuning"
        ORANYE = "oranye"
        MERAH = "merah"

    # Indexed as the leading column of area_figure_one_per_day; an index of its own
    # would only cost writes (figures are rewritten in bulk). Neither this nor
    # zone_rule has a database foreign key: the rows are derived, written only by the
    # recomputation from the regions and rules it has just read, and rewritten by the
    # million (a foreign-key check per row was a third of the recomputation's time).
    # Deleting a region or rule still cascades or is refused, by Django.
    region = models.ForeignKey(
        "core.Region",
        on_delete=models.CASCADE,
        related_name="daily_figures",
        db_index=False,
        db_constraint=False,
        verbose_name="wilayah",
    )
    date = models.DateField(verbose_name="tanggal")
    level = models.PositiveSmallIntegerField(
        choices=Region.Level.choices, verbose_name="tingkat"
    )
    new_confirmed = models.PositiveIntegerField(
        default=0, verbose_name="konfirmasi baru"
    )
    active_confirmed = models.PositiveIntegerField(
        default=0, verbose_name="konfirmasi aktif"
    )
    recovered = models.PositiveIntegerField(default=0, verbose_name="sembuh")
    deaths = models.PositiveIntegerField(default=0, verbose_name="meninggal")
    suspect = models.PositiveIntegerField(default=0, verbose_name="suspek")
    probable = models.PositiveIntegerField(default=0, verbose_name="probable")
    isolating = models.PositiveIntegerField(default=0, verbose_name="isolasi")
    households_confirmed_7d = models.PositiveIntegerField(
        default=0, verbose_name="rumah tangga terkonfirmasi 7 hari"
    )
    # Blank zone: no zoning rule was in force that day (before PPKM Mikro).
    zone = models.CharField(
        max_length=8, choices=Zone.choices, blank=True, verbose_name="zona"
    )
    zone_level = models.PositiveSmallIntegerField(
        default=0, verbose_name="tingkat zona"
    )
    zone_rule = models.ForeignKey(
        ZoneRule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        verbose_name="aturan zona",
    )
    zone_counts = models.JSONField(
        default=dict, blank=True, verbose_name="hitungan zona"
    )
    explanation = models.JSONField(default=dict, verbose_name="penjelasan")
    computed_at = models.DateTimeField(auto_now=True, verbose_name="dihitung pada")

    class Meta:
        app_label = "core"
        ordering = ["region", "date"]
        verbose_name = "angka harian wilayah"
        verbose_name_plural = "angka harian wilayah"
        constraints = [
            models.UniqueConstraint(
                fields=["region", "date"], name="area_figure_one_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["level", "date"], name="area_figure_level_date")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.date} {self.zone}"


class FigureDirty(models.Model):
    """A kelurahan whose figures must be recomputed from `since` on (the work queue of
    the incremental recomputation)."""

    region = models.OneToOneField(
        "core.Region",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="wilayah",
    )
    since = models.DateField(verbose_name="sejak")
    marked_at = models.DateTimeField(auto_now=True, verbose_name="ditandai pada")

    class Meta:
        app_label = "core"
        verbose_name = "antrian hitung ulang"
        verbose_name_plural = "antrian hitung ulang"

    def __str__(self) -> str:
        return f"{self.region_id} sejak {self.since}"


__all__ = [
    "AreaBoundary",
    "AreaDailyFigure",
    "BoundaryImport",
    "FigureDirty",
    "ZoneRule",
]
