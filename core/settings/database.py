"""The database: PostgreSQL from DATABASE_URL (optionally pooled, or behind
pgbouncer), else SQLite."""

from __future__ import annotations

import dj_database_url

from core.settings.env import env, env_bool, env_int
from core.settings.web import BASE_DIR

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            # Under ASGI, requests run on short-lived threads: persistent connections
            # would pile up, so the default closes them at the end of each request.
            conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
            conn_health_checks=True,
        )
    }
    # A connection pool per process (psycopg_pool) instead: requests borrow an open
    # connection rather than connecting each time. For the ASGI web process; Celery's
    # prefork workers keep plain connections (a pool does not survive fork).
    DB_POOL_SIZE = env_int("DB_POOL_SIZE", 0)
    if DB_POOL_SIZE and DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": DB_POOL_SIZE,
            "timeout": 10,
        }
    # Behind pgbouncer in transaction pooling mode each transaction may run on another
    # server connection: no server-side cursors (they live across transactions) and no
    # server-side prepared statements (psycopg prepares a query after 5 runs).
    if env_bool("DB_PGBOUNCER", False) and DATABASES["default"]["ENGINE"].endswith(
        "postgresql"
    ):
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue
                # instead of failing half-way (SQLite's stand-in for row locks).
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
