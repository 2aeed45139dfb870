from __future__ import annotations

from django.apps import AppConfig


class SelfcheckConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "selfcheck"
    verbose_name = "Cek mandiri"

    def ready(self) -> None:
        from core.services.privacy import register_eraser, register_exporter
        from selfcheck.services import assessments_erase, assessments_export

        register_exporter("selfcheck_assessments", assessments_export)
        register_eraser("selfcheck_assessments", assessments_erase)
