from django.db import migrations, models
from django.db.models import F, Q


def hold_until_start(apps, schema_editor):
    # Proposals made before holds existed stay open until their slot starts, as before.
    ConsultationProposal = apps.get_model("teleconsult", "ConsultationProposal")
    ConsultationProposal.objects.filter(expires_at__isnull=True).update(
        expires_at=F("start")
    )


class Migration(migrations.Migration):
    dependencies = [("teleconsult", "0003_proposal_referral_hospitals")]

    operations = [
        migrations.AddField(
            model_name="consultationproposal",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="disediakan sampai"),
        ),
        migrations.RunPython(hold_until_start, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="consultationproposal",
            name="expires_at",
            field=models.DateTimeField(verbose_name="disediakan sampai"),
        ),
        migrations.AddConstraint(
            model_name="consultationproposal",
            constraint=models.CheckConstraint(
                condition=Q(expires_at__lte=F("start")),
                name="proposal_held_until_start_at_most",
            ),
        ),
        migrations.AddIndex(
            model_name="consultationproposal",
            index=models.Index(
                condition=Q(status="proposed"),
                fields=["doctor", "start"],
                name="proposal_open_doctor_start",
            ),
        ),
    ]
