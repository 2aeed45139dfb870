from importlib import import_module

from django.db import migrations


def teleconsult_subjects(apps, schema_editor):
    """Consultation messages queued before `Notification.subject`: about the
    booking's (or proposal's) patient, whoever they were sent to."""
    backfill = import_module("core.migrations.0014_notification_subject")
    Notification = apps.get_model("core", "Notification")
    for model, key in (
        ("Booking", "booking_id"),
        ("ConsultationProposal", "proposal_id"),
    ):
        rows = apps.get_model("teleconsult", model).objects
        backfill.subjects_backfill(
            Notification,
            "teleconsult.",
            key,
            lambda ids, rows=rows: dict(
                rows.filter(pk__in=ids).values_list("pk", "patient_id")
            ),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_notification_subject"),
        ("teleconsult", "0004_proposal_expires_at"),
    ]

    operations = [migrations.RunPython(teleconsult_subjects, migrations.RunPython.noop)]
