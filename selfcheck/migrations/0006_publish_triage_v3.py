import datetime as dt

from django.db import migrations
from django.utils import timezone

NOTE = (
    "Triage v3: a measured temperature of 40.0 °C or more, or difficulty breathing, "
    "is at least high risk (a doctor or puskesmas today); 41.0 °C or more is an "
    "emergency (PSC 119). From the moment this migration ran: assessments before it "
    "keep the version they were judged by."
)


def publish(apps, schema_editor):
    # Never backdated: from now on, so no stored assessment changes meaning. The
    # questions do not change: questionnaire v2 stays in force.
    RuleSet = apps.get_model("selfcheck", "RuleSet")
    if RuleSet.objects.filter(version="triage-v3").exists():
        return
    # Run right after 0003 (a fresh database), "now" could equal v2's start, which is
    # unique: v3 starts at least a moment after the latest publication.
    starts_at = timezone.now()
    latest = RuleSet.objects.order_by("-starts_at").first()
    if latest is not None and latest.starts_at >= starts_at:
        starts_at = latest.starts_at + dt.timedelta(microseconds=1)
    RuleSet.objects.create(version="triage-v3", starts_at=starts_at, note=NOTE)


class Migration(migrations.Migration):
    dependencies = [("selfcheck", "0005_backfill_measured_symptoms")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
