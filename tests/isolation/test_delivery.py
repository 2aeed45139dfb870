"""Alerts are stored first and delivered second, whatever state Redis is in."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from core.celery import app as celery_app
from core.models import Notification
from isolation import services
from isolation.models import Alert, CheckIn, DashboardEvent
from tests.isolation.conftest import new_client_id

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
