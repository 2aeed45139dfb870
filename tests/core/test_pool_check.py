"""The pooled connection's health check (core/postgres/base.py): skipped while a
connection is in steady use, run once it sat idle, and a connection PostgreSQL
closed meanwhile is replaced before a request gets it."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from core.postgres.base import check_after_idle
from tests.helpers import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pool():
    require_postgres()
    params = connection.get_connection_params()
    params["autocommit"] = True
    made = ConnectionPool(
        kwargs=params, min_size=1, max_size=1, check=check_after_idle, open=True
    )
    yield made
    made.close()


@pytest.fixture
def checks(monkeypatch):
    """How many times the full check (one empty query) ran."""
    runs = []
    full = ConnectionPool.check_connection

    def counted(conn):
        runs.append(conn)
        full(conn)

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(counted))
    return runs


def _kill(pid: int) -> None:
    with psycopg.connect(
        **{**connection.get_connection_params(), "autocommit": True}
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.parametrize(
    ("check_after", "full_checks"),
    [(5, 1), (0, 3)],  # in steady use only the new connection's; 0: every hand-out
)
def test_it_checks_a_new_connection_then_as_configured(
    pool, checks, settings, check_after, full_checks
):
    settings.DB_POOL_CHECK_AFTER = check_after
    for _ in range(3):
        with pool.connection() as conn:
            conn.execute("SELECT 1")
    assert len(checks) == full_checks


@pytest.mark.parametrize(
    ("check_after", "wait"),
    [
        # sat idle longer than DB_POOL_CHECK_AFTER: checked by the rule of time
        (0.2, 0.3),
        # in steady use, but PostgreSQL restarted or the backend was terminated in
        # between: the server's goodbye waits on the socket, so it is checked too
        (60, 0.1),
    ],
)
def test_it_replaces_a_connection_the_server_closed(
    pool, checks, settings, check_after, wait
):
    settings.DB_POOL_CHECK_AFTER = check_after
    with pool.connection() as conn:
        first = conn.info.backend_pid
    _kill(first)
    time.sleep(wait)

    with pool.connection() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.info.backend_pid != first
    # the first hand-out, the dead connection, its replacement
    assert len(checks) == 3


def test_the_configured_backend_hands_django_the_idle_check():
    require_postgres()
    from core.postgres.base import DatabaseWrapper

    wrapper = DatabaseWrapper(
        {
            **connection.settings_dict,
            "OPTIONS": {
                **connection.settings_dict.get("OPTIONS", {}),
                "pool": {"min_size": 1, "max_size": 1},
            },
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": True,
        },
        alias="pooled-test",
    )
    try:
        assert wrapper.pool._check is check_after_idle
        wrapper.connect()
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        wrapper.close()
        wrapper.close_pool()
