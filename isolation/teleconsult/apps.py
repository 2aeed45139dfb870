from django.apps import AppConfig


class TeleconsultConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "isolation.teleconsult"
    label = "teleconsult"
    verbose_name = "Telekonsultasi"

    def ready(self) -> None:
        from core.services.privacy import (
            register_eraser,
            register_erasure_blocker,
            register_exporter,
        )
        from isolation.hooks import register_danger_alert_hook
        from isolation.teleconsult import checks  # noqa: F401  (registers checks)
        from isolation.teleconsult.services.privacy import (
            teleconsult_erase,
            teleconsult_erasure_blockers,
            teleconsult_export,
        )
        from isolation.teleconsult.tasks import consultation_proposal_enqueue

        register_danger_alert_hook("teleconsult", consultation_proposal_enqueue)
        register_exporter("teleconsult", teleconsult_export)
        register_eraser("teleconsult", teleconsult_erase)
        register_erasure_blocker("teleconsult", teleconsult_erasure_blockers)
