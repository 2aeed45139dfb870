"""Files curators upload in the admin, imported by a worker (`ImportJob`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    """One uploaded FAQ or hoax file. A large file is imported by a Celery worker
    (a request behind a proxy would time out); the row is the queue, so a broker or
    worker outage delays an import and never loses it. The file is dropped once it
    is imported."""

    class Kind(models.TextChoices):
        FAQ = "faq", "FAQ"
        HOAX = "hoax", "Hoaks"

    class State(models.TextChoices):
        QUEUED = "queued", "Dalam antrean"
        RUNNING = "running", "Sedang diimpor"
        DONE = "done", "Selesai"
        FAILED = "failed", "Gagal"

    kind = models.CharField("jenis", max_length=4, choices=Kind.choices)
    file_name = models.CharField("nama berkas", max_length=255)
    size = models.PositiveIntegerField("ukuran (bita)")
    content = models.BinaryField("isi berkas", editable=False)
    default_status = models.CharField("status baris tanpa status", max_length=10)
    state = models.CharField(
        "keadaan", max_length=8, choices=State.choices, default=State.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="diunggah oleh",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("diunggah", auto_now_add=True)
    started_at = models.DateTimeField("mulai", null=True, blank=True)
    finished_at = models.DateTimeField("selesai", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("percobaan", default=0)
    rows = models.PositiveIntegerField("baris", null=True, blank=True)
    created = models.PositiveIntegerField("baru", default=0)
    updated = models.PositiveIntegerField("diperbarui", default=0)
    unchanged = models.PositiveIntegerField("tetap", default=0)
    error_count = models.PositiveIntegerField("galat", default=0)
    # The first rows' messages (`services.imports.KEEP_ERRORS`); `error_count` all.
    errors = models.JSONField("galat per baris", default=list, blank=True)
    # Why the file as a whole failed; once done, what the curator should know (the
    # columns it ignored).
    message = models.TextField("pesan", blank=True)

    class Meta:
        verbose_name = "impor berkas"
        verbose_name_plural = "impor berkas"
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"Impor #{self.pk} {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    def summary(self) -> str:
        return (
            f"{self.created} baru, {self.updated} diperbarui, {self.unchanged} tetap, "
            f"{self.error_count} galat"
        )
