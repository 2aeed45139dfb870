"""The ASGI entry point serves HTTP with one thread hop, and the Redis cache keeps its
connections across requests and threads."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from channels.testing import HttpCommunicator
from django.core.cache import caches

from tests.helpers import require_redis


def _http_app():
    from core.asgi import application

    return application.application_mapping["http"]


def test_the_http_handler_runs_the_middleware_chain_as_sync_code():
    handler = _http_app()
    assert not asyncio.iscoroutinefunction(handler._middleware_chain)


@pytest.mark.django_db(transaction=True)
def test_a_request_through_the_asgi_application_gets_the_full_middleware_treatment():
    communicator = HttpCommunicator(
        _http_app(),
        "GET",
        "/api/v1/",
        headers=[(b"host", b"localhost"), (b"accept-language", b"en")],
    )
    response = asyncio.run(communicator.get_response())
    assert response["status"] == 200
    headers = {k.decode().lower(): v.decode() for k, v in response["headers"]}
    assert headers["x-request-id"]  # core.middleware.RequestIdMiddleware
    assert headers["x-frame-options"] == "DENY"  # clickjacking middleware
    assert json.loads(response["body"])["name"] == "Sigap API"


@pytest.mark.django_db(transaction=True)
def test_errors_keep_the_one_error_format_through_the_asgi_application():
    communicator = HttpCommunicator(
        _http_app(),
        "POST",
        "/api/v1/selfcheck/assessments",
        body=b"{not json",
        headers=[
            (b"host", b"localhost"),
            (b"content-type", b"application/json"),
            (b"content-length", b"9"),
        ],
    )
    response = asyncio.run(communicator.get_response())
    assert response["status"] == 400
    error = json.loads(response["body"])["error"]
    assert error["code"] == "malformed_request"
    assert error["message"]


@pytest.mark.django_db(transaction=True)
def test_a_request_starts_and_finishes_on_the_thread_that_used_the_database():
    """request_finished returns the database connection: it must run on the thread
    that took it, or pooled connections would leak."""
    from django.core import signals

    threads: dict[str, int] = {}

    def started(**kwargs):
        threads["started"] = threading.get_ident()

    def finished(**kwargs):
        threads["finished"] = threading.get_ident()

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    try:
        communicator = HttpCommunicator(
            _http_app(),
            "GET",
            "/api/v1/areas/33.74.10",
            headers=[(b"host", b"localhost")],
        )
        response = asyncio.run(communicator.get_response())
    finally:
        signals.request_started.disconnect(started)
        signals.request_finished.disconnect(finished)
    assert response["status"] in (200, 404)
    assert threads["started"] == threads["finished"] != threading.get_ident()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_are_all_answered():
    async def many():
        return await asyncio.gather(
            *(
                HttpCommunicator(
                    _http_app(),
                    "GET",
                    "/api/v1/selfcheck/questionnaire",
                    headers=[
                        (b"host", b"localhost"),
                        (b"x-forwarded-for", f"10.0.0.{i}".encode()),
                    ],
                ).get_response(timeout=30)
                for i in range(12)
            )
        )

    responses = asyncio.run(many())
    assert [r["status"] for r in responses] == [200] * 12


def test_cache_objects_in_other_threads_share_one_redis_client():
    require_redis()
    mine = caches["default"]
    seen = []
    thread = threading.Thread(target=lambda: seen.append(caches["default"]))
    thread.start()
    thread.join()
    assert seen[0] is not mine  # Django gives each thread its own cache object
    assert seen[0]._cache is mine._cache
    assert mine._cache.get_client() is mine._cache.get_client(write=True)


def test_many_cache_operations_reuse_a_pooled_connection():
    require_redis()
    cache = caches["default"]
    pool = cache._cache.get_client().connection_pool

    def opened() -> int:
        return len(pool._available_connections) + len(pool._in_use_connections)

    cache.set("asgi-test", 0, 5)
    before = opened()
    for i in range(50):
        cache.set(f"asgi-test-{i}", i, 5)
        assert cache.get(f"asgi-test-{i}") == i
    assert opened() == before


def test_it_warns_when_request_threads_outnumber_pooled_connections(settings):
    from core.checks import check_web_threads

    settings.DB_POOL_SIZE, settings.WEB_THREADS = 4, 8
    (warning,) = check_web_threads(None)
    assert warning.id == "sigap.W002"
    settings.WEB_THREADS = 4
    assert check_web_threads(None) == []


def test_it_warns_when_sign_in_codes_would_go_to_the_log(settings):
    from core.checks import check_otp_sender

    settings.DEBUG = False
    settings.SIGAP_OTP_SENDER = "core.notifications.backends.ConsoleSmsBackend"
    (warning,) = check_otp_sender(None)
    assert warning.id == "sigap.W003"
    settings.SIGAP_OTP_SENDER = "core.notifications.backends.HttpSmsBackend"
    assert check_otp_sender(None) == []
