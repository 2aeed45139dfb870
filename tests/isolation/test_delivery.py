"""Alerts are stored first and delivered second, whatever state Redis is in."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.utils import timezone

from core.celery import app as celery_app
from core.models import Notification
from isolation import services
from isolation.models import Alert, CheckIn, DashboardEvent
from tests.helpers import child_database_url, require_postgres, require_redis
from tests.isolation.helpers import new_client_id

DOWN = "redis://127.0.0.1:1/0"  # nothing listens there


def wait_for(predicate, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def redis_down(settings):
    """Channel layer and Celery broker pointing at a Redis that is not there."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [DOWN]},
        }
    }
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)
    celery_app.conf.broker_url = DOWN
    celery_app.conf.task_always_eager = False
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    yield
    from isolation.services import dispatch

    dispatch.wait_idle()
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_it_accepts_checkins_while_redis_is_down_and_delivers_later(
    alice, alice_isolating, nurse, auth_client, redis_down
):
    started = time.monotonic()
    response = auth_client(alice).post(
        "/api/v1/isolation/checkins",
        {"client_id": new_client_id(), "spo2": 91},
        format="json",
    )
    elapsed = time.monotonic() - started

    assert response.status_code == 201, response.json()
    assert elapsed < 5, "a dead broker must not stall the check-in"
    alert = Alert.objects.get()
    assert alert.delivered_at is None
    assert DashboardEvent.objects.filter(alert=alert).exists()  # replayable
    assert not Notification.objects.filter(kind="isolation.alert.danger").exists()


@pytest.mark.django_db
def test_it_delivers_what_was_stored_once_the_sweep_runs(alice, alice_isolating, nurse):
    # The state a Redis outage leaves: a stored, undelivered alert.
    checkin = CheckIn.objects.create(
        isolation=alice_isolating,
        client_id=new_client_id(),
        measured_at=timezone.now(),
        slot_date=timezone.now().date(),
        slot="am",
        spo2=90,
        danger=True,
        unwell=True,
    )
    alert = Alert.objects.create(
        isolation=alice_isolating,
        kind="danger",
        checkin=checkin,
        slot_date=checkin.slot_date,
        slot="am",
        reasons=["spo2_low"],
        created_at=timezone.now() - dt.timedelta(minutes=2),
    )

    assert services.alerts_deliver_pending() == 1

    alert.refresh_from_db()
    assert alert.delivered_at is not None
    assert Notification.objects.filter(
        user=nurse, kind="isolation.alert.danger", urgent=True
    ).exists()


@pytest.mark.worker
def test_it_delivers_a_danger_alert_through_a_real_worker(
    alice, alice_isolating, nurse, celery_worker_live
):
    services.checkin_submit(patient=alice, client_id=new_client_id(), spo2=90)
    alert = Alert.objects.get()

    def delivered() -> bool:
        alert.refresh_from_db()
        return alert.delivered_at is not None

    assert wait_for(delivered), "the worker did not deliver the alert"
    assert wait_for(
        lambda: Notification.objects.filter(
            user=nurse, kind="isolation.alert.danger", status="sent"
        ).exists()
    ), "core's worker task did not send the outbox row"
    # Redelivery of the same task (lost worker) changes nothing.
    from isolation.tasks import deliver_alert

    deliver_alert.apply_async((alert.pk,))
    time.sleep(1)
    assert Notification.objects.filter(kind="isolation.alert.danger").count() == (
        Notification.objects.filter(kind="isolation.alert.danger")
        .values("user", "channel")
        .distinct()
        .count()
    )


# --- a worker killed in the middle of a delivery ------------------------------------


VISIBILITY_S = 2
# As deployed (prefork pool), one process in the pool.
WORKER = (
    "celery -A core worker --pool prefork --concurrency 1 --loglevel WARNING "
    "--without-gossip --without-mingle --without-heartbeat"
).split()


def _start_worker(log_path) -> subprocess.Popen:
    """A real worker process (`celery -A core worker`) on the test database and Redis,
    taking back unacknowledged tasks after VISIBILITY_S instead of an hour."""
    env = {
        **os.environ,
        "DATABASE_URL": child_database_url(),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_S),
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    env.pop("DB_POOL_SIZE", None)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", *WORKER],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: parent and child
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_no_alert_and_duplicates_none(
    alice, alice_isolating, nurse, tmp_path
):
    require_postgres()
    require_redis()
    import psycopg
    from django.db import connection

    from isolation.services import dispatch

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()  # nothing left over from other tests
    log = tmp_path / "workers.log"
    first = second = None
    try:
        services.checkin_submit(patient=alice, client_id=new_client_id(), spo2=90)
        dispatch.wait_idle()  # the delivery task is on the broker
        alert = Alert.objects.get()
        # Hold the notification outbox so the worker stops half-way through the
        # delivery: alert row locked, its transaction open, nothing committed.
        with psycopg.connect(child_database_url()) as holder:
            holder.execute(
                f"LOCK TABLE {Notification._meta.db_table} IN EXCLUSIVE MODE"
            )
            first = _start_worker(log)

            def waiting() -> bool:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT count(*) FROM pg_locks WHERE NOT granted "
                        "AND relation = %s::regclass",
                        [Notification._meta.db_table],
                    )
                    return cursor.fetchone()[0] > 0

            assert wait_for(waiting, timeout=60), log.read_text()
            os.killpg(first.pid, signal.SIGKILL)  # the whole worker, pool included
            first.wait(10)
            holder.rollback()

        def abandoned() -> bool:  # the dead worker's transaction is rolled back
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks "
                    "WHERE relation = %s::regclass AND pid <> pg_backend_pid()",
                    [Alert._meta.db_table],
                )
                return cursor.fetchone()[0] == 0

        assert wait_for(abandoned)
        alert.refresh_from_db()
        assert alert.delivered_at is None
        assert not Notification.objects.filter(kind="isolation.alert.danger").exists()

        # A new worker takes the unacknowledged task back from the broker (a worker
        # looks for such tasks when it starts, then every 100 s).
        time.sleep(VISIBILITY_S)
        second = _start_worker(log)

        def delivered() -> bool:
            alert.refresh_from_db()
            return alert.delivered_at is not None

        assert wait_for(delivered, timeout=60), log.read_text()
        sent = Notification.objects.filter(kind="isolation.alert.danger")
        assert list(sent.values_list("user_id", flat=True)) == [nurse.pk]
        # The outbox sweep finds nothing more to do.
        assert services.alerts_deliver_pending(min_age=dt.timedelta(0)) == 0
        assert sent.count() == 1
    finally:
        for process in (first, second):
            if process is not None:
                _stop(process)
        celery_app.conf.task_always_eager = previous
