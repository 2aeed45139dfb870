from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from core.models import Region
from core.rules import (
    check_nik,
    is_quiet_hour,
    next_allowed_send,
    normalise_phone,
    timezone_for_region,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "code, tz",
    [
        ("33.74.10", "Asia/Jakarta"),
        ("61.71", "Asia/Jakarta"),
        ("51.71", "Asia/Makassar"),
        ("73.71.01", "Asia/Makassar"),
        ("64", "Asia/Makassar"),
        ("91.71", "Asia/Jayapura"),
        ("81.71", "Asia/Jayapura"),
        ("96.01", "Asia/Jayapura"),
    ],
)
def test_it_derives_the_time_zone_from_the_region(code, tz):
    assert timezone_for_region(code) == tz


@pytest.mark.parametrize(
    "raw", ["081234567890", "+6281234567890", "6281234567890", " 0812 3456 7890 "]
)
def test_it_normalises_indonesian_mobile_numbers(raw):
    assert normalise_phone(raw) == "+6281234567890"


def test_it_decodes_a_womans_birth_day_from_the_nik():
    import datetime as dt

    result = check_nik("3374105508950001", birth_date=dt.date(1995, 8, 15), sex="F")
    assert result.valid and result.district_code == "33.74.10" and result.sex == "F"


def test_it_defers_messages_out_of_quiet_hours():
    import datetime as dt
    from zoneinfo import ZoneInfo

    wit = ZoneInfo("Asia/Jayapura")
    # 13:30 UTC is 22:30 WIT: wait until 06:00 WIT next day (21:00 UTC).
    moment = dt.datetime(2026, 11, 22, 13, 30, tzinfo=dt.UTC)
    assert is_quiet_hour(moment, wit)
    assert next_allowed_send(moment, wit) == dt.datetime(
        2026, 11, 22, 21, 0, tzinfo=dt.UTC
    )
    # The same moment is 20:30 WIB: fine in Jakarta.
    assert not is_quiet_hour(moment, ZoneInfo("Asia/Jakarta"))


@pytest.mark.django_db
def test_it_loads_regions_idempotently(capsys):
    call_command("load_regions", root="33.74", no_progress=True)
    first = capsys.readouterr().out
    assert "kecamatan 16" in first and "created" in first
    call_command("load_regions", root="33.74", no_progress=True)
    assert "Nothing changed" in capsys.readouterr().out
    tembalang = Region.objects.get(code="33.74.10")
    assert tembalang.parent.parent.name == "Jawa Tengah"
    assert tembalang.timezone == "Asia/Jakarta"
    assert Region.objects.filter(parent=tembalang).count() == 12


@pytest.mark.django_db
def test_it_reports_health(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "task_queue"}
    assert all(c["ok"] for c in body["checks"].values())


@pytest.mark.django_db(transaction=True)
def test_it_reports_health_to_probes_that_arrive_together():
    """A load balancer and an orchestrator probing one process at the same moment:
    each round trip through the channel layer runs on its own event loop, and two
    loops must not receive on the web process's shared layer at once
    (channels_redis refuses that with a RuntimeError: /healthz said 503)."""
    from django.test import Client

    from tests.helpers import require_redis, run_together

    require_redis()

    def probe():
        r = Client().get("/healthz")
        return r.status_code, r.json()["checks"]["channel_layer"]

    results = run_together([probe] * 6)

    assert [status for status, _ in results] == [200] * 6, results


@pytest.mark.django_db
def test_it_serves_the_schema_and_docs(client):
    assert b"openapi" in client.get("/api/schema/").content
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_it_renders_unknown_api_paths_in_the_error_format(client, settings):
    settings.DEBUG = False
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_it_shows_browsers_an_html_page_for_unknown_pages(client, settings):
    settings.DEBUG = False
    r = client.get("/dashboard/nothing-here", HTTP_ACCEPT="text/html,*/*;q=0.8")
    assert r.status_code == 404
    assert r["Content-Type"].startswith("text/html")
    assert "Halaman tidak ditemukan" in r.content.decode()
    # Even when the browser asks for HTML, the API keeps its JSON error format.
    r = client.get("/api/v1/nothing-here", HTTP_ACCEPT="text/html")
    assert r.json()["error"]["code"] == "not_found"


@pytest.mark.django_db
def test_it_serves_the_admin_in_indonesian(client):
    r = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US")
    assert "Masuk" in r.content.decode()


