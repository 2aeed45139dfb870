from __future__ import annotations

from chatbot.management.commands._transfer import ExportCommand
from chatbot.models import FaqEntry
from chatbot.services.transfer import FAQ_COLUMNS, FAQ_OPTIONAL, faq_export


class Command(ExportCommand):
    help = "Export FAQ entries as Excel (.xlsx), CSV or JSON (what import_faq reads)."
    columns = FAQ_COLUMNS + FAQ_OPTIONAL
    sheet = "faq"

    def records(self, status):
        entries = FaqEntry.objects.order_by("id")
        if status:
            entries = entries.filter(status=status)
        return faq_export(entries)
