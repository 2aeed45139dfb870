from __future__ import annotations

import datetime as dt

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fast import FastPostMixin
from core.api.pagination import CursorPagination
from core.api.permissions import IsCurator, IsRegionalHealthOffice
from core.api.serializers import (
    BoundedDateField,
    StrictBooleanField,
    StrictSerializer,
    UUIDStringField,
    VitalSignsSerializer,
)
from core.api.throttling import WindowRateThrottle
from core.areas.selectors import local_today
from core.i18n import request_language
from core.models import User
from core.office.selectors import office_area_get
from selfcheck import rules, selectors, services
from selfcheck.api.serializers import (
    AssessmentOutputSerializer,
    ExplainOutputSerializer,
    QuestionnaireOutputSerializer,
    SignalsOutputSerializer,
)


class AssessmentPagination(CursorPagination):
    page_size = 20


class AnonOrUserRateThrottle(WindowRateThrottle):
    """The default anon + user throttles as one: a signed-in user at the "user" rate,
    anyone else by address at the "anon" rate, in the same buckets as every other
    endpoint. The two defaults would both look up (and rewrite) an anonymous caller's
    history, a second cache round trip on the busiest endpoint for no stricter limit.
    """

    scope = "anon"

    def allow_request(self, request, view) -> bool:
        self.scope = "user" if request.user.is_authenticated else "anon"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        ident = (
            request.user.pk
            if request.user.is_authenticated
            else self.get_ident(request)
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}


def _choices(values) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=values),
        required=False,
        default=list,
        max_length=len(values) * 2,
    )


class AssessmentListCreateApi(FastPostMixin, APIView):  # plain POST: core.api.fast
    """POST: submit a self-check (anonymous or signed in). GET: my history."""

    throttle_classes = [AnonOrUserRateThrottle]
    # Used below; also tells the schema the list comes as {next, previous, results}.
    pagination_class = AssessmentPagination

    class InputSerializer(VitalSignsSerializer):
        age = serializers.IntegerField(
            min_value=rules.AGE_RANGE[0], max_value=rules.AGE_RANGE[1]
        )
        symptoms = _choices(rules.SYMPTOMS)
        danger_signs = _choices(rules.DANGER_SIGNS)
        exposure = serializers.ChoiceField(
            choices=rules.EXPOSURES,
            help_text="`travel` is accepted from triage-v2 on (counted as exposure, "
            "like `close_contact`); the rule version in force decides, see "
            "GET /api/v1/selfcheck/questionnaire.",
        )
        comorbidities = _choices(rules.COMORBIDITIES)
        pregnant = StrictBooleanField(
            required=False,
            default=False,
            help_text="JSON true or false only. true is refused (400 on `pregnant`) "
            f"below age {rules.PREGNANCY_AGE_RANGE[0]} or above "
            f"{rules.PREGNANCY_AGE_RANGE[1]}, and for a signed-in profile recorded "
            "male.",
        )
        district_code = serializers.CharField(
            max_length=13, required=False, allow_null=True, allow_blank=True
        )
        client_key = UUIDStringField()

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    @extend_schema(
        request=InputSerializer,
        responses={201: AssessmentOutputSerializer, 200: AssessmentOutputSerializer},
        tags=["selfcheck"],
        description="Same client_key and body again: 200 with the stored assessment; "
        "same client_key with another body: 409 client_key_reused. Judged by the "
        "rule version in force (stored as `rule_version`). From triage-v2 on a "
        "measured `temperature_c` at or above the version's `fever_from_c` (38.0 °C, "
        "the isolation check-in's fever threshold) counts as the fever symptom "
        "(reason `fever_measured`), and `exposure: travel` counts as exposure. From "
        "triage-v3 on a measured `temperature_c` of 40.0 °C or more, or the symptom "
        "`breathing_difficulty`, is at least high (same-day care; reasons "
        "`temperature_high`, `same_day_symptom`) and 41.0 °C or more is critical "
        "(`temperature_critical`). Every next step says `requires_sign_in`.",
    )
    def post(self, request):
        return self.post_validated(request)

    @classmethod
    def submit(cls, request, validated_data: dict) -> tuple[dict, int]:
        lang = request_language(request)
        assessment, created = services.assessment_submit(
            actor=request.user,
            answers={
                k: validated_data[k] for k in rules.ANSWER_FIELDS if k in validated_data
            },
            client_key=validated_data["client_key"],
            district_code=validated_data.get("district_code") or None,
            language=lang,
        )
        return (
            AssessmentOutputSerializer(context={"lang": lang}).to_representation(
                assessment
            ),
            status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(responses=AssessmentOutputSerializer(many=True), tags=["selfcheck"])
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.assessment_list(user=request.user), request, view=self
        )
        lang = request_language(request)
        return paginator.get_paginated_response(
            AssessmentOutputSerializer(page, many=True, context={"lang": lang}).data
        )


class AssessmentDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AssessmentOutputSerializer, tags=["selfcheck"])
    def get(self, request, assessment_id):
        lang = request_language(request)
        assessment = selectors.assessment_get_for_user(
            user=request.user, assessment_id=assessment_id, lang=lang
        )
        return Response(
            AssessmentOutputSerializer(assessment, context={"lang": lang}).data
        )


class AssessmentExplainApi(APIView):
    """Re-judge the stored answers with the rule version stored on the assessment;
    `rule.params` are that version's thresholds (triage-v2: `fever_from_c`, the
    measured temperature counted as fever, and `exposures` / `exposed_values`)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ExplainOutputSerializer, tags=["selfcheck"])
    def get(self, request, assessment_id):
        lang = request_language(request)
        assessment = selectors.assessment_get_for_user(
            user=request.user, assessment_id=assessment_id, lang=lang
        )
        explained = selectors.assessment_explain(assessment=assessment, lang=lang)
        return Response(ExplainOutputSerializer(explained).data)


class QuestionnaireApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=QuestionnaireOutputSerializer, tags=["selfcheck"])
    def get(self, request):
        questionnaire = selectors.questionnaire_in_force()
        response = Response(QuestionnaireOutputSerializer(questionnaire).data)
        response["Cache-Control"] = "public, max-age=60"
        return response


class SignalsApi(APIView):
    """Anonymised daily counts per kecamatan for health offices (their wilayah kerja)
    and curators (every area: their broadcasts reach any area). Symptoms are counted as
    triage judged them: fever includes a measured temperature at or above the fever
    threshold of the assessment's rule version (triage-v2: 38.0 °C)."""

    permission_classes = [IsCurator | IsRegionalHealthOffice]

    class FilterSerializer(StrictSerializer):
        area = serializers.CharField(required=False, max_length=13)

        def get_fields(self):
            fields = super().get_fields()
            # "from" is a Python keyword, so these two are added by name.
            fields["from"] = BoundedDateField(required=False)
            fields["to"] = BoundedDateField(required=False)
            return fields

        def validate_area(self, value: str) -> str:
            if not selectors.area_exists(value):
                raise serializers.ValidationError(
                    "Wilayah tidak dikenal (kode provinsi, kabupaten/kota atau kecamatan)."
                )
            return value

        def validate(self, attrs):
            today = local_today()
            date_to = attrs.get("to") or today
            date_from = attrs.get("from") or date_to - dt.timedelta(days=6)
            if date_from > date_to:
                raise serializers.ValidationError(
                    {"from": "Harus sebelum atau sama dengan 'to'."}
                )
            if (date_to - date_from).days >= selectors.SIGNALS_MAX_DAYS:
                raise serializers.ValidationError(
                    {"to": f"Rentang paling lama {selectors.SIGNALS_MAX_DAYS} hari."}
                )
            return {
                "area": attrs.get("area"),
                "date_from": date_from,
                "date_to": date_to,
            }

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "area", str, description="Kode provinsi/kabupaten/kecamatan"
            ),
            OpenApiParameter("from", dt.date),
            OpenApiParameter("to", dt.date),
        ],
        responses=SignalsOutputSerializer,
        tags=["selfcheck"],
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        if request.user.role == User.Role.HEALTH_OFFICE:
            # Its own wilayah kerja only, the whole of it when no area is asked.
            params["area"] = office_area_get(
                region=request.user.region,
                code=params["area"] or request.user.region_id,
            ).code
        signals = {
            "area": params["area"],
            "from": params["date_from"],
            "to": params["date_to"],
            "suppressed_below": 5,
            "results": selectors.signals_daily(**params),
        }
        response = Response(SignalsOutputSerializer(signals).data)
        response["Cache-Control"] = "private, max-age=300"
        return response
