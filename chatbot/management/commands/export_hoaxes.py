from __future__ import annotations

from chatbot.management.commands._transfer import ExportCommand
from chatbot.models import HoaxEntry
from chatbot.services.transfer import HOAX_COLUMNS, HOAX_OPTIONAL, hoax_export


class Command(ExportCommand):
    help = (
        "Export hoax entries as Excel (.xlsx), CSV or JSON (what import_hoaxes reads)."
    )
    columns = HOAX_COLUMNS + HOAX_OPTIONAL
    sheet = "hoaks"

    def records(self, status):
        entries = HoaxEntry.objects.order_by("id")
        if status:
            entries = entries.filter(status=status)
        return hoax_export(entries)
