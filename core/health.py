"""/healthz: database, cache, channel layer and task queue, each with its latency;
the backends' names and an error's type only with DEBUG or to signed-in staff."""

from __future__ import annotations

import threading
import time
import uuid

from asgiref.sync import async_to_sync
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _timed(check) -> dict:
    start = time.perf_counter()
    try:
        detail = check()
        result = {"ok": True}
        if detail:
            result["backend"] = detail
    except Exception as exc:  # report, don't raise: this is the health page
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - start) * 1000, 1)
    return result


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value")
    cache.delete(key)
    return "redis" if settings.REDIS_URL else "locmem"


_probe_layer = None
_probe_lock = threading.Lock()


def _channel_layer() -> str:
    """A message sent and received through the configured channel layer. Through a
    layer of its own (same backend and configuration): each round trip runs on a
    new event loop, and channels_redis refuses two loops receiving on one layer at
    once, so the shared layer, whose websocket consumers receive on the server's
    loop, is left to them, and probes of one process take turns."""
    global _probe_layer
    with _probe_lock:
        if _probe_layer is None:
            _probe_layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        layer = _probe_layer

        async def roundtrip() -> None:
            channel = await layer.new_channel()
            await layer.send(channel, {"type": "healthz"})
            await layer.receive(channel)

        async_to_sync(roundtrip)()
    return type(layer).__name__


HEARTBEAT_KEY = "health:task-heartbeat"


def heartbeat_record() -> None:
    """Run by a Celery worker every minute as beat schedules it: a recent timestamp
    proves that beat and a worker are alive and that the queue moves."""
    cache.set(HEARTBEAT_KEY, time.time(), 24 * 3600)


def heartbeat_age() -> int | None:
    """Seconds since a worker last ran the heartbeat task (None: never, or expired)."""
    beat = cache.get(HEARTBEAT_KEY)
    return None if beat is None else max(0, round(time.time() - float(beat)))


def _task_queue(*, liveness: bool) -> dict:
    """The broker answers; unless eager, a worker ran beat's heartbeat task within
    SIGAP_TASK_HEARTBEAT_MAX_AGE seconds (pinging the broker alone said ok with no
    worker and no beat running: no alert left for a nurse's phone)."""
    from core.celery import app

    start = time.perf_counter()

    def took() -> float:
        return round((time.perf_counter() - start) * 1000, 1)

    if app.conf.task_always_eager:
        backend = "eager (in-process)" + (
            " + embedded scheduler" if settings.SIGAP_EMBEDDED_SCHEDULER else ""
        )
        return {"ok": True, "backend": backend, "ms": took()}
    queued = None
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            if conn.transport.driver_type == "redis":
                # kombu's Redis transport keeps a queue as a list under its name.
                queued = conn.default_channel.client.llen(
                    settings.CELERY_TASK_DEFAULT_QUEUE
                )
    except Exception as exc:  # report, don't raise: this is the health page
        return {"ok": False, "error": type(exc).__name__, "ms": took()}
    result = {"ok": True, "backend": "celery/redis", "queued": queued}
    if liveness:
        age = heartbeat_age()
        result["heartbeat_age_s"] = age
        if age is None or age > settings.SIGAP_TASK_HEARTBEAT_MAX_AGE:
            result.update(ok=False, error="no worker heartbeat")
    result["ms"] = took()
    return result


def _may_see_details(request) -> bool:
    """DEBUG (`make run`), or a staff member signed in to the pages."""
    if settings.DEBUG:
        return True
    user = getattr(request, "user", None)
    return bool(
        user is not None
        and user.is_authenticated
        and (user.is_superuser or user.role != user.Role.RESIDENT)
    )


@never_cache
def healthz(request):
    # ?scope=web: only what this process needs to serve (a load balancer's or an
    # orchestrator's probe of the web process); a stopped worker is not its fault.
    checks = {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "channel_layer": _timed(_channel_layer),
        "task_queue": _task_queue(liveness=request.GET.get("scope") != "web"),
    }
    healthy = all(c["ok"] for c in checks.values())
    if not _may_see_details(request):
        # Probes need the status (and its 200/503); which database, cache or queue
        # runs behind it, and an error's type, are for the people running Sigap.
        checks = {
            name: {k: v for k, v in check.items() if k in ("ok", "ms")}
            for name, check in checks.items()
        }
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks},
        status=200 if healthy else 503,
    )
