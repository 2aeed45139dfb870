"""Isolation monitoring API: residents (app) and health workers (nakes app)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import CursorPagination
from core.api.permissions import IsHealthWorker, IsResident
from core.api.serializers import StrictSerializer, TemperatureField, vitals_from_aliases
from core.i18n import pick, request_language
from core.services.audit import audit_record
from isolation import content, rules, selectors, services
from isolation.api.serializers import (
    AlertOutputSerializer,
    BoardRowSerializer,
    CheckInOutputSerializer,
    DashboardEventSerializer,
    FacilityRefSerializer,
    IsolationOutputSerializer,
    IsolationRequestOutputSerializer,
    NoteOutputSerializer,
    SlotSerializer,
)
from isolation.models import Isolation

TAGS_RESIDENT = ["isolation (resident)"]
TAGS_WORKER = ["isolation (health worker)"]


def _ctx(request) -> dict:
    return {"lang": request_language(request), "request": request}


def _choices(values) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.ChoiceField(choices=values),
        required=False,
        default=list,
        max_length=len(values) * 2,
    )


class CheckInPagination(CursorPagination):
    ordering = "-measured_at"
    page_size = 50


# --- residents ------------------------------------------------------------------------


class CheckInSubmitApi(APIView):
    """Send a check-in. Retrying with the same client_id is safe (200, same body)."""

    permission_classes = [IsResident]

    class InputSerializer(StrictSerializer):
        client_id = serializers.RegexField(
            r"^[A-Za-z0-9_.:-]{8,64}$",
            error_messages={"invalid": "Gunakan 8-64 huruf, angka, atau - _ . :"},
        )
        measured_at = serializers.DateTimeField(required=False)
        temperature_c = TemperatureField(
            min_value=rules.TEMPERATURE_RANGE[0],
            max_value=rules.TEMPERATURE_RANGE[1],
            required=False,
            allow_null=True,
        )
        spo2 = serializers.IntegerField(
            min_value=rules.SPO2_RANGE[0],
            max_value=rules.SPO2_RANGE[1],
            required=False,
            allow_null=True,
        )
        respiratory_rate = serializers.IntegerField(
            min_value=rules.BREATHING_RATE_RANGE[0],
            max_value=rules.BREATHING_RATE_RANGE[1],
            required=False,
            allow_null=True,
        )
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
        symptoms = _choices(rules.SYMPTOMS)
        danger_signs = _choices(rules.DANGER_SIGNS)
        note = serializers.CharField(
            max_length=1000, required=False, allow_blank=True, default=""
        )

    class OutputSerializer(CheckInOutputSerializer):
        pass

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer, 200: OutputSerializer},
        tags=TAGS_RESIDENT,
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        checkin, created = services.checkin_submit(
            patient=request.user, **vitals_from_aliases(data.validated_data)
        )
        return Response(
            self.OutputSerializer(checkin).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
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

    @extend_schema(responses=CheckInOutputSerializer(many=True), tags=TAGS_RESIDENT)
    def get(self, request):
        qs = selectors.checkins_for_patient(patient=request.user)
        paginator = CheckInPagination()
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
        assessment_id = serializers.UUIDField(required=False, allow_null=True)
        test_date = serializers.DateField(required=False, allow_null=True)
        symptom_onset = serializers.DateField(required=False, allow_null=True)
        facility_id = serializers.IntegerField(required=False, allow_null=True)
        note = serializers.CharField(
            max_length=1000, required=False, allow_blank=True, default=""
        )

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


# --- health workers -----------------------------------------------------------------


class PatientListApi(APIView):
    """GET: my facility's active patients, most urgent first. POST: enrol by phone."""

    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        phone = serializers.CharField(max_length=32)
        full_name = serializers.CharField(max_length=150)
        consent_at_puskesmas = serializers.BooleanField(
            help_text="The patient gave consent to health-data processing at the "
            "puskesmas; the enrolment records it. Must be true."
        )
        reason = serializers.ChoiceField(choices=Isolation.Reason.choices)
        test_date = serializers.DateField(required=False, allow_null=True)
        symptom_onset = serializers.DateField(required=False, allow_null=True)
        start_date = serializers.DateField(required=False, allow_null=True)
        note = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, default=""
        )

    @extend_schema(responses=BoardRowSerializer(many=True), tags=TAGS_WORKER)
    def get(self, request):
        rows = selectors.isolation_board(actor=request.user)
        audit_record(
            actor=request.user,
            action="isolation.list",
            target=request.user.facility,
            detail={"patients": [r.isolation.pk for r in rows]},
        )
        return Response(BoardRowSerializer(rows, many=True, context=_ctx(request)).data)

    @extend_schema(
        request=InputSerializer,
        responses={201: IsolationOutputSerializer},
        tags=TAGS_WORKER,
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        if not data.is_valid():
            services.isolation_enroll_audit(actor=request.user, outcome="invalid")
            data.is_valid(raise_exception=True)
        isolation = services.isolation_enroll(actor=request.user, **data.validated_data)
        return Response(
            IsolationOutputSerializer(isolation, context=_ctx(request)).data,
            status=status.HTTP_201_CREATED,
        )


class PatientDetailApi(APIView):
    permission_classes = [IsHealthWorker]

    class OutputSerializer(serializers.Serializer):
        isolation = IsolationOutputSerializer()
        day = serializers.IntegerField()
        days = serializers.IntegerField()
        missed_slots = SlotSerializer(many=True)
        checkins = CheckInOutputSerializer(many=True)
        alerts = AlertOutputSerializer(many=True)
        notes = NoteOutputSerializer(many=True)

    @extend_schema(responses=OutputSerializer, tags=TAGS_WORKER)
    def get(self, request, isolation_id: int):
        isolation = selectors.isolation_get_for_worker(
            actor=request.user, isolation_id=isolation_id
        )
        audit_record(
            actor=request.user,
            action="isolation.view",
            target=isolation,
            patient=isolation.patient,
        )
        timeline = selectors.isolation_timeline(isolation=isolation)
        day, days = rules.day_of(
            start_date=isolation.start_date,
            end_date=isolation.estimated_end,
            today=isolation.local_today(),
        )
        body = {
            "isolation": isolation,
            "day": day,
            "days": days,
            "missed_slots": selectors.missed_slot_list(isolation),
            "checkins": [e.item for e in timeline if e.kind == "checkin"],
            "alerts": [e.item for e in timeline if e.kind == "alert"],
            "notes": [e.item for e in timeline if e.kind == "note"],
        }
        return Response(self.OutputSerializer(body, context=_ctx(request)).data)


class NoteCreateApi(APIView):
    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        text = serializers.CharField(max_length=4000)

    @extend_schema(
        request=InputSerializer, responses={201: NoteOutputSerializer}, tags=TAGS_WORKER
    )
    def post(self, request, isolation_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        note = services.note_add(
            actor=request.user, isolation_id=isolation_id, **data.validated_data
        )
        return Response(NoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)


class StatusChangeApi(APIView):
    """Final status: released, referred (with a referral facility), lost, died."""

    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        status = serializers.ChoiceField(
            choices=[
                Isolation.Status.RELEASED,
                Isolation.Status.REFERRED,
                Isolation.Status.LOST,
                Isolation.Status.DIED,
            ]
        )
        referral_facility_id = serializers.IntegerField(required=False, allow_null=True)
        note = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, default=""
        )
        # "released" with open danger alerts answers 409 open_danger_alerts unless
        # this is true.
        confirm_open_danger = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        request=InputSerializer, responses=IsolationOutputSerializer, tags=TAGS_WORKER
    )
    def post(self, request, isolation_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        isolation = services.isolation_status_change(
            actor=request.user, isolation_id=isolation_id, **data.validated_data
        )
        return Response(
            IsolationOutputSerializer(isolation, context=_ctx(request)).data
        )


class ExtendApi(APIView):
    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        until = serializers.DateField(required=False)
        days = serializers.IntegerField(min_value=1, max_value=30, required=False)
        note = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer, responses=IsolationOutputSerializer, tags=TAGS_WORKER
    )
    def post(self, request, isolation_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        isolation = services.isolation_extend(
            actor=request.user, isolation_id=isolation_id, **data.validated_data
        )
        return Response(
            IsolationOutputSerializer(isolation, context=_ctx(request)).data
        )


class AlertListApi(APIView):
    """Open (unacknowledged) alerts of my facility, oldest first."""

    permission_classes = [IsHealthWorker]

    @extend_schema(responses=AlertOutputSerializer(many=True), tags=TAGS_WORKER)
    def get(self, request):
        alerts = list(selectors.alerts_open_for_worker(actor=request.user)[:500])
        audit_record(
            actor=request.user,
            action="isolation.alerts.list",
            target=request.user.facility,
            detail={"alerts": [a.pk for a in alerts]},
        )
        return Response(
            AlertOutputSerializer(alerts, many=True, context=_ctx(request)).data
        )


class AlertAcknowledgeApi(APIView):
    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        note = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer, responses=AlertOutputSerializer, tags=TAGS_WORKER
    )
    def post(self, request, alert_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_acknowledge(
            actor=request.user, alert_id=alert_id, **data.validated_data
        )
        return Response(AlertOutputSerializer(alert, context=_ctx(request)).data)


class RequestListApi(APIView):
    """Pending isolation requests addressed to my facility."""

    permission_classes = [IsHealthWorker]

    @extend_schema(
        responses=IsolationRequestOutputSerializer(many=True), tags=TAGS_WORKER
    )
    def get(self, request):
        qs = list(selectors.requests_pending_for_worker(actor=request.user)[:200])
        audit_record(
            actor=request.user,
            action="isolation.requests.list",
            target=request.user.facility,
            detail={"requests": [r.pk for r in qs]},
        )
        return Response(IsolationRequestOutputSerializer(qs, many=True).data)


class RequestConfirmApi(APIView):
    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        start_date = serializers.DateField(required=False, allow_null=True)
        note = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: IsolationOutputSerializer},
        tags=TAGS_WORKER,
    )
    def post(self, request, request_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        isolation = services.isolation_request_confirm(
            actor=request.user, request_id=request_id, **data.validated_data
        )
        return Response(
            IsolationOutputSerializer(isolation, context=_ctx(request)).data,
            status=status.HTTP_201_CREATED,
        )


class RequestDeclineApi(APIView):
    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        note = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer,
        responses=IsolationRequestOutputSerializer,
        tags=TAGS_WORKER,
    )
    def post(self, request, request_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        req = services.isolation_request_decline(
            actor=request.user, request_id=request_id, **data.validated_data
        )
        return Response(IsolationRequestOutputSerializer(req).data)


class EventListApi(APIView):
    """Replay over HTTP: my facility's dashboard events after a sequence number."""

    permission_classes = [IsHealthWorker]

    class FilterSerializer(serializers.Serializer):
        after = serializers.IntegerField(min_value=0, default=0)

    @extend_schema(
        parameters=[OpenApiParameter("after", int)],
        responses=DashboardEventSerializer(many=True),
        tags=TAGS_WORKER,
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        events = selectors.events_after(
            actor=request.user, after=params.validated_data["after"]
        )
        audit_record(
            actor=request.user,
            action="isolation.events.replay",
            target=request.user.facility,
            detail={"after": params.validated_data["after"], "count": len(events)},
        )
        return Response(
            {
                "last_seq": events[-1].seq
                if events
                else selectors.last_event_seq(actor=request.user),
                "events": DashboardEventSerializer(events, many=True).data,
            }
        )
