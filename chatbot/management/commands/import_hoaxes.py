from __future__ import annotations

from chatbot.management.commands._transfer import ImportCommand
from chatbot.services.transfer import HOAX_COLUMNS, hoax_import


class Command(ImportCommand):
    help = (
        "Import (upsert) hoax entries from CSV (header claim,verdict,explanation,"
        "source_url,published_on,tags; tags split by |) or a JSON list."
    )
    required = HOAX_COLUMNS
    kind = "Hoaks"

    def run_import(self, rows, status):
        return hoax_import(rows=rows, default_status=status)
