"""The consultation itself: its chat messages and the doctor's outcome note."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import IsHealthWorker
from core.api.serializers import StrictSerializer, TextField
from isolation.teleconsult import selectors, services
from isolation.teleconsult.api.serializers import (
    MessageOutputSerializer,
    MessagePagination,
)
from isolation.teleconsult.api.views.common import TAGS
from isolation.teleconsult.models import MESSAGE_MAX_CHARS, OUTCOME_MAX_CHARS


class OutcomeApi(APIView):
    """GET: the outcome note (the two participants; auditors, audited).
    PUT: the doctor writes or corrects it."""

    class InputSerializer(StrictSerializer):
        note = TextField(max_length=OUTCOME_MAX_CHARS)

    class OutputSerializer(serializers.Serializer):
        booking = serializers.IntegerField(source="pk")
        doctor = serializers.CharField(source="doctor.full_name")
        note = serializers.CharField(source="outcome_note")
        written_at = serializers.DateTimeField(source="outcome_written_at")

    def get_permissions(self):
        if self.request.method == "PUT":
            return [IsHealthWorker()]
        return [IsAuthenticated()]

    @extend_schema(responses=OutputSerializer, tags=TAGS)
    def get(self, request, booking_id: int):
        booking = selectors.booking_outcome_get(
            user=request.user, booking_id=booking_id
        )
        return Response(self.OutputSerializer(booking).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer, tags=TAGS)
    def put(self, request, booking_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.outcome_write(
            booking_id=booking_id, doctor=request.user, **data.validated_data
        )
        return Response(self.OutputSerializer(booking).data)


class MessageListCreateApi(APIView):
    """GET: the consultation's chat history (newest first, by cursor).
    POST: send a message while the room is open (the websocket is the live path)."""

    permission_classes = [IsAuthenticated]
    # Used below; also tells the schema the list comes as {next, previous, results}.
    pagination_class = MessagePagination

    class InputSerializer(StrictSerializer):
        text = TextField(max_length=MESSAGE_MAX_CHARS)

    @extend_schema(responses=MessageOutputSerializer(many=True), tags=TAGS)
    def get(self, request, booking_id: int):
        qs = selectors.message_list(user=request.user, booking_id=booking_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            MessageOutputSerializer(page, many=True).data
        )

    @extend_schema(
        request=InputSerializer, responses={201: MessageOutputSerializer}, tags=TAGS
    )
    def post(self, request, booking_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = services.message_post(
            booking_id=booking_id, sender=request.user, **data.validated_data
        )
        return Response(MessageOutputSerializer(message).data, status=201)
