"""Sign-in (staff passwords, residents' codes, API tokens) and how messages reach
people (a backend per channel, quiet hours)."""

from __future__ import annotations

from core.settings.env import env, env_bool, env_int

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["core.auth_backends.ThrottledModelBackend"]
# Wrong passwords allowed per account and per client (address) in 15 minutes.
SIGAP_LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int(
    "SIGAP_LOGIN_MAX_FAILURES_PER_ACCOUNT", 10
)
SIGAP_LOGIN_MAX_FAILURES_PER_CLIENT = env_int("SIGAP_LOGIN_MAX_FAILURES_PER_CLIENT", 30)
# Staff signing in to the API give a one-time code as well as their password.
SIGAP_STAFF_SECOND_FACTOR = env_bool("SIGAP_STAFF_SECOND_FACTOR", False)
LOGIN_URL = "/dashboard/login/"
LOGIN_REDIRECT_URL = "/dashboard/"

SIGAP_OTP_TTL_SECONDS = env_int("SIGAP_OTP_TTL_SECONDS", 300)
SIGAP_OTP_MAX_ATTEMPTS = env_int("SIGAP_OTP_MAX_ATTEMPTS", 5)
# Codes one client (address) may ask for one phone per hour.
SIGAP_OTP_MAX_PER_HOUR = env_int("SIGAP_OTP_MAX_PER_HOUR", 5)
# Wrong or stale codes one client may send per hour, whatever the phones.
SIGAP_OTP_MAX_FAILURES_PER_CLIENT = env_int("SIGAP_OTP_MAX_FAILURES_PER_CLIENT", 30)
# API tokens (one per app sign-in, stored hashed) expire this many days after issue.
SIGAP_TOKEN_TTL_DAYS = env_int("SIGAP_TOKEN_TTL_DAYS", 30)
SIGAP_OTP_SENDER = env(
    "SIGAP_OTP_SENDER", "core.notifications.backends.ConsoleSmsBackend"
)

# Notification channels: backend per channel; chatbot adapters provide telegram/whatsapp.
SIGAP_NOTIFICATION_BACKENDS = {
    "push": env("SIGAP_PUSH_BACKEND", "core.notifications.backends.ConsolePushBackend"),
    "sms": env("SIGAP_SMS_BACKEND", "core.notifications.backends.ConsoleSmsBackend"),
    # The chat platforms' own backends (through the chatbot outbox) once configured.
    "telegram": env(
        "SIGAP_TELEGRAM_BACKEND",
        "chatbot.channels.backends.TelegramBackend"
        if env("TELEGRAM_BOT_TOKEN")
        else "core.notifications.backends.ConsoleChatBackend",
    ),
    "whatsapp": env(
        "SIGAP_WHATSAPP_BACKEND",
        "chatbot.channels.backends.WhatsAppBackend"
        if env("WHATSAPP_TOKEN")
        else "core.notifications.backends.ConsoleChatBackend",
    ),
}
SIGAP_QUIET_HOURS = (env_int("SIGAP_QUIET_START", 21), env_int("SIGAP_QUIET_END", 6))
SIGAP_NOTIFICATION_MAX_ATTEMPTS = env_int("SIGAP_NOTIFICATION_MAX_ATTEMPTS", 8)
FCM_PROJECT_ID = env("FCM_PROJECT_ID")
FCM_CREDENTIALS_FILE = env("FCM_CREDENTIALS_FILE")
FCM_ENDPOINT = env("FCM_ENDPOINT", "https://fcm.googleapis.com")
SMS_HTTP_URL = env("SMS_HTTP_URL")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN")
