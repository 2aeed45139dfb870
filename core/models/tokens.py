from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """An app's sign-in (`Authorization: Token <key>`). Only the key's SHA-256 is
    stored: a database leak or an admin page shows no usable key. Each sign-in is
    one row, listed to its owner (`GET /api/v1/me/sessions`) to revoke."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("awalan", max_length=12)
    name = models.CharField("perangkat", max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sesi aplikasi"
        verbose_name_plural = "sesi aplikasi"
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.prefix}… of user #{self.user_id}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
