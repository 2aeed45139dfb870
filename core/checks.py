from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register


@register()
def check_embedded_defaults(app_configs, **kwargs):
    issues = []
    if not settings.DEBUG and not settings.REDIS_URL:
        issues.append(
            Warning(
                "REDIS_URL is not set: tasks run inline and websockets do not reach other "
                "processes.",
                hint="Set REDIS_URL for production deployments.",
                id="sigap.W001",
            )
        )
    return issues
