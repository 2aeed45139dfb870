"""Each kind of bed (and the oxygen stock) as last reported, with its own time.

Before, a report replaced the hospital's whole picture, so a report of one kind hid
the others. The pictures are rebuilt from the kept history, oldest report first,
with the same merge the service uses."""

from django.db import migrations, models


def rebuild_pictures(apps, schema_editor):
    from core.beds.rules import beds_merge

    BedAvailability = apps.get_model("core", "BedAvailability")
    BedCount = apps.get_model("core", "BedCount")
    BedReport = apps.get_model("core", "BedReport")
    for current in BedAvailability.objects.all().iterator():
        beds, oxygen, oxygen_at = {}, None, None
        reports = BedReport.objects.filter(facility_id=current.facility_id).order_by(
            "reported_at", "pk"
        )
        for report in reports.iterator():
            counts = {
                c.kind: {"total": c.total, "free": c.free}
                for c in BedCount.objects.filter(report_id=report.pk)
            }
            beds = beds_merge(
                beds, counts, reported_at=report.reported_at, report_id=report.pk
            )
            if report.oxygen_days is not None:
                oxygen, oxygen_at = report.oxygen_days, report.reported_at
        current.beds = beds
        current.oxygen_days = oxygen
        current.oxygen_reported_at = oxygen_at
        current.save(update_fields=["beds", "oxygen_days", "oxygen_reported_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_indonesian_labels_for_cases_and_areas"),
    ]

    operations = [
        migrations.AddField(
            model_name="bedavailability",
            name="oxygen_reported_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(rebuild_pictures, migrations.RunPython.noop),
    ]
