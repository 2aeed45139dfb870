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


def test_it_checks_a_new_connection_then_skips_while_in_steady_use(
    pool, checks, settings
):
    settings.DB_POOL_CHECK_AFTER = 5
    for _ in range(5):
        with pool.connection() as conn:
            conn.execute("SELECT 1")
    assert len(checks) == 1


def test_it_checks_every_time_when_set_to_zero(pool, checks, settings):
    settings.DB_POOL_CHECK_AFTER = 0
    for _ in range(3):
        with pool.connection() as conn:
            conn.execute("SELECT 1")
    assert len(checks) == 3


def test_it_replaces_a_connection_closed_while_it_sat_idle(pool, checks, settings):
    settings.DB_POOL_CHECK_AFTER = 0.2
    with pool.connection() as conn:
        first = conn.info.backend_pid
    _kill(first)
    time.sleep(0.3)

    with pool.connection() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.info.backend_pid != first


def test_it_replaces_a_connection_the_server_closed_during_steady_use(
    pool, checks, settings
):
    """PostgreSQL restarted or the backend terminated between two requests: the
    server's goodbye waits on the socket, so the connection is checked although it
    was handed out a moment ago."""
    settings.DB_POOL_CHECK_AFTER = 60
    with pool.connection() as conn:
        first = conn.info.backend_pid
    _kill(first)
    time.sleep(0.1)

    with pool.connection() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        assert conn.info.backend_pid != first
    # the first hand-out, the dead one caught by its socket, the new one
    assert len(checks) == 3


def test_the_configured_backend_hands_django_the_idle_check(settings):
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
