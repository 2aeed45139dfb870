import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

BATCH = 1000


def subjects_backfill(Notification, kinds: str, key: str, owners) -> None:
    """Point rows queued before `subject` existed at the person they are about:
    `owners(ids)` maps the ids found under data[key] to that person's user id. The
    apps whose records those are call it from their own migration."""
    rows = (
        Notification.objects.filter(subject__isnull=True, kind__startswith=kinds)
        .values_list("pk", "data")
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:BATCH])
        if not batch:
            return
        last = batch[-1][0]
        refs = {
            pk: data.get(key)
            for pk, data in batch
            if isinstance(data, dict) and isinstance(data.get(key), int)
        }
        owner_of = owners(set(refs.values()))
        by_owner: dict[int, list[int]] = {}
        for pk, ref in refs.items():
            if ref in owner_of:
                by_owner.setdefault(owner_of[ref], []).append(pk)
        for owner, pks in by_owner.items():
            Notification.objects.filter(pk__in=pks).update(subject_id=owner)


def psc_subjects(apps, schema_editor):
    Notification = apps.get_model("core", "Notification")
    Escalation = apps.get_model("core", "Escalation")
    subjects_backfill(
        Notification,
        "psc.",
        "escalation_id",
        lambda ids: dict(
            Escalation.objects.filter(pk__in=ids).values_list("pk", "resident_id")
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0013_bed_figures_per_kind")]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="subject",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notifications_about",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(psc_subjects, migrations.RunPython.noop),
    ]
