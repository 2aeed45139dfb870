"""Hand work to Redis (broker, channel layer) without letting an outage stall a request.

The stored rows are the truth; these sends are only the fast path. When one fails we
stop trying for a little while (a per-process breaker): the outbox sweep and the
dashboards' replay pick up whatever was skipped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

logger = logging.getLogger(__name__)


class Breaker:
    def __init__(self, name: str, cooldown: float) -> None:
        self.name = name
        self.cooldown = cooldown
        self._open_until = 0.0
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.cooldown

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0


broker_breaker = Breaker("broker", cooldown=30.0)
layer_breaker = Breaker("channel layer", cooldown=10.0)
_executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="isolation-enqueue")
_pending: set[Future] = set()


def _run(fn: Callable[[], object], what: str) -> None:
    try:
        fn()
    except Exception as exc:  # broker down: the sweep delivers later
        broker_breaker.trip()
        logger.warning(
            "could not enqueue %s (%s); the sweep will retry", what, type(exc).__name__
        )


def task_enqueue(fn: Callable[[], object], *, what: str) -> None:
    """Publish a Celery task from an on_commit hook, never blocking the request.

    With eager Celery (no REDIS_URL) the task runs inline, as the caller expects.
    """
    from core.celery import app

    if app.conf.task_always_eager:
        _run(fn, what)
        return
    if broker_breaker.is_open:
        logger.info("broker marked down; %s left to the sweep", what)
        return
    future = _executor.submit(_run, fn, what)
    _pending.add(future)
    future.add_done_callback(_pending.discard)


def wait_idle(timeout: float = 30.0) -> None:
    """Wait for enqueues in flight (tests; graceful shutdown)."""
    wait(list(_pending), timeout=timeout)


def breakers_reset() -> None:
    broker_breaker.reset()
    layer_breaker.reset()
