from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from selfcheck import content, rules


def rule_version_choices() -> list[tuple[str, str]]:
    return [(v, v) for v in rules.rule_versions()]


def questionnaire_version_choices() -> list[tuple[str, str]]:
    return [(v, v) for v in content.QUESTIONNAIRES]


class _Publication(models.Model):
    """A curator's decision that a version (defined in code) applies from a moment on.

    Rows that have started are history: assessments were judged by them, so they are
    never edited or deleted (the admin enforces it; services never update them).
    """

    starts_at = models.DateTimeField("berlaku mulai", unique=True)
    note = models.CharField("catatan", max_length=300, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.version} from {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def has_started(self) -> bool:
        return self.starts_at is not None and self.starts_at <= timezone.now()


class RuleSet(_Publication):
    version = models.CharField(
        "versi aturan", max_length=32, choices=rule_version_choices
    )

    class Meta(_Publication.Meta):
        verbose_name = "versi aturan triase"
        verbose_name_plural = "versi aturan triase"

    def clean(self) -> None:
        if self.version and self.version not in rules.rule_versions():
            raise ValidationError({"version": "Unknown rule version."})


class Questionnaire(_Publication):
    version = models.CharField(
        "versi kuesioner", max_length=32, choices=questionnaire_version_choices
    )

    class Meta(_Publication.Meta):
        verbose_name = "versi kuesioner"
        verbose_name_plural = "versi kuesioner"

    def clean(self) -> None:
        if self.version and self.version not in content.QUESTIONNAIRES:
            raise ValidationError({"version": "Unknown questionnaire version."})


class Assessment(models.Model):
    """One self-check. Anonymous ones have no owner and store no identity."""

    class RiskLevel(models.TextChoices):
        LOW = rules.LOW, "rendah"
        MODERATE = rules.MODERATE, "sedang"
        HIGH = rules.HIGH, "tinggi"
        CRITICAL = rules.CRITICAL, "gawat darurat"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="selfcheck_assessments",
    )
    client_key = models.UUIDField()
    request_hash = models.CharField(max_length=64)
    answers = models.JSONField()
    district = models.ForeignKey(
        "core.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 3},
    )
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices)
    reasons = models.JSONField(default=list)
    rule_version = models.CharField(max_length=32)
    questionnaire_version = models.CharField(max_length=32)
    language = models.CharField(max_length=2, default="id")
    # The calendar day in the kecamatan's own time zone, for daily signals.
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "hasil cek mandiri"
        verbose_name_plural = "hasil cek mandiri"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "client_key"],
                condition=models.Q(owner__isnull=False),
                name="selfcheck_client_key_per_owner",
            ),
            models.UniqueConstraint(
                fields=["client_key"],
                condition=models.Q(owner__isnull=True),
                name="selfcheck_client_key_anonymous",
            ),
            models.CheckConstraint(
                condition=models.Q(risk_level__in=rules.RISK_LEVELS),
                name="selfcheck_risk_level_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["day", "district"]),
        ]

    def __str__(self) -> str:
        return f"assessment {self.pk} ({self.risk_level})"

    def clean(self) -> None:
        if self.rule_version not in rules.rule_versions():
            raise ValidationError({"rule_version": "Unknown rule version."})


class AssessmentSymptom(models.Model):
    """One symptom an assessment was judged with, denormalised for daily aggregation:
    each ticked one, and one its rule version counted from a measured value (fever
    from a temperature at or above triage-v2's threshold), so the signals count what
    triage concluded."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="symptom_rows"
    )
    symptom = models.CharField(max_length=32)
    # Not ticked by the resident: counted from a measured value by the rule version.
    measured = models.BooleanField("dari nilai terukur", default=False)
    day = models.DateField()
    district = models.ForeignKey(
        "core.Region", null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "gejala"
        verbose_name_plural = "gejala"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "symptom"], name="selfcheck_symptom_once"
            )
        ]
        indexes = [models.Index(fields=["day", "district", "symptom"])]

    def __str__(self) -> str:
        return self.symptom
