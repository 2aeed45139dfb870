from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from chatbot import rules
from chatbot.api.serializers import FaqRefSerializer, HoaxRefSerializer
from chatbot.models.knowledge import Language
from chatbot.services import hoax_report_create, message_answer
from core.api.serializers import StrictSerializer
from core.api.throttling import ScopedRateThrottle
from core.i18n import request_language

KINDS = ["faq", "faq_suggestions", "hoax", "hoax_possible", "fallback"]


class AskApi(APIView):
    """Ask the chatbot: FAQ answer, suggestions, or a hoax verdict for a forward."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "chatbot"

    class InputSerializer(StrictSerializer):
        text = serializers.CharField(trim_whitespace=True)
        language = serializers.ChoiceField(choices=Language.choices, required=False)

    class OutputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=KINDS)
        reply = serializers.CharField()
        faq = FaqRefSerializer(allow_null=True)
        suggestions = FaqRefSerializer(
            many=True,
            help_text="faq_suggestions: the entries the question may be about (tap "
            "one); hoax_possible: the FAQ's entries on the question, beside the claim.",
        )
        related = FaqRefSerializer(
            many=True,
            help_text="faq: up to 2 other entries the question may be about, shown "
            "under the answer.",
        )
        hoax = HoaxRefSerializer(allow_null=True)

    @extend_schema(
        request=InputSerializer, responses=OutputSerializer, tags=["chatbot"]
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = message_answer(
            text=data.validated_data["text"],
            language=data.validated_data.get("language") or request_language(request),
            user=request.user,
            channel="api",
        )
        # as_dict() has exactly the OutputSerializer shape (which documents it); at
        # hundreds of requests per second the serializer pass is worth skipping.
        return Response(result.as_dict())


class ReportApi(APIView):
    """Report a suspicious message (a possible hoax) to the curators."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "chatbot"

    class InputSerializer(StrictSerializer):
        text = serializers.CharField(trim_whitespace=True)
        note = serializers.CharField(required=False, allow_blank=True, max_length=500)
        language = serializers.ChoiceField(choices=Language.choices, required=False)

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.ChoiceField(choices=["received", "already_reported"])
        reply = serializers.CharField()
        hoax = HoaxRefSerializer(allow_null=True)

    @extend_schema(
        request=InputSerializer, responses={201: OutputSerializer}, tags=["chatbot"]
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lang = data.validated_data.get("language") or request_language(request)
        result = hoax_report_create(
            text=data.validated_data["text"],
            note=data.validated_data.get("note", ""),
            user=request.user,
            language=lang,
            channel="api",
        )
        known = result.known
        claim = ""
        if known is not None:
            claim = known.claim_en if lang == "en" and known.claim_en else known.claim
        body = {
            "id": result.report.pk,
            "status": "received" if result.created else "already_reported",
            "reply": rules.reply_report(
                known_claim=claim or None,
                known_verdict=known.verdict if known else None,
                language=lang,
            ),
            "hoax": (
                {
                    "id": known.pk,
                    "claim": claim,
                    "verdict": known.verdict,
                    "score": result.report.best_score,
                }
                if known
                else None
            ),
        }
        return Response(
            self.OutputSerializer(body).data, status=status.HTTP_201_CREATED
        )
