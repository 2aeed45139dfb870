import datetime as dt

from django.db import migrations

START = dt.datetime(2020, 3, 1, tzinfo=dt.UTC)
NOTE = "Triage v1 (PRODUCT.md §2), in force from the start."


def publish(apps, schema_editor):
    RuleSet = apps.get_model("selfcheck", "RuleSet")
    Questionnaire = apps.get_model("selfcheck", "Questionnaire")
    RuleSet.objects.get_or_create(version="triage-v1", defaults={"starts_at": START, "note": NOTE})
    Questionnaire.objects.get_or_create(version="v1", defaults={"starts_at": START, "note": NOTE})


class Migration(migrations.Migration):
    dependencies = [("selfcheck", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
