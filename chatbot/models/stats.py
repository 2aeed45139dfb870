"""Daily match counts: what is asked, what is matched most, what goes unanswered."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class MatchStat(models.Model):
    class Kind(models.TextChoices):
        FAQ = "faq", "FAQ dijawab"
        FAQ_SUGGESTIONS = "faq_suggestions", "FAQ disarankan"
        HOAX = "hoax", "Hoaks dikenali"
        HOAX_POSSIBLE = "hoax_possible", "Kemungkinan hoaks"
        FALLBACK = "fallback", "Tidak terjawab"

    day = models.DateField("tanggal")
    kind = models.CharField("jenis", max_length=16, choices=Kind.choices)
    faq = models.ForeignKey(
        "chatbot.FaqEntry", null=True, blank=True, on_delete=models.CASCADE
    )
    hoax = models.ForeignKey(
        "chatbot.HoaxEntry", null=True, blank=True, on_delete=models.CASCADE
    )
    count = models.PositiveIntegerField("jumlah", default=0)

    class Meta:
        verbose_name = "statistik kecocokan"
        verbose_name_plural = "statistik kecocokan"
        ordering = ["-day", "-count"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "faq"],
                condition=Q(faq__isnull=False),
                name="chatbot_stat_faq_unique",
            ),
            models.UniqueConstraint(
                fields=["day", "kind", "hoax"],
                condition=Q(hoax__isnull=False),
                name="chatbot_stat_hoax_unique",
            ),
            models.UniqueConstraint(
                fields=["day", "kind"],
                condition=Q(faq__isnull=True, hoax__isnull=True),
                name="chatbot_stat_total_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.count}"
