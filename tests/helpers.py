"""Helpers for tests, imported by test modules and conftest.py files alike (fixtures
stay in conftest.py): servers a test needs, tokens, websocket close codes."""

from __future__ import annotations

import contextlib
import os

import pytest
from django.conf import settings as django_settings


def assert_error(r, status: int, code: str | None = None) -> dict:
    """The response is an error in the one format, with this status (and code)."""
    assert r.status_code == status, r.content[:300]
    body = r.json()
    assert set(body["error"]) == {"code", "message", "fields"}
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def require_redis() -> None:
    """Tests about Redis behaviour run in CI (REDIS_URL set); locally they may skip,
    but CI must never skip them silently."""
    if not django_settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("REDIS_URL must be set in CI")
        pytest.skip("needs REDIS_URL")


def require_postgres() -> None:
    if not django_settings.IS_POSTGRES:
        if os.environ.get("CI"):
            pytest.fail("DATABASE_URL must point at PostgreSQL in CI")
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


@contextlib.contextmanager
def database_not_answering(model):
    """`model`'s table locked by another session while this one gives a statement
    200 ms: PostgreSQL cancels what reads it, as on a failover or an overloaded
    server."""
    import psycopg
    from django.db import connection

    require_postgres()
    params = {**connection.get_connection_params(), "autocommit": False}
    with psycopg.connect(**params) as other:
        other.execute(f'LOCK TABLE "{model._meta.db_table}" IN ACCESS EXCLUSIVE MODE')
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 200")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
            other.rollback()


def count_fast_answers(monkeypatch) -> list[int]:
    """Wraps `core.api.fast.fast_post`: the returned list gets the status of every
    request the fast path answered itself."""
    from core.api import fast

    taken: list[int] = []
    real = fast.fast_post

    def counting(*args, **kwargs):
        response = real(*args, **kwargs)
        if response is not None:
            taken.append(response.status_code)
        return response

    monkeypatch.setattr(fast, "fast_post", counting)
    return taken


def sign_in_code_sent_to(phone: str) -> str:
    """The last sign-in code the in-memory SMS sender took for `phone` (any format)."""
    import re

    from core.notifications.backends import sms_outbox
    from core.rules import normalise_phone

    wanted = normalise_phone(phone)
    texts = [text for to, text in sms_outbox if to == wanted]
    assert texts, "no sign-in code was sent to that number"
    return re.search(r"Kode masuk Sigap Anda: (\d{6})", texts[-1]).group(1)


def local_phone(user) -> str:
    """The user's number as people type it in Indonesia (+62812... -> 0812...)."""
    return "0" + user.phone.removeprefix("+62")


def api_token_for(user) -> str:
    """A fresh API token (the key a client sends) for `user`."""
    from core.services.tokens import token_issue

    return token_issue(user=user, name="test")[1]


async def ws_close_code(communicator, timeout: float = 5) -> int | None:
    """Connect; the close code a refused socket sees (refusals accept first, so the
    client gets the code instead of a failed handshake), None if it stays open."""
    connected, code = await communicator.connect(timeout=timeout)
    if not connected:
        return code
    frame = await communicator.receive_output(timeout=timeout)
    await communicator.disconnect()
    if frame["type"] == "websocket.close":
        return frame.get("code")
    return None


def child_database_url() -> str:
    """DATABASE_URL of the test database, for a child process (worker, second web
    process) that must see what the test committed."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A `redis-server` of the test's own, on a free port, that the test may kill
    and start again (the shared Redis is never touched)."""

    def __init__(self, directory) -> None:
        import shutil

        self.binary = shutil.which("redis-server")
        if self.binary is None:
            if os.environ.get("CI"):
                pytest.fail("redis-server must be installed in CI")
            pytest.skip("needs redis-server")
        self.directory = str(directory)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        import subprocess
        import time

        import redis

        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", self.directory],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def run_together(fns, *, timeout: float = 30) -> list:
    """Call every function at the same moment, one thread (and one database
    connection) each; the results, or the exception each raised, in order."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(fns))
    results: list = [None] * len(fns)

    def run(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # surfaced by the caller's assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results


def dashboard_sign_in(
    page, base_url: str, user, next_path: str = "/dashboard/"
) -> None:
    """Sign a staff member in at /dashboard/login/ in a browser page and wait for
    the page it leads to (the dashboard, the PSC console, a case page)."""
    page.goto(f"{base_url}/dashboard/login/?next={next_path}")
    page.fill("#id_username", local_phone(user))
    page.fill("#id_password", user.raw_password)
    # The sign-in form's own button (the header's language switch is a form too).
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_url(f"{base_url}{next_path}")


def admin_sign_in(page, base_url: str, phone: str, password: str) -> None:
    """Sign a staff member in to the Django admin in a browser page."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", phone)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")
