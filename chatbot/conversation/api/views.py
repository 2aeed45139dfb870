from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from chatbot.conversation import selectors, services
from chatbot.conversation.models import Handoff
from chatbot.conversation.services.links import LINKABLE_CHANNELS
from chatbot.error_codes import ChatbotErrorCode
from core.api.pagination import CursorPagination, PageQuerySerializer
from core.api.permissions import IsResident
from core.api.serializers import StrictSerializer
from core.api.throttling import ScopedRateThrottle
from core.exceptions import ApplicationError
from core.services.audit import audit_record


class IsChatStaff(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and user.role in selectors.STAFF_ROLES
        )


class LinkCodeApi(APIView):
    """A one-time code to link a Telegram or WhatsApp chat to this account: send
    "/link <code>" to the bot within 10 minutes."""

    permission_classes = [IsResident]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "chatbot"

    class OutputSerializer(serializers.Serializer):
        code = serializers.CharField()
        expires_at = serializers.DateTimeField()

    @extend_schema(request=None, responses={201: OutputSerializer}, tags=["chatbot"])
    def post(self, request):
        issued = services.link_code_create(user=request.user)
        return Response(
            self.OutputSerializer(
                {"code": issued.code, "expires_at": issued.expires_at}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class LinkListApi(APIView):
    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        channel = serializers.CharField()
        linked_at = serializers.DateTimeField()

    @extend_schema(responses=OutputSerializer(many=True), tags=["chatbot"])
    def get(self, request):
        rows = selectors.channel_links_for_user(user=request.user)
        return Response(self.OutputSerializer(rows, many=True).data)


class LinkDeleteApi(APIView):
    """Unlink this account's chat on one channel."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None}, tags=["chatbot"])
    def delete(self, request, channel: str):
        if channel not in LINKABLE_CHANNELS:
            raise ApplicationError(
                "Kanal tidak dikenal.",
                code=ChatbotErrorCode.UNKNOWN_CHANNEL,
                fields={"channel": "telegram atau whatsapp."},
                status=404,
            )
        services.identity_delete(user=request.user, channel=channel)
        return Response(status=status.HTTP_204_NO_CONTENT)


class HandoffMessageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    direction = serializers.CharField()
    text = serializers.CharField()
    author = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_author(self, obj) -> str | None:
        return obj.author.full_name if obj.author_id else None


class HandoffSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    channel = serializers.CharField()
    status = serializers.CharField()
    language = serializers.CharField()
    resident = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    messages = HandoffMessageSerializer(many=True, source="messages.all")

    def get_resident(self, obj) -> dict | None:
        # The chat id (a phone number on WhatsApp) is never shown.
        if obj.user_id is None:
            return None
        return {"id": obj.user_id, "name": obj.user.full_name}


class HandoffPagination(CursorPagination):
    page_size = 20
    ordering = ("-last_message_at", "-pk")


class HandoffListApi(APIView):
    """Conversations handed to staff (curators and health workers)."""

    permission_classes = [IsChatStaff]
    # Used below; also tells the schema the list comes as {next, previous, results}.
    pagination_class = HandoffPagination

    class FilterSerializer(PageQuerySerializer):
        status = serializers.ChoiceField(
            choices=[*Handoff.Status.values, "all"], required=False, default="open"
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses=HandoffSerializer(many=True),
        tags=["chatbot"],
    )
    def get(self, request):
        args = self.FilterSerializer(data=request.query_params)
        args.is_valid(raise_exception=True)
        wanted = args.validated_data["status"]
        qs = selectors.handoff_list_for_staff(
            actor=request.user, status=None if wanted == "all" else wanted
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        audit_record(
            actor=request.user,
            action="chatbot.handoff.list",
            target=request.user,
            detail={"handoffs": [h.pk for h in page]},
        )
        return paginator.get_paginated_response(HandoffSerializer(page, many=True).data)


class HandoffReplyApi(APIView):
    permission_classes = [IsChatStaff]

    class InputSerializer(StrictSerializer):
        text = serializers.CharField(max_length=4000)

    @extend_schema(
        request=InputSerializer,
        responses={201: HandoffMessageSerializer},
        tags=["chatbot"],
    )
    def post(self, request, handoff_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        selectors.handoff_get_for_staff(actor=request.user, handoff_id=handoff_id)
        message = services.handoff_reply(
            actor=request.user, handoff_id=handoff_id, text=data.validated_data["text"]
        )
        return Response(
            HandoffMessageSerializer(message).data, status=status.HTTP_201_CREATED
        )


class HandoffCloseApi(APIView):
    permission_classes = [IsChatStaff]

    @extend_schema(request=None, responses=HandoffSerializer, tags=["chatbot"])
    def post(self, request, handoff_id: int):
        selectors.handoff_get_for_staff(actor=request.user, handoff_id=handoff_id)
        services.handoff_close(actor=request.user, handoff_id=handoff_id)
        handoff = selectors.handoff_get_for_staff(
            actor=request.user, handoff_id=handoff_id
        )
        return Response(HandoffSerializer(handoff).data)
