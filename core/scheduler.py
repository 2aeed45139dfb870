"""Embedded periodic-job runner for the zero-config default (no Redis, no beat).

Runs each CELERY_BEAT_SCHEDULE entry in a daemon thread at its interval, calling the
task inline. With Redis, `celery beat` does this job instead and this never starts.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)
_started = threading.Event()


def _run_loop(stop: threading.Event) -> None:
    from core.celery import app

    app.loader.import_default_modules()  # triggers autodiscovery of every app's tasks
    next_run: dict[str, float] = {}
    time.sleep(2)  # let the server finish starting
    while not stop.is_set():
        now = time.monotonic()
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            schedule = entry["schedule"]
            interval = float(
                schedule.total_seconds()
                if hasattr(schedule, "total_seconds")
                else schedule
            )
            if next_run.get(name, 0) > now:
                continue
            next_run[name] = now + interval
            task = app.tasks.get(entry["task"])
            if task is None:
                logger.warning("scheduled task %s is not registered", entry["task"])
                continue
            try:
                close_old_connections()
                task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
            except Exception:  # a failing job must not stop the others
                logger.exception("scheduled task %s failed", entry["task"])
            finally:
                close_old_connections()
        stop.wait(1.0)


def start_embedded_scheduler() -> threading.Event | None:
    if _started.is_set():
        return None
    _started.set()
    stop = threading.Event()
    threading.Thread(
        target=_run_loop, args=(stop,), name="sigap-scheduler", daemon=True
    ).start()
    logger.info(
        "embedded scheduler started with %d jobs", len(settings.CELERY_BEAT_SCHEDULE)
    )
    return stop
