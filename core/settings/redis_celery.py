"""Redis and Celery: the cache, the channel layer, the broker, how tasks run and
the periodic jobs."""

from __future__ import annotations

from core.settings.env import env, env_bool, env_int

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
    "chatbot.channels.sweep_inbound": {
        "task": "chatbot.channels.tasks.sweep_inbound",
        "schedule": 30.0,
    },
    "chatbot.channels.sweep_outbound": {
        "task": "chatbot.channels.tasks.sweep_outbound",
        "schedule": 15.0,
    },
}
# Task modules outside an app's tasks.py (autodiscovery only finds <app>.tasks).
CELERY_IMPORTS = [
    "core.areas.tasks",
    "core.cases.tasks",
    "core.satusehat.tasks",
    "chatbot.channels.tasks",
]
SIGAP_EMBEDDED_SCHEDULER = env_bool("SIGAP_EMBEDDED_SCHEDULER", False)
