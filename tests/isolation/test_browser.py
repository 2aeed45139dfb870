"""The live dashboard in headless Chromium, served by daphne (ASGI: HTTP + websockets).

pytest-django's live_server is WSGI only, so daphne runs in a thread of this process
on 127.0.0.1:8106: it shares the test database (SQLite in-memory shared cache, or the
PostgreSQL test database) and, with REDIS_URL set, the real Redis channel layer.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

import httpx
import pytest
from django.db.models import Max

from isolation.models import Alert, DashboardEvent
from tests.helpers import api_token_for, dashboard_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Parallel checkouts on one machine each pick their own port.
HOST, PORT = "127.0.0.1", int(os.environ.get("SIGAP_TEST_DAPHNE_PORT", "8106"))
BASE = f"http://{HOST}:{PORT}"
LIVE_TIMEOUT_MS = 5000

_server: dict = {}


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only: Playwright's sync API keeps an event loop on
    the main thread while it lives, which would break later pytest-asyncio tests."""
    import os
    import shutil

    from playwright.sync_api import sync_playwright

    from tests.helpers import CHROMIUM_ARGS

    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing (make test installs it with apt-get)")
        pytest.skip("needs Chromium (apt-get install chromium)")
    from django.db import connections

    # ORM calls of this test run on the thread that holds Playwright's loop.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # daphne serves each request on a fresh thread: close its connection at the end
    # of the request, or they outlive the test and block the test database's drop.
    db_settings = connections.settings["default"]
    max_age = db_settings.get("CONN_MAX_AGE", 0)
    db_settings["CONN_MAX_AGE"] = 0
    try:
        with sync_playwright() as p:
            launched = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        db_settings["CONN_MAX_AGE"] = max_age
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def daphne_server():
    """One daphne per test process (Twisted's reactor cannot be restarted)."""
    if "thread" not in _server:
        from channels.routing import ProtocolTypeRouter
        from daphne.server import Server  # installs the asyncio reactor first
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from core.asgi import application, django_asgi_app

        ready = threading.Event()
        server = Server(
            # The pages' scripts are static files (the Content-Security-Policy allows
            # no inline script): served from the apps' static folders, as runserver
            # does, since tests collect no static root.
            application=ProtocolTypeRouter(
                {
                    "http": ASGIStaticFilesHandler(django_asgi_app),
                    "websocket": application.application_mapping["websocket"],
                }
            ),
            endpoints=[f"tcp:port={PORT}:interface={HOST}"],
            signal_handlers=False,
            verbosity=0,
            ready_callable=ready.set,
        )
        thread = threading.Thread(target=server.run, name=f"daphne-{PORT}", daemon=True)
        thread.start()
        assert ready.wait(10), "daphne did not start"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{BASE}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        _server.update(thread=thread, server=server)
    yield BASE


def post_checkin(token: str, **values) -> httpx.Response:
    values.setdefault("client_id", f"browser-{uuid.uuid4().hex[:12]}")
    return httpx.post(
        f"{BASE}/api/v1/isolation/checkins",
        json=values,
        headers={"Authorization": f"Token {token}"},
        timeout=10,
    )


def test_it_shows_a_danger_alert_live_and_replays_after_a_reconnect(
    daphne_server, browser, alice, alice_isolating, nurse
):
    token = api_token_for(alice)
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    try:
        dashboard_sign_in(page, BASE, nurse)
        page.wait_for_selector("#conn.on", timeout=LIVE_TIMEOUT_MS)
        assert page.locator("#open-alerts li").count() == 0
        # Survives only if the page is never reloaded.
        page.evaluate("window.__sameDocument = true")

        response = post_checkin(token, spo2=92, temperature="37.9")
        assert response.status_code == 201, response.text

        alert_item = page.locator("#open-alerts li.k-danger")
        alert_item.wait_for(timeout=LIVE_TIMEOUT_MS)
        assert "SpO2 di bawah 95%" in alert_item.inner_text()
        assert alice.full_name in alert_item.inner_text()
        assert page.locator("#open-count").inner_text() == "1"
        row = page.locator(f'tr[data-isolation-id="{alice_isolating.pk}"]')
        assert "SpO2 92%" in row.inner_text()
        assert page.evaluate("window.__sameDocument") is True

        # Acknowledge with a note: it leaves the open list.
        alert_item.locator("input[name=note]").fill("Ditelepon, dirujuk ke IGD")
        alert_item.get_by_role("button", name="Tangani").click()
        page.locator("#open-alerts li").first.wait_for(
            state="detached", timeout=LIVE_TIMEOUT_MS
        )
        alert = Alert.objects.get()
        assert alert.acknowledged_by_id == nurse.pk
        assert alert.note == "Ditelepon, dirujuk ke IGD"

        # The page drops the item on the HTTP answer; its event may still be on its
        # way over the websocket. Wait for it, or the replay below would count it.
        latest = DashboardEvent.objects.filter(
            facility_id=alice_isolating.facility_id
        ).aggregate(m=Max("seq"))["m"]
        page.wait_for_function(
            "(seq) => window.sigapDashboard.lastSeq() >= seq",
            arg=latest,
            timeout=LIVE_TIMEOUT_MS,
        )

        # Drop the connection; an alert arrives while the page is offline.
        page.evaluate("window.sigapDashboard.pause()")
        page.wait_for_selector("#conn.off", timeout=LIVE_TIMEOUT_MS)
        seq_before = page.evaluate("window.sigapDashboard.lastSeq()")
        assert post_checkin(token, spo2=89).status_code == 201
        time.sleep(0.5)
        assert page.locator("#open-alerts li").count() == 0

        page.evaluate("window.sigapDashboard.resume()")
        page.wait_for_selector("#conn.on", timeout=LIVE_TIMEOUT_MS)
        replayed = page.locator("#open-alerts li.k-danger")
        replayed.wait_for(timeout=LIVE_TIMEOUT_MS)
        new_alert = Alert.objects.get(acknowledged_at__isnull=True)
        assert replayed.get_attribute("data-alert-id") == str(new_alert.pk)
        assert page.evaluate("window.sigapDashboard.lastSeq()") == seq_before + 2
        assert page.evaluate("window.__sameDocument") is True
    finally:
        context.close()
