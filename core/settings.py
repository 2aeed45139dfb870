"""Sigap settings: one module, driven by environment variables only.

No DATABASE_URL -> SQLite; no REDIS_URL -> in-memory channel layer, local-memory cache
and eager Celery (plus the embedded scheduler for periodic jobs). See .env.example.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from core.api.description import API_DESCRIPTION

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """A yes/no setting. A value it does not know is an error, not False: a typo in
    `SECURE_SSL_REDIRECT=ture` must not switch a protection off."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a yes/no value; use one of "
        f"{', '.join(sorted(TRUE_WORDS | FALSE_WORDS))}."
    )


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# Like healthchecks: zero-config local runs are DEBUG; production sets DEBUG=0.
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if not DEBUG:
    missing = [
        n
        for n, v in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not v
    ]
    if missing:
        raise ImproperlyConfigured(
            "DEBUG is off: set " + " and ".join(missing) + " (see .env.example)."
        )
else:
    SECRET_KEY = SECRET_KEY or "sigap-insecure-development-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver", "[::1]"]

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "simple_history",
    "core",
    "selfcheck",
    "isolation",
    "isolation.teleconsult",
    "chatbot",
    "chatbot.conversation",
    "chatbot.channels",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "core.middleware.ApiErrorFormatMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivateApiResponsesMiddleware",
    "core.middleware.LanguageMiddleware",
    "core.middleware.RequireContentLengthMiddleware",
    "core.middleware.WallTimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "core.urls"
WSGI_APPLICATION = "core.wsgi.application"
ASGI_APPLICATION = "core.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            # Under ASGI, requests run on short-lived threads: persistent connections
            # would pile up, so the default closes them at the end of each request.
            conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
            conn_health_checks=True,
        )
    }
    # A connection pool per process (psycopg_pool) instead: requests borrow an open
    # connection rather than connecting each time. For the ASGI web process; Celery's
    # prefork workers keep plain connections (a pool does not survive fork).
    DB_POOL_SIZE = env_int("DB_POOL_SIZE", 0)
    IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
    if DB_POOL_SIZE and IS_POSTGRES:
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL_SIZE,
            "timeout": 10,
        }
        # A pooled connection handed out again within this many seconds is not
        # checked with an extra round trip first (core/postgres/base.py); 0 checks
        # every time, as Django does.
        DATABASES["default"]["ENGINE"] = "core.postgres"
    DB_POOL_CHECK_AFTER = float(env("DB_POOL_CHECK_AFTER", "1") or 1)
    # Behind pgbouncer in transaction pooling mode each transaction may run on another
    # server connection: no server-side cursors (they live across transactions) and no
    # server-side prepared statements.
    DB_PGBOUNCER = env_bool("DB_PGBOUNCER", False)
    if DB_PGBOUNCER and IS_POSTGRES:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
    # Otherwise prepared statements: parameters are bound by the server and psycopg
    # prepares a statement on its DB_PREPARE_THRESHOLD-th run on a connection, so
    # PostgreSQL stops parsing and planning the hot paths' statements (a check-in's
    # one write, its isolation lookup, the token read): about a third less
    # PostgreSQL CPU per check-in, measured (docs/capacity.md). Django's default
    # binds on the client and prepares nothing (DB_PREPARED_STATEMENTS=0).
    DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", not DB_PGBOUNCER)
    if DB_PREPARED_STATEMENTS and IS_POSTGRES:
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        options["prepare_threshold"] = env_int("DB_PREPARE_THRESHOLD", 5)
else:
    DB_PGBOUNCER = DB_PREPARED_STATEMENTS = False  # PostgreSQL's settings
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue
                # instead of failing half-way (SQLite's stand-in for row locks).
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
    IS_POSTGRES = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery broker -----------------------------------------
