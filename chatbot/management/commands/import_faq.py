from __future__ import annotations

from chatbot.management.commands._transfer import ImportCommand
from chatbot.services.transfer import FAQ_REQUIRED, faq_import


class Command(ImportCommand):
    help = (
        "Import (upsert) FAQ entries from an Excel workbook (.xlsx, first sheet) or CSV "
        "(header question,answer,category,language,"
        "alternates; only question and answer required; alternates split by |; comma, "
        "semicolon or tab separated; Indonesian column names too) or a JSON list. "
        "Re-importing changes nothing."
    )
    required = FAQ_REQUIRED
    kind = "FAQ"

    def run_import(self, rows, status, name):
        return faq_import(rows=rows, default_status=status, file_name=name)
