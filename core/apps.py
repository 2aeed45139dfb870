from __future__ import annotations

import os

from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Sigap"

    def ready(self) -> None:
        from django.conf import settings

        from core import (
            checks,  # noqa: F401  (registers system checks)
            selectors,  # noqa: F401  (consent cache receivers)
        )
        from core.api import authentication  # noqa: F401  (token cache receivers)
        from core.beds import selectors as beds  # noqa: F401  (hospital index receivers)
        from core.psc.services import psc_erase, psc_erasure_blockers, psc_export
        from core.services.privacy import (
            register_eraser,
            register_erasure_blocker,
            register_exporter,
        )

        register_exporter("psc", psc_export)
        register_eraser("psc", psc_erase)
        register_erasure_blocker("psc", psc_erasure_blockers)

        # The embedded scheduler runs periodic jobs inside the web process when there is
        # no Celery beat (make run without REDIS_URL). Under runserver's autoreloader only
        # the serving child (RUN_MAIN) starts it.
        if (
            settings.SIGAP_EMBEDDED_SCHEDULER
            and os.environ.get("RUN_MAIN", "true") == "true"
        ):
            from core.scheduler import start_embedded_scheduler

            start_embedded_scheduler()
