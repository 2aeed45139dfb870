"""Load at start what a server process's first requests would otherwise pay for.

Without it the first request of each worker after a start, a deploy or a respawn
imports every view (URL patterns), reads the translation catalogues and opens the
database and Redis connections: 100-250 ms, the slowest requests of a load test.
"""

from __future__ import annotations

import logging

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
