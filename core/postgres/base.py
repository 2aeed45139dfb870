"""Django's PostgreSQL backend, with the pooled connection's health check skipped
while the connection is in steady use.

Django's pool checks every connection it hands out with an empty query: one more
round trip per request, on the server and on PostgreSQL. A connection that was
handed out less than ``DB_POOL_CHECK_AFTER`` seconds ago was working then and is
handed out again unchecked; one that sat longer (where a restart of PostgreSQL, a
failover or an idle timeout may have closed it) is checked as before, and a dead
one replaced. The time since the last hand-out is never shorter than the time the
connection sat idle, so nothing is checked less often than that rule says.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool


def check_after_idle(conn) -> None:
    """The pool's ``check``: `ConnectionPool.check_connection` unless ``conn`` was
    handed out within the last ``DB_POOL_CHECK_AFTER`` seconds."""
    now = time.monotonic()
    last = getattr(conn, "_sigap_handed_out", None)
    if last is None or now - last >= settings.DB_POOL_CHECK_AFTER:
        ConnectionPool.check_connection(conn)
    conn._sigap_handed_out = now


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        # Django passes the pool the full check when CONN_HEALTH_CHECKS is on; the
        # pool keeps it in `_check` (psycopg_pool 3.2 and 3.3).
        if pool is not None and pool._check is ConnectionPool.check_connection:
            pool._check = check_after_idle
        return pool
