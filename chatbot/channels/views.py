"""Webhook endpoints (platform-authenticated, no session/CSRF) and the broadcast API."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from chatbot.channels import intake, rules
from chatbot.channels.broadcasts import broadcast_counts, broadcast_create
from chatbot.channels.selectors import broadcast_get
from chatbot.error_codes import ChatbotErrorCode
from core import jsonparse
from core.api.permissions import IsHealthOfficeOrCurator
from core.api.serializers import StrictSerializer
from core.exceptions import ApplicationError, PermissionDenied


def _json(body: bytes) -> dict:
    try:
        data = jsonparse.loads(body or b"null")
    except ValueError as exc:
        raise ApplicationError(
            "Permintaan tidak dapat dibaca (JSON tidak valid).",
            code=ChatbotErrorCode.MALFORMED_REQUEST,
        ) from exc
    if not isinstance(data, dict):
        raise ApplicationError(
            "Isi harus berupa objek JSON.", code=ChatbotErrorCode.MALFORMED_REQUEST
        )
    return data


class _WebhookApi(APIView):
    # The platform authenticates with a secret / signature, not a session or token.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []


class TelegramWebhookApi(_WebhookApi):
    """Telegram Bot API webhook (setWebhook with secret_token)."""

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter(
                "X-Telegram-Bot-Api-Secret-Token",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
            )
        ],
        tags=["chatbot-channels"],
        summary="Telegram update (webhook)",
    )
    def post(self, request):
        received = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        if not rules.secret_token_ok(received, settings.TELEGRAM_WEBHOOK_SECRET):
            raise PermissionDenied(
                "Token rahasia webhook tidak cocok.",
                code=ChatbotErrorCode.INVALID_SECRET_TOKEN,
            )
        intake.telegram_update_store(payload=_json(request.body))
        return Response({"ok": True})


class WhatsAppWebhookApi(_WebhookApi):
    """WhatsApp Cloud API webhook: verification handshake and signed deliveries."""

    @extend_schema(
        parameters=[
            OpenApiParameter("hub.mode", OpenApiTypes.STR, required=True),
            OpenApiParameter("hub.verify_token", OpenApiTypes.STR, required=True),
            OpenApiParameter("hub.challenge", OpenApiTypes.STR, required=True),
        ],
        responses={(200, "text/plain"): OpenApiTypes.STR, 403: OpenApiTypes.OBJECT},
        tags=["chatbot-channels"],
        summary="WhatsApp webhook verification",
    )
    def get(self, request):
        params = request.query_params
        expected = settings.WHATSAPP_VERIFY_TOKEN
        token = params.get("hub.verify_token", "")
        if not (
            expected
            and params.get("hub.mode") == "subscribe"
            and hmac.compare_digest(token.encode(), expected.encode())
        ):
            raise PermissionDenied(
                "Verifikasi webhook gagal.", code=ChatbotErrorCode.INVALID_VERIFY_TOKEN
            )
        return HttpResponse(params.get("hub.challenge", ""), content_type="text/plain")

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter(
                "X-Hub-Signature-256",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
            )
        ],
        tags=["chatbot-channels"],
        summary="WhatsApp delivery (messages and statuses)",
    )
    def post(self, request):
        body = request.body
        signature = request.headers.get("X-Hub-Signature-256")
        if not rules.whatsapp_signature_ok(
            body, signature, settings.WHATSAPP_APP_SECRET
        ):
            raise PermissionDenied(
                "Tanda tangan X-Hub-Signature-256 tidak valid.",
                code=ChatbotErrorCode.INVALID_SIGNATURE,
            )
        intake.whatsapp_delivery_store(body=_json(body))
        return Response({"ok": True})


class BroadcastOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    region_code = serializers.CharField()
    text_id = serializers.CharField()
    text_en = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    counts = serializers.DictField(child=serializers.IntegerField())


def _broadcast_body(broadcast) -> dict:
    return BroadcastOutputSerializer(
        {
            "id": broadcast.pk,
            "region_code": broadcast.region_code,
            "text_id": broadcast.text_id,
            "text_en": broadcast.text_en,
            "status": broadcast.status,
            "created_at": broadcast.created_at,
            "counts": broadcast_counts(broadcast),
        }
    ).data


class BroadcastCreateApi(APIView):
    """Send an announcement to the chat subscribers of an area (curator/health office)."""

    permission_classes = [IsHealthOfficeOrCurator]

    class InputSerializer(StrictSerializer):
        region_code = serializers.CharField(max_length=13)
        text_id = serializers.CharField(max_length=4000)
        text_en = serializers.CharField(
            max_length=4000, required=False, allow_blank=True
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: BroadcastOutputSerializer},
        tags=["chatbot-channels"],
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        broadcast = broadcast_create(actor=request.user, **data.validated_data)
        broadcast.refresh_from_db()
        return Response(_broadcast_body(broadcast), status=status.HTTP_201_CREATED)


class BroadcastDetailApi(APIView):
    """A broadcast with its delivery counts."""

    permission_classes = [IsHealthOfficeOrCurator]

    @extend_schema(responses=BroadcastOutputSerializer, tags=["chatbot-channels"])
    def get(self, request, broadcast_id: int):
        return Response(_broadcast_body(broadcast_get(broadcast_id=broadcast_id)))
