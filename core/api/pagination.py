"""Cursor pagination for every list that grows with use: `{next, previous, results}`,
`cursor` and `page_size` in the query, a bad value of either a 400 on that field."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Func, IntegerField, Q, QuerySet, Value
from django.db.models.lookups import GreaterThan, LessThan
from django.utils.dateparse import parse_datetime
from rest_framework import exceptions, pagination, serializers
from rest_framework.pagination import Cursor

from core.api.serializers import DB_INT_MAX, StrictSerializer
from core.i18n import tr_lazy

INVALID_CURSOR = tr_lazy(
    {
        "id": "Kursor tidak valid; mulai lagi dari halaman pertama (tanpa cursor).",
        "en": "Invalid cursor; start again from the first page (without cursor).",
    }
)
MAX_PAGE_SIZE = 200


class CursorPagination(pagination.CursorPagination):
    ordering = "-created_at"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        """DRF falls back to the default for `page_size=abc` or 0 and clips 5000 to
        the maximum without a word; a client asking for something it will not get
        is told so (400 on `page_size`)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        field = serializers.IntegerField(min_value=1, max_value=self.max_page_size)
        try:
            return field.run_validation(raw)
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError(
                {self.page_size_query_param: exc.detail}
            ) from exc

    def decode_cursor(self, request):
        """A cursor the API never gave (garbled, or a position of the wrong kind) is
        a 400 on `cursor`, not a 404 or the database's parse error."""
        cursor = self._decode(request)
        if cursor is not None and cursor.position is not None:
            ordering = self.ordering
            first = (ordering if isinstance(ordering, str) else ordering[0]).lstrip("-")
            if first.endswith("_at") or first == "start":
                if parse_datetime(cursor.position) is None:
                    raise self._invalid()
            elif first in ("id", "pk") and not cursor.position.isdigit():
                raise self._invalid()
        return cursor

    def _decode(self, request) -> Cursor | None:
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound as exc:
            raise self._invalid() from exc

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Rows per page, 1 to {self.max_page_size} (default "
                    f"{self.page_size}); anything else is a 400 on `page_size`."
                )
                parameter["schema"].update(
                    minimum=1, maximum=self.max_page_size, default=self.page_size
                )
            elif parameter["name"] == self.cursor_query_param:
                parameter["description"] = (
                    "Where a page starts: the cursor of a `next` or `previous` link "
                    "(follow the links as they are). A cursor the API did not give "
                    "is a 400 `invalid_cursor`."
                )
        return parameters

    @staticmethod
    def _invalid() -> exceptions.ValidationError:
        return exceptions.ValidationError(
            {
                "cursor": [
                    exceptions.ErrorDetail(str(INVALID_CURSOR), code="invalid_cursor")
                ]
            }
        )


class PageQuerySerializer(StrictSerializer):
    """The query of a paged list whose other parameters a StrictSerializer checks
    (unknown ones are refused): the pagination's own two are known, and documented
    with their bounds. The paginator checks them again for lists without filters."""

    cursor = serializers.CharField(
        required=False,
        help_text="Where a page starts: the cursor of a `next` or `previous` link "
        "(follow the links as they are). A cursor the API did not give is a 400 "
        "`invalid_cursor`.",
    )
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text=f"Rows per page, 1 to {MAX_PAGE_SIZE} (default: the list's own); "
        "anything else is a 400 on `page_size`.",
    )


