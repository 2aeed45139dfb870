"""The history page of FAQ, hoax and synonym entries, in Bahasa Indonesia: who
changed what, when and why, empty values as "—" and fields by their verbose name."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper, ObjDiffDisplay

EMPTY = "—"
KINDS = {"+": "Dibuat", "~": "Diubah", "-": "Dihapus"}


def _shown(value) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(value, dt.date):
        return date_format(value, "j M Y")
    if value is True:
        return "Ya"
    if value is False:
        return "Tidak"
    if isinstance(value, list):
        return " · ".join(str(v) for v in value) or EMPTY
    return str(value)


class WordDiffDisplay(ObjDiffDisplay):
    """Long old and new values shortened around their first difference, on whole
    words, with the skipped part said in Indonesian ("… 42 karakter …"), never
    django-simple-history's "Covid[42 chars]gan"."""

    def __init__(self, max_length: int = 240) -> None:
        super().__init__(max_length=max_length, placeholder_len=16, min_begin_len=24)

    def shorten(self, s: str, prefix_len: int, suffix_len: int) -> str:
        skip = len(s) - prefix_len - suffix_len
        if skip <= self.placeholder_len:
            return s
        head, tail = s[:prefix_len], s[len(s) - suffix_len :] if suffix_len else ""
        # Whole words only: the head ends, and the tail starts, at a space.
        if " " in head and not s[prefix_len : prefix_len + 1].isspace():
            head = head[: head.rfind(" ") + 1]
        if (
            " " in tail
            and not s[len(s) - suffix_len - 1 : len(s) - suffix_len].isspace()
        ):
            tail = tail[tail.find(" ") :]
        return self.shortened_str(head, len(s) - len(head) - len(tail), tail)

    def shortened_str(self, prefix: str, num_skipped_chars: int, suffix: str) -> str:
        return f"{prefix}… {num_skipped_chars} karakter …{suffix}".strip()


class ContextHelper(HistoricalRecordContextHelper):
    def get_obj_diff_display(self) -> ObjDiffDisplay:
        return WordDiffDisplay()

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        value = super().prepare_delta_change_value(change, value)
        if field.choices and value not in (None, ""):
            value = dict(field.flatchoices).get(value, value)
        return _shown(value)

    def stringify_delta_change_values(self, change, old, new):
        old, new = super().stringify_delta_change_values(change, old, new)
        return (
            conditional_escape(old) or mark_safe(EMPTY),
            conditional_escape(new) or mark_safe(EMPTY),
        )


class HistoryAdmin(SimpleHistoryAdmin):
    object_history_template = "admin/chatbot/object_history.html"
    object_history_list_template = "admin/chatbot/object_history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ContextHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        super().set_history_delta_changes(request, historical_records, **kwargs)
        for record in historical_records:
            record.kind_label = KINDS.get(record.history_type, EMPTY)

    def history_view_title(self, request, obj):
        return f"Riwayat perubahan: {obj}"
