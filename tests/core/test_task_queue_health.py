"""/healthz tells a dead Celery worker or beat from a live one: the broker answering
is not enough (alerts to nurses would wait in the queue, unnoticed)."""

from __future__ import annotations

import time

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def health(query: str = "") -> tuple[int, dict]:
    response = Client().get("/healthz" + query)
    return response.status_code, response.json()


@pytest.fixture(autouse=True)
def _details(settings):
    """Backends and errors are shown to the people running Sigap (DEBUG or staff);
    anyone else sees `ok` and `ms` only."""
    settings.DEBUG = True


def test_it_stays_ok_on_the_embedded_default():
    status, body = health()
    assert status == 200
    assert body["checks"]["task_queue"]["backend"].startswith("eager")


def test_it_reports_a_queue_no_worker_serves_and_recovers_with_one(
    redis_server, on_redis, settings
):
    from celery.contrib.testing.worker import start_worker

    from core.celery import app
    from core.tasks import heartbeat

    on_redis(redis_server.url)
    status, body = health()
    queue = body["checks"]["task_queue"]
    assert status == 503 and body["status"] == "degraded"
    assert queue["ok"] is False and queue["error"] == "no worker heartbeat"
    assert queue["heartbeat_age_s"] is None and queue["queued"] == 0
    assert all(body["checks"][name]["ok"] for name in ("database", "cache"))
    # The web process itself is fine: its own probe stays green.
    status, body = health("?scope=web")
    assert status == 200 and "heartbeat_age_s" not in body["checks"]["task_queue"]

    heartbeat.delay()  # as beat sends it; no worker yet
    assert health()[1]["checks"]["task_queue"]["queued"] == 1
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        deadline = time.monotonic() + 20
        while health()[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
    status, body = health()
    queue = body["checks"]["task_queue"]
    assert status == 200, body
    assert queue["heartbeat_age_s"] <= 1 and queue["queued"] == 0

    settings.SIGAP_TASK_HEARTBEAT_MAX_AGE = 0
    time.sleep(1.1)
    assert health()[0] == 503  # a worker that stopped since
