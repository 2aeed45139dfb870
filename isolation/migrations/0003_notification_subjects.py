from importlib import import_module

from django.db import migrations


def isolation_subjects(apps, schema_editor):
    """Danger alerts and isolation requests told to a facility's health workers
    before `Notification.subject`: about the patient."""
    backfill = import_module("core.migrations.0014_notification_subject")
    Notification = apps.get_model("core", "Notification")
    Alert = apps.get_model("isolation", "Alert")
    IsolationRequest = apps.get_model("isolation", "IsolationRequest")
    backfill.subjects_backfill(
        Notification,
        "isolation.alert.danger",
        "alert_id",
        lambda ids: dict(
            Alert.objects.filter(pk__in=ids).values_list("pk", "isolation__patient_id")
        ),
    )
    backfill.subjects_backfill(
        Notification,
        "isolation.request",
        "request_id",
        lambda ids: dict(
            IsolationRequest.objects.filter(pk__in=ids).values_list("pk", "patient_id")
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_notification_subject"),
        ("isolation", "0002_drop_redundant_indexes"),
    ]

    operations = [migrations.RunPython(isolation_subjects, migrations.RunPython.noop)]
