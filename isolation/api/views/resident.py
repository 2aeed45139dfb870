"""Isolation API for residents (app): check-ins, their isolation, requests."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.fast import FastPostMixin
from core.api.permissions import IsResident
from core.api.serializers import (
    AwareDateTimeField,
    BoundedDateField,
    StrictSerializer,
    TemperatureField,
    TextField,
    UUIDStringField,
    VitalSignsSerializer,
    represent,
    vitals_from_aliases,
)
from core.i18n import pick, request_language, tr_lazy
from core.services.audit import audit_record
from isolation import content, rules, selectors, services
from isolation.api.serializers import (
    CheckInOutputSerializer,
    FacilityRefSerializer,
    IsolationRequestOutputSerializer,
    SlotSerializer,
)
from isolation.api.views.common import (
    TAGS_RESIDENT,
    CheckInPagination,
    choices_field,
)
from isolation.models import Isolation


class CheckInSubmitApi(FastPostMixin, APIView):  # the plain request: core.api.fast
    """Send a check-in (twice a day: morning and evening slot).

    A check-in must say something: at least one of `temperature_c`, `spo2`,
    `respiratory_rate`, `symptoms` (`[]` is the answer "no symptoms"; leaving it out
    is no answer), a danger sign or a `note`, else 400 `empty_checkin`. `measured_at`
    must carry its UTC offset (`2026-12-05T10:00:00+07:00` or `…Z`), else 400 `naive`.

    `client_id` makes offline retries safe: the same client_id with the same report
    (values compared as stored: 37.20 is 37.2, symptom order does not count) answers
    200 with the stored check-in, also after the isolation closed or consent was
    withdrawn; the same client_id with another report answers 409
    `client_id_reused` and stores nothing: send it again under a new client_id.
    No active isolation: 409 `no_active_isolation`; no consent: 403
    `consent_required`."""

    permission_classes = [IsResident]

    class InputSerializer(VitalSignsSerializer):
        client_id = serializers.RegexField(
            r"^[A-Za-z0-9_.:-]{8,64}$",
            error_messages={
                "invalid": tr_lazy(
                    {
                        "id": "Gunakan 8-64 huruf, angka, atau - _ . :",
                        "en": "Use 8-64 letters, digits or - _ . :",
                    }
                )
            },
        )
        measured_at = AwareDateTimeField(required=False)
        # Deprecated names (before one vocabulary with the self-check), accepted for
        # one release: see README "Vitals".
        temperature = TemperatureField(
            min_value=rules.TEMPERATURE_RANGE[0],
            max_value=rules.TEMPERATURE_RANGE[1],
            required=False,
            allow_null=True,
            help_text="Deprecated alias of temperature_c.",
        )
        breathing_rate = serializers.IntegerField(
            min_value=rules.BREATHING_RATE_RANGE[0],
            max_value=rules.BREATHING_RATE_RANGE[1],
            required=False,
            allow_null=True,
            help_text="Deprecated alias of respiratory_rate.",
        )
        # No default: left out is no answer, [] the answer "no symptoms".
        symptoms = serializers.ListField(
            child=serializers.ChoiceField(choices=rules.SYMPTOMS),
            required=False,
            max_length=len(rules.SYMPTOMS) * 2,
            help_text='[] is the answer "no symptoms"; leaving it out is no answer.',
        )
        danger_signs = choices_field(rules.DANGER_SIGNS)
        note = TextField(max_length=1000, required=False, allow_blank=True, default="")

    class OutputSerializer(CheckInOutputSerializer):
        pass

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OpenApiResponse(OutputSerializer, description="Stored."),
            200: OpenApiResponse(
                OutputSerializer,
                description="A retry of a stored check-in (same client_id, same "
                "report): the stored one, nothing changed.",
            ),
            400: OpenApiResponse(
                description="Field errors; `empty_checkin` (nothing reported); "
                "`naive` (measured_at without a UTC offset)."
            ),
            403: OpenApiResponse(description="`consent_required`."),
            409: OpenApiResponse(
                description="`client_id_reused` (this client_id was used for another "
                "report; nothing stored, send it under a new client_id); "
                "`no_active_isolation`."
            ),
        },
        tags=TAGS_RESIDENT,
    )
    def post(self, request):
        return self.post_validated(request)

    @classmethod
    def submit(cls, request, validated_data: dict) -> tuple[dict, int]:
        checkin, created = services.checkin_submit(
            patient=request.user, **vitals_from_aliases(validated_data)
        )
        return (
            represent(cls.OutputSerializer, checkin),
            status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class MyIsolationApi(APIView):
    """My isolation: status, day N of M, estimated end, missed slots, facility."""

    permission_classes = [IsResident]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        status = serializers.CharField()
        status_label = serializers.CharField()
        reason = serializers.CharField()
        start_date = serializers.DateField()
        estimated_end = serializers.DateField()
        day = serializers.IntegerField()
        days = serializers.IntegerField()
        release_due = serializers.BooleanField()
        timezone = serializers.CharField()
        current_slot = SlotSerializer()
        current_slot_done = serializers.BooleanField()
        missed_slots = SlotSerializer(many=True)
        facility = FacilityRefSerializer()
        referral_facility = FacilityRefSerializer(allow_null=True)
        recent_checkins = CheckInOutputSerializer(many=True)

    @extend_schema(responses=OutputSerializer, tags=TAGS_RESIDENT)
    def get(self, request):
        patient = request.user
        isolation = selectors.isolation_current_for_patient(patient=patient)
        now = timezone.now()
        today = isolation.local_today(now)
        day, days = rules.day_of(
            start_date=isolation.start_date,
            end_date=isolation.estimated_end,
            today=today,
        )
        current = rules.slot_for(now, isolation.tz)
        checked = selectors.checked_slots(isolation)
        audit_record(
            actor=patient, action="isolation.view", target=isolation, patient=patient
        )
        body = {
            "id": isolation.pk,
            "status": isolation.status,
            "status_label": pick(
                content.ISOLATION_STATUS_LABELS[isolation.status],
                request_language(request),
            ),
            "reason": isolation.reason,
            "start_date": isolation.start_date,
            "estimated_end": isolation.estimated_end,
            "day": day,
            "days": days,
            "release_due": rules.release_due(
                end_date=isolation.estimated_end, today=today
            ),
            "timezone": isolation.timezone,
            "current_slot": current,
            "current_slot_done": current in checked,
            "missed_slots": selectors.missed_slot_list(isolation, now=now),
            "facility": isolation.facility,
            "referral_facility": isolation.referral_facility,
            "recent_checkins": selectors.checkins_recent(isolation),
        }
        return Response(self.OutputSerializer(body).data)


class MyCheckInListApi(APIView):
    permission_classes = [IsResident]
    # Used below; also tells the schema the list comes as {next, previous, results}.
    pagination_class = CheckInPagination

    @extend_schema(responses=CheckInOutputSerializer(many=True), tags=TAGS_RESIDENT)
    def get(self, request):
        qs = selectors.checkins_for_patient(patient=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        audit_record(
            actor=request.user,
            action="isolation.checkins.list",
            target=request.user,
            patient=request.user,
        )
        return paginator.get_paginated_response(
            CheckInOutputSerializer(page, many=True).data
        )


class IsolationRequestCreateApi(APIView):
    """Ask my puskesmas to monitor my isolation (positive test / high self-check)."""

    permission_classes = [IsResident]

    class InputSerializer(StrictSerializer):
        reason = serializers.ChoiceField(
            choices=[Isolation.Reason.POSITIVE_TEST, Isolation.Reason.HIGH_SELFCHECK],
            required=False,
        )
        assessment_id = UUIDStringField(required=False, allow_null=True)
        test_date = BoundedDateField(required=False, allow_null=True)
        symptom_onset = BoundedDateField(required=False, allow_null=True)
        facility_id = serializers.IntegerField(required=False, allow_null=True)
        note = TextField(max_length=1000, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        responses={201: IsolationRequestOutputSerializer},
        tags=TAGS_RESIDENT,
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        req = services.isolation_request_create(
            patient=request.user, **data.validated_data
        )
        return Response(
            IsolationRequestOutputSerializer(req).data, status=status.HTTP_201_CREATED
        )


class MyIsolationRequestListApi(APIView):
    permission_classes = [IsResident]

    @extend_schema(
        responses=IsolationRequestOutputSerializer(many=True), tags=TAGS_RESIDENT
    )
    def get(self, request):
        qs = list(selectors.requests_for_patient(patient=request.user)[:50])
        audit_record(
            actor=request.user,
            action="isolation.requests.mine",
            target=request.user,
            patient=request.user,
        )
        return Response(IsolationRequestOutputSerializer(qs, many=True).data)
