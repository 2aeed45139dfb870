from __future__ import annotations

from django.utils.dateparse import parse_datetime
from rest_framework import exceptions, pagination

from core.i18n import tr_lazy

INVALID_CURSOR = tr_lazy(
    {
        "id": "Kursor tidak valid; mulai lagi dari halaman pertama (tanpa cursor).",
        "en": "Invalid cursor; start again from the first page (without cursor).",
    }
)


class CursorPagination(pagination.CursorPagination):
    ordering = "-created_at"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        """A cursor the API never gave (garbled, or a position of the wrong kind) is
        a 400 on `cursor`, not a 404 or the database's parse error."""
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise self._invalid() from exc
        if cursor is not None and cursor.position is not None:
            ordering = self.ordering
            first = (ordering if isinstance(ordering, str) else ordering[0]).lstrip("-")
            if first.endswith("_at") or first == "start":
                if parse_datetime(cursor.position) is None:
                    raise self._invalid()
            elif first in ("id", "pk") and not cursor.position.isdigit():
                raise self._invalid()
        return cursor

    @staticmethod
    def _invalid() -> exceptions.ValidationError:
        return exceptions.ValidationError(
            {
                "cursor": [
                    exceptions.ErrorDetail(str(INVALID_CURSOR), code="invalid_cursor")
                ]
            }
        )