# Threads per web process running Django's request cycle (core/handlers.py).
WEB_THREADS = max(1, env_int("WEB_THREADS", 4))
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Keeps answering while Redis is down: misses, skipped writes and
            # per-process rate limits (core/cache.py).
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sigap",
            "OPTIONS": {
                # A Redis that stops answering (not just refusing) costs a request
                # at most this long before the cache gives up on it for a while.
                "socket_connect_timeout": float(env("REDIS_CONNECT_TIMEOUT", "1")),
                "socket_timeout": float(env("REDIS_CACHE_TIMEOUT", "2")),
            },
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # channels_redis waits for messages with a blocking 5 s
                        # BZPOPMIN; redis-py 8's default 5 s socket timeout cut it
                        # off and closed every idle websocket after ~5.6 s (1011).
                        # Longer than the blocking read, and still finite so a dead
                        # connection is noticed; keepalive and a health check for
                        # connections idle behind NAT or a load balancer.
                        "socket_timeout": float(env("REDIS_CHANNEL_TIMEOUT", "20")),
                        "socket_connect_timeout": float(
                            env("REDIS_CONNECT_TIMEOUT", "1")
                        ),
                        "socket_keepalive": True,
                        "health_check_interval": 30,
                        # A pooled connection left idle across a Redis restart is
                        # dead: without a retry its next command failed (the first
                        # push after Redis came back was lost and tripped the
                        # pusher's breaker; the first websocket handshake failed).
                        # Once more on a fresh connection.
                        "retry": Retry(NoBackoff(), 1),
                    }
                ],
                "prefix": "sigap",
                # A busy facility's dashboard gets bursts of alerts: the default of
                # 100 queued frames per connection would drop some.
                "capacity": env_int("CHANNEL_LAYER_CAPACITY", 1000),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
# Every task: acknowledged after it ran, and back on the broker when its worker dies
# (tasks are idempotent, so a second run is harmless). Not repeated on each task.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "sigap"
# A task whose worker died without acknowledging it (killed, lost its machine) goes
# back on the queue once it is this old; the outbox sweeps deliver sooner anyway.
# It must exceed the longest task, or a slow task would also run a second time.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs; run by `celery beat` (make worker) or, on the embedded default, by
# core.scheduler inside the web process. Schedules are seconds.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Liveness of beat and the workers for /healthz (core.health); a heartbeat not
    # run within the minute is dropped, the next one will do.
    "core.heartbeat": {
        "task": "core.tasks.heartbeat",
        "schedule": 60.0,
        "options": {"expire_seconds": 55},
    },
    "core.deliver_due_notifications": {
        "task": "core.tasks.deliver_due_notifications",
        "schedule": 60.0,
    },
    "isolation.deliver_pending_alerts": {
        "task": "isolation.tasks.deliver_pending_alerts",
        "schedule": 60.0,
    },
    "isolation.flag_missed_checkins": {
        "task": "isolation.tasks.flag_missed_checkins",
        "schedule": 300.0,
    },
    "isolation.flag_release_due": {
        "task": "isolation.tasks.flag_release_due",
        "schedule": 900.0,
    },
    "isolation.send_checkin_reminders": {
        "task": "isolation.tasks.send_checkin_reminders",
        "schedule": 300.0,
    },
    "teleconsult.send_due_reminders": {
        "task": "isolation.teleconsult.tasks.send_due_reminders",
        "schedule": 60.0,
    },
    "teleconsult.settle_bookings": {
        "task": "isolation.teleconsult.tasks.settle_bookings",
        "schedule": 60.0,
    },
    "areas.recompute_area_figures": {
        "task": "core.cases.tasks.recompute_area_figures",
        "schedule": 60.0,
    },
    "satusehat.sync": {
        "task": "core.satusehat.tasks.satusehat_sync",
        "schedule": 300.0,
    },
    "satusehat.reconcile": {
        "task": "core.satusehat.tasks.satusehat_reconcile_nightly",
        "schedule": 3600.0,
    },
    "areas.roll_forward_area_figures": {
        "task": "core.cases.tasks.roll_forward_area_figures",
        "schedule": 3600.0,
    },
}
# Task modules outside an app's tasks.py (autodiscovery only finds <app>.tasks).
CELERY_IMPORTS = ["core.areas.tasks", "core.cases.tasks", "core.satusehat.tasks"]
SIGAP_EMBEDDED_SCHEDULER = env_bool("SIGAP_EMBEDDED_SCHEDULER", False)
# /healthz: the task queue is not ok (503) when no worker ran beat's once-a-minute
# heartbeat task for this many seconds (not with eager tasks: nothing to wait for).
SIGAP_TASK_HEARTBEAT_MAX_AGE = env_int("SIGAP_TASK_HEARTBEAT_MAX_AGE", 180)

