"""What the isolation API views share: tags, the serializer context, pagination."""

from __future__ import annotations

from rest_framework import serializers

from core.api.pagination import CursorPagination, KeysetPagination
from core.i18n import request_language
from isolation import selectors

TAGS_RESIDENT = ["isolation (resident)"]
TAGS_WORKER = ["isolation (health worker)"]


def serializer_context(request) -> dict:
    return {"lang": request_language(request), "request": request}


def choices_field(values) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=values),
        required=False,
        default=list,
        max_length=len(values) * 2,
    )


class CheckInPagination(CursorPagination):
    ordering = "-measured_at"
    page_size = 50


class BoardPagination(KeysetPagination):
    ordering = selectors.BOARD_ORDER


class AlertPagination(KeysetPagination):
    ordering = selectors.ALERT_BOARD_ORDER


class RequestPagination(KeysetPagination):
    ordering = selectors.REQUEST_PENDING_ORDER
