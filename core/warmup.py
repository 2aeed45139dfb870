"""Load at start what a server process's first requests would otherwise pay for.

Without it the first request of each worker after a start, a deploy or a respawn
imports every view (URL patterns), reads the translation catalogues and opens the
database and Redis connections: 100-250 ms, the slowest requests of a load test. Its
first area lookup, area search and chatbot question would also build their in-memory
indexes (about 2 s each): built here too unless SIGAP_WARM_UP_INDEXES is off.
"""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


def warm_up() -> None:
    """Never raises: a worker starts while PostgreSQL or Redis is down, and connects
    on its first request once they are back."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    for code, _ in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Not Found")
    try:
        from django.db import connection

        connection.ensure_connection()
        connection.close()  # back to the pool, or closed when there is none
    except Exception as exc:
        logger.warning("warm-up: database not reachable (%s)", type(exc).__name__)
    try:
        from django.core.cache import cache

        cache.get("warm-up")
    except Exception as exc:
        logger.warning("warm-up: cache not reachable (%s)", type(exc).__name__)
    if settings.SIGAP_WARM_UP_INDEXES:
        warm_up_indexes()


def warm_up_indexes() -> None:
    """Build the in-memory indexes a worker would otherwise build on its first area
    lookup, area search and chatbot question (about 2 s each of those requests).
    Every worker holds them once it has served one of each anyway: this moves the
    cost to the start, not the memory."""
    from django.db import connection

    from chatbot.index import snapshot_get
    from core.areas.geo import boundary_index
    from core.areas.search import search_index

    for name, build in (
        ("area boundaries", boundary_index),
        ("area search", search_index),
        ("chatbot knowledge", snapshot_get),
    ):
        started = time.perf_counter()
        try:
            build()
        except Exception as exc:  # an empty or unreachable database: built later
            logger.warning("warm-up: %s index not built (%s)", name, type(exc).__name__)
        else:
            logger.info(
                "warm-up: %s index in %.2fs", name, time.perf_counter() - started
            )
    connection.close()