# --- Auth --------------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["core.auth_backends.ThrottledModelBackend"]
# Wrong passwords allowed in 15 minutes per account from one address (and from all
# addresses, for addresses the account has not signed in from; core.auth_backends)
# and per address.
SIGAP_LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int(
    "SIGAP_LOGIN_MAX_FAILURES_PER_ACCOUNT", 10
)
SIGAP_LOGIN_MAX_FAILURES_PER_CLIENT = env_int("SIGAP_LOGIN_MAX_FAILURES_PER_CLIENT", 30)
# Staff signing in to the API give a one-time code as well as their password.
SIGAP_STAFF_SECOND_FACTOR = env_bool("SIGAP_STAFF_SECOND_FACTOR", False)
LOGIN_URL = "/dashboard/login/"
# Each role's home (core.pages.signed_in_home) when a sign-in names no `next`.
LOGIN_REDIRECT_URL = "/home/"

SIGAP_OTP_TTL_SECONDS = env_int("SIGAP_OTP_TTL_SECONDS", 300)
# An isolation check-in received this many hours after its slot closed is stored and
# shown, marked late; it does not count as the slot reported (README "Isolation").
SIGAP_LATE_CHECKIN_HOURS = env_int("SIGAP_LATE_CHECKIN_HOURS", 6)
SIGAP_OTP_MAX_ATTEMPTS = env_int("SIGAP_OTP_MAX_ATTEMPTS", 5)
# Codes one client (address) may ask for one phone per hour.
SIGAP_OTP_MAX_PER_HOUR = env_int("SIGAP_OTP_MAX_PER_HOUR", 5)
# Wrong or stale codes one client may send per hour, whatever the phones.
SIGAP_OTP_MAX_FAILURES_PER_CLIENT = env_int("SIGAP_OTP_MAX_FAILURES_PER_CLIENT", 30)
# API tokens (one per app sign-in, stored hashed) expire this many days after issue.
SIGAP_TOKEN_TTL_DAYS = env_int("SIGAP_TOKEN_TTL_DAYS", 30)
# Sigap's own backends may be named by their class alone (SIGAP_OTP_SENDER=HttpSmsBackend,
# as README's table does); anything else is a dotted path. core.checks refuses a
# backend that cannot be imported.
BACKEND_SHORT_NAMES = {
    **dict.fromkeys(
        (
            "ConsoleSmsBackend",
            "LocmemSmsBackend",
            "HttpSmsBackend",
            "ConsolePushBackend",
            "ConsoleChatBackend",
            "FcmBackend",
        ),
        "core.notifications.backends",
    ),
    **dict.fromkeys(
        ("TelegramBackend", "WhatsAppBackend"), "chatbot.channels.backends"
    ),
}


def env_backend(name: str, default: str) -> str:
    value = env(name).strip() or default
    module = BACKEND_SHORT_NAMES.get(value)
    return f"{module}.{value}" if module else value


SIGAP_OTP_SENDER = env_backend("SIGAP_OTP_SENDER", "ConsoleSmsBackend")

