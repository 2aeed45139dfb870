"""Hospital bed availability (after SIRANAP): every report kept, the latest one per
hospital copied to a current row the search reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class BedKind(models.TextChoices):
    ICU_VENTILATOR = "icu_ventilator", "ICU dengan ventilator"
    ICU = "icu", "ICU tanpa ventilator"
    HCU = "hcu", "HCU"
    ISOLATION_NEGATIVE = "isolation_negative", "Isolasi tekanan negatif"
    ISOLATION = "isolation", "Isolasi tanpa tekanan negatif"
    IGD = "igd", "IGD"


class BedReport(models.Model):
    """One availability report of one hospital (all kinds it has, at one moment)."""

    class Source(models.TextChoices):
        API = "api", "API integrator"
        FORM = "form", "Formulir petugas RS"
        ADMIN = "admin", "Admin"

    facility = models.ForeignKey(
        "core.Facility", on_delete=models.CASCADE, related_name="bed_reports"
    )
    reported_at = models.DateTimeField(help_text="When the hospital counted its beds.")
    received_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    integrator = models.ForeignKey(
        "core.Integrator",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The sender's own id for this report: a resent batch changes nothing.
    report_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 (NULL: unique only when set)
    request_hash = models.CharField(max_length=64, blank=True)
    oxygen_days = models.DecimalField(
        "stok oksigen (hari)", max_digits=5, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["-reported_at"]
        verbose_name = "laporan tempat tidur"
        verbose_name_plural = "laporan tempat tidur"
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "report_key"],
                condition=Q(report_key__isnull=False),
                name="bed_report_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(oxygen_days__isnull=True) | Q(oxygen_days__gte=0),
                name="bed_report_oxygen_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["facility", "-reported_at"])]

    def __str__(self) -> str:
        return f"bed report #{self.pk} of facility #{self.facility_id}"


class BedCount(models.Model):
    report = models.ForeignKey(
        BedReport, on_delete=models.CASCADE, related_name="counts"
    )
    kind = models.CharField(max_length=20, choices=BedKind.choices)
    total = models.PositiveIntegerField()
    free = models.PositiveIntegerField()

    class Meta:
        verbose_name = "jumlah tempat tidur"
        verbose_name_plural = "jumlah tempat tidur"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind"], name="bed_count_kind_once"
            ),
            models.CheckConstraint(
                condition=Q(free__lte=F("total")), name="bed_count_free_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.free}/{self.total}"


class BedAvailability(models.Model):
    """A hospital's current picture, as the search reads it: each kind (and the
    oxygen stock) as last reported, with its own time. A late-arriving older figure
    goes to history only."""

    facility = models.OneToOneField(
        "core.Facility",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="bed_availability",
    )
    # The hospital's newest report; its other figures may come from earlier ones.
    report = models.ForeignKey(BedReport, on_delete=models.CASCADE, related_name="+")
    reported_at = models.DateTimeField()
    oxygen_days = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True
    )
    oxygen_reported_at = models.DateTimeField(null=True, blank=True)
    # {kind: {"total": n, "free": n, "reported_at": iso, "report_id": n}}: each kind
    # as last reported (core.beds.rules.beds_merge).
    beds = models.JSONField(default=dict)

    class Meta:
        verbose_name = "ketersediaan tempat tidur"
        verbose_name_plural = "ketersediaan tempat tidur"

    def __str__(self) -> str:
        return f"beds of facility #{self.facility_id}"
