from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


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


@register()
def check_otp_sender(app_configs, **kwargs):
    if not settings.DEBUG and settings.SIGAP_OTP_SENDER.endswith(".ConsoleSmsBackend"):
        return [
            Warning(
                "SIGAP_OTP_SENDER is the console backend: sign-in codes never reach "
                "residents' phones (and with DEBUG off are not printed either).",
                hint="Set SIGAP_OTP_SENDER=core.notifications.backends.HttpSmsBackend "
                "(and SMS_HTTP_URL) in production.",
                id="sigap.W003",
            )
        ]
    return []


@register()
def check_web_threads(app_configs, **kwargs):
    pool = getattr(settings, "DB_POOL_SIZE", 0)
    if pool and settings.WEB_THREADS > pool:
        return [
            Warning(
                f"WEB_THREADS ({settings.WEB_THREADS}) is above DB_POOL_SIZE ({pool}): "
                "request threads will queue for a database connection.",
                hint="Set WEB_THREADS at or below DB_POOL_SIZE.",
                id="sigap.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_num_proxies(app_configs, **kwargs):
    """Behind a reverse proxy every request comes from the proxy's address: without
    NUM_PROXIES all clients share one rate limit (Sigap never trusts a forwarded
    header it was not told to)."""
    behind_proxy = bool(getattr(settings, "SECURE_PROXY_SSL_HEADER", None)) or bool(
        getattr(settings, "USE_X_FORWARDED_HOST", False)
    )
    if behind_proxy and not settings.NUM_PROXIES:
        return [
            Warning(
                "Sigap is configured for a reverse proxy (SECURE_PROXY_SSL_HEADER or "
                "USE_X_FORWARDED_HOST) but NUM_PROXIES is 0: rate limits will count "
                "every client as the proxy's address.",
                hint="Set NUM_PROXIES to the number of proxies that append to "
                "X-Forwarded-For (1 for the nginx of deploy/).",
                id="sigap.W004",
            )
        ]
    return []