# Notification channels: backend per channel; chatbot adapters provide telegram/whatsapp.
SIGAP_NOTIFICATION_BACKENDS = {
    "push": env_backend("SIGAP_PUSH_BACKEND", "ConsolePushBackend"),
    "sms": env_backend("SIGAP_SMS_BACKEND", "ConsoleSmsBackend"),
    # The chat platforms' own backends (through the chatbot outbox) once configured.
    "telegram": env_backend(
        "SIGAP_TELEGRAM_BACKEND",
        "TelegramBackend" if env("TELEGRAM_BOT_TOKEN") else "ConsoleChatBackend",
    ),
    "whatsapp": env_backend(
        "SIGAP_WHATSAPP_BACKEND",
        "WhatsAppBackend" if env("WHATSAPP_TOKEN") else "ConsoleChatBackend",
    ),
}
SIGAP_QUIET_HOURS = (env_int("SIGAP_QUIET_START", 21), env_int("SIGAP_QUIET_END", 6))
SIGAP_NOTIFICATION_MAX_ATTEMPTS = env_int("SIGAP_NOTIFICATION_MAX_ATTEMPTS", 8)
FCM_PROJECT_ID = env("FCM_PROJECT_ID")
FCM_CREDENTIALS_FILE = env("FCM_CREDENTIALS_FILE")
FCM_ENDPOINT = env("FCM_ENDPOINT", "https://fcm.googleapis.com")
SMS_HTTP_URL = env("SMS_HTTP_URL")
SMS_HTTP_TOKEN = env("SMS_HTTP_TOKEN")

# --- Teleconsultation -------------------------------------------------------------------
# Upcoming (booked, not yet ended) consultations one resident may hold at once; accepting
# a slot a health worker proposed after a danger sign is not held to it.
SIGAP_TELECONSULT_MAX_ACTIVE_BOOKINGS = max(
    1, env_int("SIGAP_TELECONSULT_MAX_ACTIVE_BOOKINGS", 2)
)
# How far ahead slots are listed and may be booked (days from now).
SIGAP_TELECONSULT_HORIZON_DAYS = max(1, env_int("SIGAP_TELECONSULT_HORIZON_DAYS", 31))
# How long a proposed slot is held for its patient (never past the slot's start).
SIGAP_TELECONSULT_PROPOSAL_HOLD_MINUTES = max(
    1, env_int("SIGAP_TELECONSULT_PROPOSAL_HOLD_MINUTES", 120)
)

# --- API ---------------------------------------------------------------------------------
NUM_PROXIES = max(0, env_int("NUM_PROXIES", 0))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonRateThrottle",
        "core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("SIGAP_THROTTLE_ANON", "120/min"),
        "user": env("SIGAP_THROTTLE_USER", "600/min"),
        "otp": env("SIGAP_THROTTLE_OTP", "20/min"),
        "chatbot": env("SIGAP_THROTTLE_CHATBOT", "60/min"),
    },
    # Clients are told apart by address: the socket's own unless NUM_PROXIES reverse
    # proxies in front are trusted to append to X-Forwarded-For. None (DRF's default)
    # would trust whatever header a client sends, lifting every limit.
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sigap API",
    "DESCRIPTION": API_DESCRIPTION,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.error_responses",
    ],
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "IsolationReasonEnum": "isolation.models.Isolation.Reason",
        "IsolationRequestStatusEnum": "isolation.models.IsolationRequest.Status",
        "IsolationRequestReasonEnum": [
            ("positive_test", "Hasil tes positif"),
            ("high_selfcheck", "Cek mandiri risiko tinggi"),
        ],
    },
}
# Cap request bodies: Django refuses larger ones (rendered as 413 by our handler).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SIGAP_MAX_BODY_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- i18n --------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "core" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Files browsers ask for at the root (/favicon.ico), served by WhiteNoise as well.
WHITENOISE_ROOT = BASE_DIR / "core" / "public"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security (production) ---------------------------------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- Logging: request ids, never personal data --------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        "no_query": {"()": "core.logging.NoQueryStringFilter"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
            "stream": sys.stderr,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
        # runserver prints its own access log line; don't print it twice. Access
        # lines never show query strings (websocket tokens, GPS points).
        "django.channels.server": {
            "level": "INFO",
            "propagate": False,
            "filters": ["no_query"],
        },
        "django.server": {
            "handlers": ["console"],
            "level": "INFO",
            "propagate": False,
            "filters": ["no_query"],
        },
        # Embedded default: tasks run inline, so "task succeeded" lines are noise and
        # the in-memory broker has no hostname to complain about.
        **(
            {}
            if REDIS_URL
            else {
                "celery.app.trace": {"level": "WARNING"},
                "kombu.connection": {"level": "ERROR"},
            }
        ),
    },
}

