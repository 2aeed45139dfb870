from __future__ import annotations

from chatbot.management.commands._transfer import ImportCommand
from chatbot.services.transfer import HOAX_REQUIRED, hoax_import


class Command(ImportCommand):
    help = (
        "Import (upsert) hoax entries from an Excel workbook (.xlsx, first sheet) or "
        "CSV (header claim,verdict,explanation,"
        "source_url,published_on,tags; only claim, verdict and explanation required; "
        "narrative and variant_1, variant_2, ... columns for circulating versions; "
        "tags split by |; comma, semicolon or tab separated; Indonesian column names "
        "too) or a JSON list."
    )
    required = HOAX_REQUIRED
    kind = "Hoaks"

    def run_import(self, rows, status, name):
        return hoax_import(rows=rows, default_status=status, file_name=name)
