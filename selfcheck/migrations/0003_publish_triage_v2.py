from django.db import migrations
from django.utils import timezone

NOTE = (
    "Triage v2: a measured temperature of 38.0 °C or more counts as fever; travel "
    "counts as exposure (questionnaire v2 asks about it). From the moment this "
    "migration ran: assessments before it keep triage-v1."
)


def publish(apps, schema_editor):
    # Never backdated: from now on, so no stored assessment changes meaning.
    RuleSet = apps.get_model("selfcheck", "RuleSet")
    Questionnaire = apps.get_model("selfcheck", "Questionnaire")
    now = timezone.now()
    if not RuleSet.objects.filter(version="triage-v2").exists():
        RuleSet.objects.create(version="triage-v2", starts_at=now, note=NOTE)
    if not Questionnaire.objects.filter(version="v2").exists():
        Questionnaire.objects.create(version="v2", starts_at=now, note=NOTE)


class Migration(migrations.Migration):
    dependencies = [("selfcheck", "0002_publish_v1")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