class KeysetPagination(CursorPagination):
    """Cursor pagination over an ordering of several fields, the last one unique and
    none of them null (annotations welcome: `danger_rank`, `-created_at`, `-pk`).

    DRF's cursor holds the first ordering field only and counts the rows that share
    its value: under an ordering led by a rank (danger first) that count runs into the
    thousands, and DRF caps it at 1000 (`offset_cutoff`), after which pages repeat.
    Here the cursor holds the boundary row's whole key and a page is the rows that
    sort after it (or before it, going back): no offsets, any depth."""

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor.reverse)
        ordering = (
            pagination._reverse_ordering(self.ordering) if reverse else self.ordering
        )
        queryset = queryset.order_by(*ordering)
        key = None
        if self.cursor is not None and self.cursor.position is not None:
            key = self._key(queryset, self.cursor.position)
            queryset = queryset.filter(_after(ordering, key))
        rows = list(queryset[: self.page_size + 1])
        more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if reverse:
            self.page.reverse()
            self.has_previous, self.has_next = more, True
        else:
            self.has_previous, self.has_next = key is not None, more
        self.display_page_controls = self.has_previous or self.has_next
        return self.page

    def decode_cursor(self, request):
        # The position is checked against the queryset's fields in `_key`.
        return self._decode(request)

    def get_next_link(self):
        if not self.has_next:
            return None
        position = self._position(self.page[-1]) if self.page else None
        return self.encode_cursor(
            Cursor(offset=0, reverse=False, position=position or self.cursor.position)
        )

    def get_previous_link(self):
        if not self.has_previous:
            return None
        position = self._position(self.page[0]) if self.page else None
        return self.encode_cursor(
            Cursor(offset=0, reverse=True, position=position or self.cursor.position)
        )

    def _position(self, row) -> str:
        values = [getattr(row, name.lstrip("-")) for name in self.ordering]
        return json.dumps(
            [v.isoformat() if isinstance(v, dt.datetime) else str(v) for v in values],
            separators=(",", ":"),
        )

    def _key(self, queryset: QuerySet, position: str) -> list:
        """The boundary row's key from a cursor, each value as its field takes it;
        anything the API could not have written is `invalid_cursor`."""
        try:
            texts = json.loads(position)
        except ValueError as exc:
            raise self._invalid() from exc
        if (
            not isinstance(texts, list)
            or len(texts) != len(self.ordering)
            or not all(isinstance(t, str) and "\x00" not in t for t in texts)
        ):
            raise self._invalid()
        key = []
        for name, text in zip(self.ordering, texts, strict=True):
            try:
                value = _field(queryset, name.lstrip("-")).to_python(text)
                if isinstance(value, dt.datetime):
                    if value.tzinfo is None:
                        raise ValueError("naive")
                    value.astimezone(dt.UTC)  # a year the database cannot hold
            except (DjangoValidationError, ValueError, TypeError, OverflowError) as exc:
                raise self._invalid() from exc
            if value is None or (isinstance(value, int) and abs(value) > DB_INT_MAX):
                raise self._invalid()
            key.append(value)
        return key


def _field(queryset: QuerySet, name: str):
    if name == "pk":
        return queryset.model._meta.pk
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    return queryset.model._meta.get_field(name)


class _Row(Func):
    """A row value, `(a, b, c)`, to compare keys at once."""

    template = "(%(expressions)s)"
    output_field = IntegerField()  # never read: only ever compared as a whole


def _after(ordering: tuple[str, ...], key: list):
    """Rows that sort after `key` under `ordering`. One direction throughout: a row
    comparison, `(a, b, c) > (x, y, z)`, each field computed once (an annotation may
    be a subquery). Mixed directions: `a > x OR (a = x AND (b < y OR (b = y AND
    ...)))`, each field at most twice."""
    fields = [name.lstrip("-") for name in ordering]
    descending = [name.startswith("-") for name in ordering]
    if len(set(descending)) == 1:
        compare = LessThan if descending[0] else GreaterThan
        return compare(
            _Row(*[F(field) for field in fields]), _Row(*[Value(v) for v in key])
        )
    after = None
    for field, desc, value in reversed(list(zip(fields, descending, key, strict=True))):
        step = Q(**{f"{field}__{'lt' if desc else 'gt'}": value})
        if after is not None:
            step |= Q(**{field: value}) & after
        after = step
    return after
