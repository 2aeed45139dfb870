"""Group chats could be linked to an account before links were limited to private
chats; such a link lets every member act as the account holder and sends her
reminders to the group. Telegram group, supergroup and channel ids are negative."""

from django.db import migrations


def unlink_group_chats(apps, schema_editor):
    ChannelIdentity = apps.get_model("core", "ChannelIdentity")
    ChannelIdentity.objects.filter(
        channel="telegram", external_id__startswith="-"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("chatbot_conversation", "0002_handoff_facility_assignee"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(unlink_group_chats, migrations.RunPython.noop),
    ]
