"""What the SATUSEHAT bridge stores: the centre's ids per facility, the NIKs it needs
(encrypted), one outbox row per business record, and the reconciliation runs."""

from __future__ import annotations

from django.db import models


class SatusehatFacility(models.Model):
    """The ids SATUSEHAT gave a facility when it was registered (Organization) and
    its place of care (Location)."""

    facility = models.OneToOneField(
        "core.Facility", on_delete=models.CASCADE, related_name="satusehat"
    )
    organization_id = models.CharField(max_length=64)
    location_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "SATUSEHAT: id fasilitas"
        verbose_name_plural = "SATUSEHAT: id fasilitas"

    def __str__(self) -> str:
        return f"{self.facility_id} -> Organization/{self.organization_id}"


class SatusehatNik(models.Model):
    """The NIK behind a case's NIK key, encrypted: SATUSEHAT identifies patients by
    NIK, while the case registry itself only keeps the keyed hash."""

    nik_key = models.CharField(max_length=70, unique=True)
    nik_encrypted = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "SATUSEHAT: NIK terenkripsi"
        verbose_name_plural = "SATUSEHAT: NIK terenkripsi"

    def __str__(self) -> str:
        return f"{self.nik_key[:12]}…"


class SatusehatRecord(models.Model):
    """One business record (an integrated case, or an isolation check-in) and its
    state at the centre. `fingerprint` is what Sigap would send now; a record whose
    `sent_fingerprint` differs is due again."""

    class Kind(models.TextChoices):
        CASE = "case", "kasus"
        CHECKIN = "checkin", "check-in isolasi"

    class State(models.TextChoices):
        PENDING = "pending", "menunggu"
        SENT = "sent", "terkirim"
        FAILED = "failed", "gagal sementara (dicoba lagi)"
        PERMANENT = "permanent", "ditolak"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The record's own id: kept when the case is merged away, so the centre's copy of
    # it can still be explained.
    object_id = models.BigIntegerField()
    case = models.ForeignKey(
        "core.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    kelurahan = models.CharField(max_length=16)
    day = models.DateField()
    status = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    fingerprint = models.CharField(max_length=32)
    sent_fingerprint = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    patient_id = models.CharField(max_length=64, blank=True)
    encounter_id = models.CharField(max_length=64, blank=True)
    condition_id = models.CharField(max_length=64, blank=True)
    observation_ids = models.JSONField(default=dict, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "SATUSEHAT: status kirim"
        verbose_name_plural = "SATUSEHAT: status kirim"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="satusehat_one_row_per_record"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="satusehat_due"),
            models.Index(fields=["day", "kelurahan"], name="satusehat_day_kel"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.status})"


class SatusehatReconciliation(models.Model):
    """One comparison of Sigap's figures with the centre's, per kelurahan and day,
    with the records that explain every difference."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    since = models.DateField(null=True, blank=True)
    sigap_total = models.PositiveIntegerField(default=0)
    centre_total = models.PositiveIntegerField(default=0)
    difference_count = models.PositiveIntegerField(default=0)
    # [[kelurahan, day, sigap, centre], ...] and [{kind, case_id, kelurahan, day,
    # reason, centre_id}, ...]
    figures = models.JSONField(default=list)
    differences = models.JSONField(default=list)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "SATUSEHAT: rekonsiliasi"
        verbose_name_plural = "SATUSEHAT: rekonsiliasi"

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.difference_count} selisih)"


__all__ = [
    "SatusehatFacility",
    "SatusehatNik",
    "SatusehatReconciliation",
    "SatusehatRecord",
]
