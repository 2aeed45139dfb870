"""A Redis outage loses nothing: the API keeps answering, check-ins are stored, and
their alerts go out once Redis is back (its own redis-server, killed mid-run)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
import redis
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import Notification
from isolation.models import Alert, CheckIn
from tests.helpers import require_postgres, sign_in_code_sent_to
from tests.isolation.helpers import enrol, new_client_id

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture(autouse=True)
def _chatbot(settings):
    from chatbot.index import index_reset

    settings.CHATBOT_INDEX_REBUILD_IN_BACKGROUND = False
    settings.CHATBOT_STATS_FLUSH_SECONDS = 0
    index_reset()
    yield
    index_reset()


@pytest.fixture(autouse=True)
def _breakers():
    from isolation.services import dispatch
    from isolation.services.events import events_push_wait_idle

    dispatch.breakers_reset()
    yield
    events_push_wait_idle()
    dispatch.wait_idle()
    dispatch.breakers_reset()


def sign_in_with_code(client: APIClient, phone: str) -> str:
    response = client.post("/api/v1/auth/otp/request", {"phone": phone}, format="json")
    assert response.status_code == 202, response.content
    code = sign_in_code_sent_to(phone)
    response = client.post(
        "/api/v1/auth/otp/verify", {"phone": phone, "code": code}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def selfcheck_body() -> dict:
    from tests.selfcheck.helpers import body

    return body()


def test_it_keeps_serving_and_storing_while_redis_is_down(
    alice, bob, nurse, redis_server, on_redis, settings
):
    require_postgres()
    from chatbot.demo import chatbot_demo_seed

    chatbot_demo_seed()
    on_redis(redis_server.url)
    isolation = enrol(nurse, alice)
    resident = APIClient()
    token = sign_in_with_code(resident, alice.phone)
    resident.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    first = resident.post(
        "/api/v1/isolation/checkins",
        {"client_id": new_client_id(), "spo2": 97},
        format="json",
    )
    assert first.status_code == 201, first.content

    redis_server.kill()  # mid-run

    calls = []

    def check(response, status: int, what: str) -> None:
        calls.append(what)
        assert response.status_code == status, (what, response.content[:300])

    for _ in range(3):
        check(
            resident.post(
                "/api/v1/isolation/checkins",
                {"client_id": new_client_id(), "spo2": 91, "breathing_rate": 28},
                format="json",
            ),
            201,
            "danger check-in",
        )
    check(
        resident.post(
            "/api/v1/isolation/checkins",
            {"client_id": new_client_id(), "spo2": 98},
            format="json",
        ),
        201,
        "check-in",
    )
    anonymous = APIClient()
    check(
        anonymous.post(
            "/api/v1/selfcheck/assessments", selfcheck_body(), format="json"
        ),
        201,
        "self-check",
    )
    check(
        anonymous.post(
            "/api/v1/chatbot/ask", {"text": "isoman brp hari sih?"}, format="json"
        ),
        200,
        "chatbot ask",
    )
    check(anonymous.get("/api/v1/areas/search?q=tembalang"), 200, "area search")
    check(anonymous.get("/api/v1/areas/33.74.10"), 200, "area")
    # Sign-in: a resident by code (their token then works), a nurse by password.
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {sign_in_with_code(other, bob.phone)}")
    check(other.get("/api/v1/me"), 200, "me after sign-in")
    dashboard = Client()
    check(
        dashboard.post(
            "/dashboard/login/",
            {"username": nurse.phone, "password": nurse.raw_password},
        ),
        302,
        "dashboard sign-in",
    )
    check(dashboard.get("/dashboard/"), 200, "dashboard")
    nurse.first_name = "Nurse"
    nurse.save()  # User.save() drops cached tokens: must not fail either

    assert CheckIn.objects.filter(isolation=isolation).count() == 5
    danger = Alert.objects.filter(isolation=isolation, kind="danger")
    assert danger.count() == 3
    assert not danger.filter(delivered_at__isnull=False).exists()

    # Redis comes back (empty), the worker and beat with it: the sweep delivers.
    redis_server.start()
    Alert.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    from celery.contrib.testing.worker import start_worker

    from core.celery import app
    from isolation.tasks import deliver_pending_alerts

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        deliver_pending_alerts.delay()  # what beat sends every minute
        assert wait_for(
            lambda: not danger.filter(delivered_at__isnull=True).exists()
        ), "alerts stored during the outage were not delivered"
        assert wait_for(
            lambda: (
                Notification.objects.filter(
                    user=nurse, kind="isolation.alert.danger", sent_at__isnull=False
                ).count()
                == 3
            )
        )
    # Once the breaker's cooldown has passed, rate limits count in Redis again.
    from django.core.cache import cache

    counted = redis.Redis.from_url(redis_server.url)
    assert wait_for(
        lambda: (
            cache.incr_expiring("probe-counter", 10) > 0
            and bool(counted.keys("*probe-counter*"))
        ),
        timeout=15,
    )


def test_rate_limits_still_hold_per_process_while_redis_is_down(
    redis_server, on_redis, throttle_rates
):
    from chatbot.demo import chatbot_demo_seed

    chatbot_demo_seed()
    on_redis(redis_server.url)
    throttle_rates(chatbot="3/min")
    redis_server.kill()
    client = APIClient()
    statuses = [
        client.post(
            "/api/v1/chatbot/ask", {"text": "isoman brp hari"}, format="json"
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


def test_it_drops_keys_it_could_not_delete_once_redis_answers_again(
    redis_server, on_redis
):
    from django.core.cache import cache
    from redis.exceptions import ConnectionError as RedisConnectionError

    from core.cache import outage

    on_redis(redis_server.url)
    cache.set("auth:token:abc", "alice, before her role changed", 300)
    # A partition: this process cannot reach Redis, which keeps its data.
    outage.trip(RedisConnectionError("partition"), "test")
    cache.delete("auth:token:abc")  # the sign-out's invalidation, skipped
    assert cache.get("auth:token:abc") is None  # misses while cut off

    outage._until = time.monotonic() - 1  # the cooldown has passed
    assert cache.get("auth:token:abc") is None
    assert not redis.Redis.from_url(redis_server.url).keys("*auth:token:abc*")
