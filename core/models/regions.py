from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import models

from core.rules import WIB


class Region(models.Model):
    """One row of the Kemendagri hierarchy, keyed by its official code (33.74.10.1001)."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "provinsi"
        REGENCY = 2, "kabupaten/kota"
        DISTRICT = 3, "kecamatan"
        VILLAGE = 4, "kelurahan/desa"

    code = models.CharField(max_length=13, primary_key=True)
    name = models.CharField(max_length=100)
    level = models.PositiveSmallIntegerField(choices=Level.choices, db_index=True)
    kind = models.CharField(max_length=12)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    timezone = models.CharField(max_length=32, default=WIB)
    postal_code = models.CharField(max_length=5, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = "wilayah"
        verbose_name_plural = "wilayah"
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        if self.level == self.Level.DISTRICT:
            return f"Kecamatan {self.name}"
        return self.name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def ancestor_codes(self) -> list[str]:
        parts = self.code.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts))]
