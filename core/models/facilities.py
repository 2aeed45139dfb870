from __future__ import annotations

from zoneinfo import ZoneInfo

from django.db import models


class Facility(models.Model):
    class Kind(models.TextChoices):
        PUSKESMAS = "puskesmas", "Puskesmas"
        HOSPITAL = "hospital", "Rumah sakit"
        LAB = "lab", "Laboratorium"
        CLINIC = "clinic", "Klinik"

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    is_referral = models.BooleanField(
        default=False, help_text="Rumah sakit rujukan (COVID-19)."
    )
    district = models.ForeignKey(
        "core.Region",
        on_delete=models.PROTECT,
        related_name="facilities",
        limit_choices_to={"level": 3},
    )
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "fasilitas kesehatan"
        verbose_name_plural = "fasilitas kesehatan"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-11.5, latitude__lte=6.5),
                name="facility_latitude_in_indonesia",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | models.Q(longitude__gte=94, longitude__lte=141.5),
                name="facility_longitude_in_indonesia",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.district.timezone)
