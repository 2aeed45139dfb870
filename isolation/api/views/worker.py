"""Isolation API for health workers (nakes app): patients, notes, status, alerts,
requests, the event feed."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import IsHealthWorker
from core.api.serializers import (
    BoundedDateField,
    PersonNameField,
    StrictSerializer,
    TextField,
)
from core.services.audit import audit_record
from isolation import rules, selectors, services
from isolation.api.serializers import (
    AlertOutputSerializer,
    BoardRowSerializer,
    CheckInOutputSerializer,
    DashboardEventSerializer,
    IsolationOutputSerializer,
    IsolationRequestOutputSerializer,
    NoteOutputSerializer,
    PendingRequestOutputSerializer,
    SlotSerializer,
)
from isolation.api.views.common import (
    TAGS_WORKER,
    AlertPagination,
    BoardPagination,
    RequestPagination,
    serializer_context,
)
from isolation.models import Isolation


class PatientListApi(APIView):
    """GET: my facility's active patients, most urgent first. POST: enrol by phone."""

    permission_classes = [IsHealthWorker]
    # Used below; also tells the schema the list comes as {next, previous, results}.
    pagination_class = BoardPagination

    class InputSerializer(StrictSerializer):
        phone = serializers.CharField(max_length=32)
        full_name = PersonNameField(max_length=150)
        consent_at_puskesmas = serializers.BooleanField(
            help_text="The patient gave consent to health-data processing at the "
            "puskesmas; the enrolment records it. Must be true."
        )
        reason = serializers.ChoiceField(choices=Isolation.Reason.choices)
        test_date = BoundedDateField(required=False, allow_null=True)
        symptom_onset = BoundedDateField(required=False, allow_null=True)
        start_date = BoundedDateField(required=False, allow_null=True)
        note = TextField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(
        responses=BoardRowSerializer(many=True),
        description="My facility's active patients, most urgent first (open danger "
        "alerts, open missed alerts, today's status, lowest last SpO2, release due, "
        "oldest open alert), a page at a time. The order is as of each request: a "
        "patient whose urgency changed between two pages may move across them.",
        tags=TAGS_WORKER,
    )
    def get(self, request):
        now = timezone.now()
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            selectors.isolations_by_urgency(actor=request.user, now=now),
            request,
            view=self,
        )
        rows = selectors.board_rows(page, now=now)
        audit_record(
            actor=request.user,
            action="isolation.list",
            target=request.user.facility,
            detail={"patients": [r.isolation.pk for r in rows]},
        )
        return paginator.get_paginated_response(
            BoardRowSerializer(
                rows, many=True, context=serializer_context(request)
            ).data
        )

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
            IsolationOutputSerializer(
                isolation, context=serializer_context(request)
            ).data,
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
        return Response(
            self.OutputSerializer(body, context=serializer_context(request)).data
        )


class NoteCreateApi(APIView):
    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        text = TextField(max_length=4000)

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
        note = TextField(max_length=2000, required=False, allow_blank=True, default="")
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
            IsolationOutputSerializer(
                isolation, context=serializer_context(request)
            ).data
        )


class ExtendApi(APIView):
    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        until = BoundedDateField(required=False)
        days = serializers.IntegerField(min_value=1, max_value=30, required=False)
        note = TextField(max_length=2000, required=False, allow_blank=True, default="")

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
            IsolationOutputSerializer(
                isolation, context=serializer_context(request)
            ).data
        )


class AlertListApi(APIView):
    """Open (unacknowledged) alerts of my facility, in the dashboard's order: danger
    alerts first, then the others (missed check-ins, release due); newest first
    within each."""

    permission_classes = [IsHealthWorker]
    # Used below; also tells the schema the list comes as {next, previous, results}.
    pagination_class = AlertPagination

    @extend_schema(
        responses=AlertOutputSerializer(many=True),
        description="Open alerts of my facility's active isolations, as the dashboard "
        "lists them: `kind=danger` first, then the other kinds; newest first "
        "(`created_at` descending) within each; a page at a time, the order kept "
        "across pages.",
        tags=TAGS_WORKER,
    )
    def get(self, request):
        paginator = self.pagination_class()
        alerts = paginator.paginate_queryset(
            selectors.alerts_open_for_board(actor=request.user), request, view=self
        )
        audit_record(
            actor=request.user,
            action="isolation.alerts.list",
            target=request.user.facility,
            detail={"alerts": [a.pk for a in alerts]},
        )
        return paginator.get_paginated_response(
            AlertOutputSerializer(
                alerts, many=True, context=serializer_context(request)
            ).data
        )


class AlertAcknowledgeApi(APIView):
    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        note = TextField(max_length=2000, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer, responses=AlertOutputSerializer, tags=TAGS_WORKER
    )
    def post(self, request, alert_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = services.alert_acknowledge(
            actor=request.user, alert_id=alert_id, **data.validated_data
        )
        return Response(
            AlertOutputSerializer(alert, context=serializer_context(request)).data
        )


class RequestListApi(APIView):
    """Pending isolation requests addressed to my facility, oldest first."""

    permission_classes = [IsHealthWorker]
    # Used below; also tells the schema the list comes as {next, previous, results}.
    pagination_class = RequestPagination

    @extend_schema(
        responses=PendingRequestOutputSerializer(many=True), tags=TAGS_WORKER
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = selectors.requests_describe(
            paginator.paginate_queryset(
                selectors.requests_pending_for_worker(actor=request.user),
                request,
                view=self,
            )
        )
        audit_record(
            actor=request.user,
            action="isolation.requests.list",
            target=request.user.facility,
            detail={
                "requests": [r.pk for r in page],
                "assessments": [str(r.assessment["id"]) for r in page if r.assessment],
            },
        )
        return paginator.get_paginated_response(
            PendingRequestOutputSerializer(page, many=True).data
        )


class RequestConfirmApi(APIView):
    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        start_date = BoundedDateField(required=False, allow_null=True)
        note = TextField(max_length=2000, required=False, allow_blank=True, default="")

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
            IsolationOutputSerializer(
                isolation, context=serializer_context(request)
            ).data,
            status=status.HTTP_201_CREATED,
        )


class RequestDeclineApi(APIView):
    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        note = TextField(max_length=2000, required=False, allow_blank=True, default="")

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
    """Replay over HTTP: my facility's dashboard events after a sequence number.

    Not cursor-paged: `after` is the cursor (the websocket's replay takes the same
    number), at most REPLAY_LIMIT events a call; `more` says to ask again from
    `last_seq`."""

    permission_classes = [IsHealthWorker]

    class FilterSerializer(serializers.Serializer):
        after = serializers.IntegerField(min_value=0, default=0)

    @extend_schema(
        parameters=[OpenApiParameter("after", int)],
        responses=inline_serializer(
            "DashboardEventReplay",
            {
                "last_seq": serializers.IntegerField(),
                "events": DashboardEventSerializer(many=True),
                "more": serializers.BooleanField(
                    help_text=f"More events follow (at most {selectors.REPLAY_LIMIT} "
                    "a call): ask again with `after=last_seq`."
                ),
            },
        ),
        description=f"Events numbered after `after`, oldest first, at most "
        f"{selectors.REPLAY_LIMIT}; `last_seq` is the last one given (or the "
        "facility's latest when none).",
        tags=TAGS_WORKER,
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        limit = selectors.REPLAY_LIMIT
        events = selectors.events_after(
            actor=request.user, after=params.validated_data["after"], limit=limit + 1
        )
        more = len(events) > limit
        events = events[:limit]
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
                "more": more,
            }
        )
