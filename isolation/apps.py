from django.apps import AppConfig


class IsolationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "isolation"
    verbose_name = "Pemantauan isolasi"

    def ready(self) -> None:
        from core.services.privacy import (
            register_consent_blocker,
            register_eraser,
            register_erasure_blocker,
            register_exporter,
        )
        from isolation.services.privacy import (
            isolation_consent_blockers,
            isolation_erase,
            isolation_erasure_blockers,
            isolation_export,
        )

        register_exporter("isolation", isolation_export)
        register_eraser("isolation", isolation_erase)
        register_erasure_blocker("isolation", isolation_erasure_blockers)
        register_consent_blocker("isolation", isolation_consent_blockers)
