"""Django's PostgreSQL backend, with the pooled connection's health check skipped
while the connection is in steady use.

Django's pool checks every connection it hands out with an empty query: one more
round trip per request, on the server and on PostgreSQL. A connection that was
handed out less than ``DB_POOL_CHECK_AFTER`` seconds ago was working then and is
handed out again unchecked, unless its socket has something to read: an idle
connection is sent nothing, so anything there is the server's goodbye (a restart,
a terminated backend, an idle timeout) or the socket's end, and the connection is
checked, and replaced when dead. One that sat longer (where a network failure may
have cut it without a word) is checked as before. The time since the last hand-out
is never shorter than the time the connection sat idle, so nothing is checked less
often than that rule says.
"""

from __future__ import annotations

import select
import time

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


def check_after_idle(conn) -> None:
    """The pool's ``check``: `ConnectionPool.check_connection` unless ``conn`` was
    handed out within the last ``DB_POOL_CHECK_AFTER`` seconds and its socket has
    nothing to read."""
    now = time.monotonic()
    last = getattr(conn, "_sigap_handed_out", None)
    if last is None or now - last >= settings.DB_POOL_CHECK_AFTER or _has_news(conn):
        ConnectionPool.check_connection(conn)
    conn._sigap_handed_out = now


def _has_news(conn) -> bool:
    """Whether an idle connection's socket has anything to read (one system call,
    no round trip)."""
    try:
        readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return True
    return bool(readable)


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        # Django passes the pool the full check when CONN_HEALTH_CHECKS is on; the
        # pool keeps it in `_check` (psycopg_pool 3.2 and 3.3). A pool that keeps it
        # elsewhere keeps Django's check: slower, never less safe.
        check = getattr(pool, "_check", None)
        if pool is not None and check is ConnectionPool.check_connection:
            pool._check = check_after_idle
        return pool
