from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


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


def _backend_settings() -> dict[str, str]:
    """Each backend setting by its environment variable's name."""
    channels = settings.SIGAP_NOTIFICATION_BACKENDS
    return {
        "SIGAP_OTP_SENDER": settings.SIGAP_OTP_SENDER,
        **{
            f"SIGAP_{channel.upper()}_BACKEND": path
            for channel, path in channels.items()
        },
    }


@register()
def check_backends(app_configs, **kwargs):
    """A backend that cannot be imported would fail every sign-in code or message
    at the moment it is sent (a 500); refuse to start instead."""
    from django.utils.module_loading import import_string

    from core.notifications.backends import SmsSender

    errors = []
    for name, path in _backend_settings().items():
        try:
            backend = import_string(path)
        except ImportError as exc:
            errors.append(
                Error(
                    f"{name}={path!r} cannot be imported: {exc}",
                    hint="Use a class name of README's Configuration table "
                    "(e.g. HttpSmsBackend) or a full dotted path "
                    "(core.notifications.backends.HttpSmsBackend).",
                    id="sigap.E001",
                )
            )
            continue
        if name == "SIGAP_OTP_SENDER" and not (
            isinstance(backend, type) and issubclass(backend, SmsSender)
        ):
            errors.append(
                Error(
                    f"SIGAP_OTP_SENDER={path!r} is not an SMS sender.",
                    hint="Use HttpSmsBackend (an SMS gateway) or ConsoleSmsBackend.",
                    id="sigap.E001",
                )
            )
    return errors


@register(Tags.security, deploy=True)
def check_person_key_secret(app_configs, **kwargs):
    """The hashes that match a person's reports across sources (and the key of the
    NIKs kept for SATUSEHAT) derive from SIGAP_PERSON_KEY_SECRET, else SECRET_KEY:
    rotating SECRET_KEY would then split every known person into a new case."""
    if not settings.DEBUG and not settings.SIGAP_PERSON_KEY_SECRET:
        return [
            Warning(
                "SIGAP_PERSON_KEY_SECRET is not set: case matching keys people with "
                "SECRET_KEY, so rotating SECRET_KEY makes every known NIK a new case "
                "(and, without SATUSEHAT_NIK_KEY, leaves the NIKs kept for SATUSEHAT "
                "unreadable).",
                hint="Set SIGAP_PERSON_KEY_SECRET once to a long random value and "
                'never change it (README "Configuration"). An existing deployment '
                "sets it to its current SECRET_KEY.",
                id="sigap.W005",
            )
        ]
    return []


@register(deploy=True)
def check_backend_configuration(app_configs, **kwargs):
    """A configured gateway without its address or key accepts every message and
    sends none (the sign-in code request still answers 202)."""
    paths = set(_backend_settings().values())
    issues = []
    if "core.notifications.backends.HttpSmsBackend" in paths and not (
        settings.SMS_HTTP_URL
    ):
        issues.append(
            Warning(
                "HttpSmsBackend is configured (SIGAP_OTP_SENDER or SIGAP_SMS_BACKEND) "
                "but SMS_HTTP_URL is not set: no sign-in code or SMS can be sent.",
                hint="Set SMS_HTTP_URL (and SMS_HTTP_TOKEN) to the SMS gateway "
                '(README "Configuration": the gateway contract).',
                id="sigap.W006",
            )
        )
    if "core.notifications.backends.FcmBackend" in paths:
        missing = [
            name
            for name in ("FCM_PROJECT_ID", "FCM_CREDENTIALS_FILE")
            if not getattr(settings, name)
        ]
        credentials = settings.FCM_CREDENTIALS_FILE
        if missing:
            problem = " and ".join(missing) + " not set"
        elif not os.access(credentials, os.R_OK):
            problem = f"FCM_CREDENTIALS_FILE ({credentials}) cannot be read"
        else:
            problem = ""
        if problem:
            issues.append(
                Warning(
                    f"SIGAP_PUSH_BACKEND is FcmBackend but {problem}: no push "
                    "notification can be sent.",
                    hint="Set FCM_PROJECT_ID and FCM_CREDENTIALS_FILE (the service "
                    "account's JSON key, readable by the sigap user).",
                    id="sigap.W007",
                )
            )
    return issues