SIGAP_BOUNDARIES_FILE = env(
    "SIGAP_BOUNDARIES_FILE",
    str(BASE_DIR.parent / "shared" / "data" / "kecamatan.geojson.gz"),
)

# --- Risk areas and case integration (core.areas, core.cases) -----------------------------
# A point outside every kecamatan but this close to one resolves to it, flagged approximate.
SIGAP_AREAS_APPROX_METERS = env_int("SIGAP_AREAS_APPROX_METERS", 2000)
# A point at sea among an archipelago kecamatan's islands (its outline), or this close
# to one of them, is that kecamatan (approximate): the file lacks the smallest islands.
SIGAP_AREAS_ISLAND_METERS = env_int("SIGAP_AREAS_ISLAND_METERS", 25000)
# Public area responses: Cache-Control max-age (they are also cached server-side).
SIGAP_AREAS_CACHE_SECONDS = env_int("SIGAP_AREAS_CACHE_SECONDS", 300)
# Web processes build the boundary, area search and chatbot indexes when they start
# (core/warmup.py) instead of on their first such request (about 2 s each).
SIGAP_WARM_UP_INDEXES = env_bool("SIGAP_WARM_UP_INDEXES", True)
# How often a process checks whether boundaries changed (rebuilds its spatial index).
SIGAP_AREAS_INDEX_CHECK_SECONDS = env_int("SIGAP_AREAS_INDEX_CHECK_SECONDS", 10)
# Per-client rate of the public area endpoints (cheap, cached reads).
SIGAP_THROTTLE_AREAS = env("SIGAP_THROTTLE_AREAS", "3000/min")
# Counts 1-4 at kelurahan/desa level published as "<5" (map, API, open data alike).
SMALL_COUNT_SUPPRESSION = env_bool("SMALL_COUNT_SUPPRESSION", True)
# Basemap tiles for the public map (e.g. https://tile.example/{z}/{x}/{y}.png); empty:
# the polygons alone, which work offline.
MAP_TILE_URL = env("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "")


def _tile_source(url: str) -> list[str]:
    """The basemap's origin for the pages' Content-Security-Policy: Leaflet's "{s}"
    subdomain placeholder becomes a wildcard ("https://{s}.tile.example/…" →
    "https://*.tile.example")."""
    parsed = urlsplit(url.replace("{s}", "*"))
    return (
        [f"{parsed.scheme}://{parsed.netloc}"]
        if parsed.scheme and parsed.netloc
        else []
    )


# Content-Security-Policy on every answer (django-csp): scripts only from this site's
# own static files (no inline script anywhere: pages pass data in json_script blocks and
# data- attributes), images from here, data: URIs and the basemap, no plugins, no
# framing, forms posting only here. Inline style attributes stay allowed (Leaflet,
# uPlot and the admin set them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *_tile_source(MAP_TILE_URL)],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Public map data (zones per day, shapes): Cache-Control max-age.
SIGAP_MAP_CACHE_SECONDS = env_int("SIGAP_MAP_CACHE_SECONDS", 300)
# Open data (/data/): who publishes it and under which licence (catalogue metadata).
OPEN_DATA_PUBLISHER = env("OPEN_DATA_PUBLISHER", "Dinas Kesehatan (Sigap)")
OPEN_DATA_LICENSE = env(
    "OPEN_DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/"
)
# The kecamatan boundaries come from elsewhere (see the data's README): their own
# licence and the notice it asks every copy to carry.
OPEN_DATA_BOUNDARIES_LICENSE = env(
    "OPEN_DATA_BOUNDARIES_LICENSE", "https://opensource.org/license/mit"
)
OPEN_DATA_BOUNDARIES_SOURCE = env(
    "OPEN_DATA_BOUNDARIES_SOURCE",
    "cahyadsn/wilayah_boundaries (https://github.com/cahyadsn/wilayah_boundaries), "
    "Copyright (c) Cahya DSN, MIT License; kode Kepmendagri 300.2.2-2138/2025; "
    "disederhanakan oleh Sigap",
)
# /kantor/: a source with no report for this many hours is flagged as quiet.
SIGAP_SOURCE_QUIET_HOURS = env_int("SIGAP_SOURCE_QUIET_HOURS", 48)
SIGAP_THROTTLE_INTEGRATOR = env("SIGAP_THROTTLE_INTEGRATOR", "600/min")
SIGAP_CASES_BATCH_MAX = env_int("SIGAP_CASES_BATCH_MAX", 1000)
# Key of the hashes that match people across sources (NIK is never stored). Changing it
# breaks matching with earlier reports: set once per deployment. Default: SECRET_KEY.
SIGAP_PERSON_KEY_SECRET = env("SIGAP_PERSON_KEY_SECRET")

# --- SATUSEHAT bridge (core.satusehat) ---------------------------------------------------------
# Kemenkes' FHIR R4 platform. Off unless all of the URLs, client id/secret and the
# organization id are set. Sandbox: auth https://api-satusehat-stg.dto.kemkes.go.id/oauth2/v1,
# FHIR https://api-satusehat-stg.dto.kemkes.go.id/fhir-r4/v1; production: the same paths
# on https://api-satusehat.kemkes.go.id.
SATUSEHAT_AUTH_URL = env("SATUSEHAT_AUTH_URL").rstrip("/")
SATUSEHAT_BASE_URL = env("SATUSEHAT_BASE_URL").rstrip("/")
SATUSEHAT_CLIENT_ID = env("SATUSEHAT_CLIENT_ID")
SATUSEHAT_CLIENT_SECRET = env("SATUSEHAT_CLIENT_SECRET")
SATUSEHAT_ORGANIZATION_ID = env("SATUSEHAT_ORGANIZATION_ID")
# Cases per transaction Bundle; seconds of HTTP timeout; retry back-off base (doubles per
# attempt, capped at an hour); seconds a claimed outbox row stays with its sender.
SATUSEHAT_BUNDLE_CASES = env_int("SATUSEHAT_BUNDLE_CASES", 25)
# Bundles in flight at once per sender.
SATUSEHAT_CONCURRENCY = env_int("SATUSEHAT_CONCURRENCY", 4)
SATUSEHAT_TIMEOUT = float(env("SATUSEHAT_TIMEOUT", "30"))
SATUSEHAT_RETRY_BASE_SECONDS = float(env("SATUSEHAT_RETRY_BASE_SECONDS", "30"))
SATUSEHAT_LEASE_SECONDS = env_int("SATUSEHAT_LEASE_SECONDS", 300)
# Key that encrypts the NIKs kept for the bridge (Fernet, derived from it); default
# SIGAP_PERSON_KEY_SECRET, else SECRET_KEY.
SATUSEHAT_NIK_KEY = env("SATUSEHAT_NIK_KEY")

# --- Chatbot matcher (chatbot) -----------------------------------------------------------------
# Thresholds calibrated on the dev half of tests/chatbot/data/eval_set.json
# (bench/chatbot_quality.py --calibrate prints the sweep).
CHATBOT_FAQ_ANSWER_THRESHOLD = float(env("CHATBOT_FAQ_ANSWER_THRESHOLD", "0.40"))
CHATBOT_FAQ_MARGIN = float(env("CHATBOT_FAQ_MARGIN", "0.06"))
CHATBOT_FAQ_SUGGEST_THRESHOLD = float(env("CHATBOT_FAQ_SUGGEST_THRESHOLD", "0.12"))
# A best entry just under the answer bar is still answered when it leads every other
# by this much (chosen on the development material, issue 17).
CHATBOT_FAQ_LEAD_ANSWER = float(env("CHATBOT_FAQ_LEAD_ANSWER", "0.28"))
CHATBOT_FAQ_LEAD_MARGIN = float(env("CHATBOT_FAQ_LEAD_MARGIN", "0.14"))
CHATBOT_HOAX_AUTO_THRESHOLD = float(env("CHATBOT_HOAX_AUTO_THRESHOLD", "0.52"))
CHATBOT_HOAX_SUGGEST_THRESHOLD = float(env("CHATBOT_HOAX_SUGGEST_THRESHOLD", "0.44"))
# Curator inboxes show a "nearest entry" only from this score up: below it, on the eval
# set, the nearest FAQ is right for 1 question in 5 and the nearest hoax claim never.
CHATBOT_INBOX_FAQ_MIN_SCORE = float(env("CHATBOT_INBOX_FAQ_MIN_SCORE", "0.35"))
CHATBOT_INBOX_HOAX_MIN_SCORE = float(env("CHATBOT_INBOX_HOAX_MIN_SCORE", "0.30"))
CHATBOT_MAX_MESSAGE_CHARS = env_int("CHATBOT_MAX_MESSAGE_CHARS", 4000)
# FAQ/hoax imports (admin "Impor", import_faq, import_hoaxes): a file over this size or
# with more rows is refused with a message to split it (a fact-check row with its
# narrative and explanation is 1-3 KB of CSV: 64 MB holds some 20,000-60,000 of them;
# the starter set's rows average 0.7 KB).
CHATBOT_IMPORT_MAX_BYTES = env_int("CHATBOT_IMPORT_MAX_BYTES", 64 * 1024 * 1024)
CHATBOT_IMPORT_MAX_ROWS = env_int("CHATBOT_IMPORT_MAX_ROWS", 100_000)
# An admin upload up to this size is imported in the request (a few thousand rows, a
# few seconds); a larger one by a Celery worker, the curator watching its progress
# (a 100,000-row import takes minutes: longer than a proxy waits for a response).
CHATBOT_IMPORT_INLINE_BYTES = env_int("CHATBOT_IMPORT_INLINE_BYTES", 1024 * 1024)
# A job still "running" this long after it started lost its worker: run it again.
# Longer than the largest import takes (100,000 rows: 1-2 minutes).
CHATBOT_IMPORT_STALE_SECONDS = env_int("CHATBOT_IMPORT_STALE_SECONDS", 1800)
# Each process checks the shared index version at most this often (seconds) and, when
# it changed, rebuilds in a background thread while answering with the old index.
CHATBOT_INDEX_CHECK_SECONDS = float(env("CHATBOT_INDEX_CHECK_SECONDS", "1"))
CHATBOT_INDEX_REBUILD_IN_BACKGROUND = env_bool(
    "CHATBOT_INDEX_REBUILD_IN_BACKGROUND", True
)
# Match counters are buffered per process and written at most this often (seconds).
CHATBOT_STATS_FLUSH_SECONDS = float(env("CHATBOT_STATS_FLUSH_SECONDS", "10"))

# --- Chatbot conversations (chatbot.conversation) ----------------------------------
# A flow left idle this long goes back to the menu (an open handoff never expires).
CHATBOT_CONVERSATION_IDLE_MINUTES = env_int("CHATBOT_CONVERSATION_IDLE_MINUTES", 30)
# Chat linking codes: lifetime, and wrong codes allowed per chat per window.
CHATBOT_LINK_CODE_TTL_SECONDS = env_int("CHATBOT_LINK_CODE_TTL_SECONDS", 600)
CHATBOT_LINK_MAX_ATTEMPTS = env_int("CHATBOT_LINK_MAX_ATTEMPTS", 5)
CHATBOT_LINK_WINDOW_SECONDS = env_int("CHATBOT_LINK_WINDOW_SECONDS", 900)

# --- Chatbot on Telegram and WhatsApp (chatbot.channels) ---------------------------
TELEGRAM_BOT_TOKEN = env("TELEGRAM_BOT_TOKEN")
# Sent by Telegram in X-Telegram-Bot-Api-Secret-Token (set with telegram_set_webhook).
TELEGRAM_WEBHOOK_SECRET = env("TELEGRAM_WEBHOOK_SECRET")
TELEGRAM_API_BASE_URL = env("TELEGRAM_API_BASE_URL", "https://api.telegram.org")
# The bot's @username (without @): group replies point to https://t.me/<username> for
# private features, and "/cmd@otherbot" commands are left to that bot. Optional.
TELEGRAM_BOT_USERNAME = env("TELEGRAM_BOT_USERNAME")
WHATSAPP_TOKEN = env("WHATSAPP_TOKEN")
WHATSAPP_APP_SECRET = env("WHATSAPP_APP_SECRET")
WHATSAPP_VERIFY_TOKEN = env("WHATSAPP_VERIFY_TOKEN")
WHATSAPP_PHONE_NUMBER_ID = env("WHATSAPP_PHONE_NUMBER_ID")
WHATSAPP_GRAPH_URL = env("WHATSAPP_GRAPH_URL", "https://graph.facebook.com")
WHATSAPP_GRAPH_VERSION = env("WHATSAPP_GRAPH_VERSION", "v21.0")
# Platform limits (messages per second): Telegram overall and per chat, WhatsApp per number.
CHATBOT_TELEGRAM_RATE = float(env("CHATBOT_TELEGRAM_RATE", "30"))
CHATBOT_TELEGRAM_CHAT_RATE = float(env("CHATBOT_TELEGRAM_CHAT_RATE", "1"))
CHATBOT_WHATSAPP_RATE = float(env("CHATBOT_WHATSAPP_RATE", "80"))
# An unsent reply is retried with backoff until it is this old (WhatsApp's 24 h window).
CHATBOT_OUTBOX_MAX_AGE_SECONDS = env_int("CHATBOT_OUTBOX_MAX_AGE_SECONDS", 86400)
# A send that fails with an unexpected error (not a platform error: a bug, an answer
# that cannot be read) is retried with backoff up to this many attempts in all.
CHATBOT_OUTBOX_MAX_ATTEMPTS = env_int("CHATBOT_OUTBOX_MAX_ATTEMPTS", 5)
# An inbound update that fails transiently (database, Redis, platform outage) is
# retried up to this many attempts; one that can never be read fails at once.
CHATBOT_INBOUND_MAX_ATTEMPTS = env_int("CHATBOT_INBOUND_MAX_ATTEMPTS", 5)
# Seconds the processing of an update waits on getChatMember (is the sender a group
# admin?) and answerCallbackQuery; a slower getChatMember counts as "not an admin".
CHATBOT_TELEGRAM_MEMBER_TIMEOUT = float(env("CHATBOT_TELEGRAM_MEMBER_TIMEOUT", "5"))
CELERY_IMPORTS += ["chatbot.channels.tasks"]
# httpx logs every request URL at INFO, and Telegram's URLs contain the bot token.
LOGGING["loggers"]["httpx"] = {"level": "WARNING"}
# python-telegram-bot logs a body it cannot parse whole, at ERROR (a tester's log got
# a chat id, a first name and the reply's text). The outbox logs its own failures by
# exception type only.
LOGGING["loggers"]["telegram"] = {"level": "CRITICAL", "propagate": False}
CELERY_BEAT_SCHEDULE["chatbot.channels.sweep_inbound"] = {
    "task": "chatbot.channels.tasks.sweep_inbound",
    "schedule": 30.0,
}
CELERY_BEAT_SCHEDULE["chatbot.channels.sweep_outbound"] = {
    "task": "chatbot.channels.tasks.sweep_outbound",
    "schedule": 15.0,
}
CELERY_IMPORTS += ["chatbot.tasks"]
CELERY_BEAT_SCHEDULE["chatbot.sweep_import_jobs"] = {
    "task": "chatbot.tasks.sweep_import_jobs",
    "schedule": 60.0,
}
CELERY_BEAT_SCHEDULE["chatbot.channels.sweep_broadcasts"] = {
    "task": "chatbot.channels.tasks.sweep_broadcasts",
    "schedule": 60.0,
}

# Hospital bed reports dated further back than this are refused (a wrong clock or
# date at the sender): they would only go to history, looking like news.
SIGAP_BED_REPORT_MAX_AGE_DAYS = env_int("SIGAP_BED_REPORT_MAX_AGE_DAYS", 7)
