"""Every write of the chatbot app (and the answering entry point for the adapters)."""

from __future__ import annotations

from chatbot.services.answering import AnswerResult, FaqRef, HoaxRef, message_answer
from chatbot.services.inbox import (
    ReportResult,
    hoax_report_create,
    hoax_report_dismiss,
    hoax_report_link,
    hoax_report_to_draft,
    possible_match_log,
    possible_match_review,
    unanswered_add_alternate,
    unanswered_close,
    unanswered_dismiss,
    unanswered_log,
    unanswered_settle_drafts,
    unanswered_to_draft_faq,
)
from chatbot.services.knowledge import (
    entries_set_status,
    faq_save,
    hoax_save,
    knowledge_delete,
    synonym_save,
)
from chatbot.services.transfer import (
    ImportReport,
    faq_export,
    faq_import,
    hoax_export,
    hoax_import,
    read_records,
)

__all__ = [
    "AnswerResult",
    "FaqRef",
    "HoaxRef",
    "ImportReport",
    "ReportResult",
    "message_answer",
    "entries_set_status",
    "faq_export",
    "faq_import",
    "faq_save",
    "hoax_export",
    "hoax_import",
    "hoax_report_create",
    "hoax_report_dismiss",
    "hoax_report_link",
    "hoax_report_to_draft",
    "hoax_save",
    "knowledge_delete",
    "possible_match_log",
    "possible_match_review",
    "read_records",
    "synonym_save",
    "unanswered_add_alternate",
    "unanswered_close",
    "unanswered_dismiss",
    "unanswered_log",
    "unanswered_settle_drafts",
    "unanswered_to_draft_faq",
]