@pytest.mark.django_db
def test_it_tags_responses_with_a_request_id(client):
    r = client.get("/api/v1/", HTTP_X_REQUEST_ID="abc-123")
    assert r["X-Request-ID"] == "abc-123"
    assert len(client.get("/api/v1/")["X-Request-ID"]) == 32


def _manage(*args, env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_to_start_in_production_without_secret_and_hosts():
    result = _manage("check", env_extra={"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_it_passes_the_deploy_check_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            "DEBUG": "0",
            "SECRET_KEY": "x" * 20
            + "-Production-Secret-Key-With-Enough-Entropy-9f8e7d6c5b4a",
            "ALLOWED_HOSTS": "sigap.example.go.id",
            "REDIS_URL": os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0",
            "SIGAP_OTP_SENDER": "HttpSmsBackend",
            "SMS_HTTP_URL": "https://sms.example.go.id/send",
            "SIGAP_PERSON_KEY_SECRET": "set-once-never-changed-" + "k" * 30,
            "NUM_PROXIES": "1",  # behind the nginx of deploy/
        },
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_it_gives_the_web_process_a_connection_pool_when_asked():
    show = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d.get('OPTIONS', {}).get('pool'))"
    )
    url = "postgres://sigap@127.0.0.1:5432/sigap"
    pooled = _manage(
        "shell", "-c", show, env_extra={"DATABASE_URL": url, "DB_POOL_SIZE": "5"}
    )
    assert pooled.returncode == 0, pooled.stderr
    assert (
        pooled.stdout.strip().splitlines()[-1]
        == "0 {'min_size': 1, 'max_size': 5, 'timeout': 10}"
    )
    plain = _manage(
        "shell", "-c", show, env_extra={"DATABASE_URL": url, "DB_POOL_SIZE": ""}
    )
    assert plain.stdout.strip().splitlines()[-1] == "0 None"


def test_it_prepares_statements_on_postgresql_except_behind_pgbouncer():
    show = (
        "from django.conf import settings; o = settings.DATABASES['default']"
        ".get('OPTIONS', {}); "
        "print(o.get('server_side_binding'), o.get('prepare_threshold', 'unset'))"
    )
    url = "postgres://sigap@127.0.0.1:5432/sigap"
    for extra, shown in (
        ({}, "True 5"),
        ({"DB_PREPARE_THRESHOLD": "2"}, "True 2"),
        ({"DB_PGBOUNCER": "1"}, "None None"),
        ({"DB_PREPARED_STATEMENTS": "0"}, "None unset"),
    ):
        env = {"DATABASE_URL": url, "DB_PGBOUNCER": "", **extra}
        result = _manage("shell", "-c", show, env_extra=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == shown, extra


@pytest.mark.django_db(transaction=True)
def test_it_answers_503_with_retry_after_when_the_database_does_not_answer(
    alice, auth_client
):
    """The token table is locked by another session and this one gives a statement
    200 ms: PostgreSQL cancels the lookup, as it would on a failover or an
    overloaded server. The client is told to retry, in the error format."""
    from core.models import ApiToken
    from tests.helpers import database_not_answering

    client = auth_client(alice)
    with database_not_answering(ApiToken):
        r = client.get("/api/v1/isolation/me")

    assert r.status_code == 503
    assert r["Retry-After"] == "5"
    assert r.json()["error"]["code"] == "service_unavailable"
    assert client.get("/api/v1/isolation/me").status_code in (200, 404)


@pytest.mark.django_db(transaction=True)
def test_a_page_answers_503_with_retry_after_when_the_database_does_not_answer(nurse):
    """The same cancelled statement under a signed-in page (the session table is
    locked): a page saying to reload in a moment, 503 with Retry-After, not a 500;
    a machine asking the same address gets the JSON error."""
    from django.contrib.sessions.models import Session
    from django.test import Client

    from tests.helpers import database_not_answering

    # As a browser meets it: the response, not the exception re-raised.
    browser = Client(raise_request_exception=False, HTTP_ACCEPT="text/html")
    browser.force_login(nurse)
    machine = Client(raise_request_exception=False, HTTP_ACCEPT="application/json")
    machine.cookies = browser.cookies
    with database_not_answering(Session):
        page = browser.get("/dashboard/")
        answer = machine.get("/dashboard/")

    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "muat ulang" in page.text and "reload" in page.text
    assert answer.status_code == 503
    assert answer.json()["error"]["code"] == "service_unavailable"
    assert browser.get("/dashboard/").status_code == 200
