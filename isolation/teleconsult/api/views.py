from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import CursorPagination
from core.api.permissions import IsHealthWorker, IsResident
from core.api.serializers import StrictSerializer
from isolation.teleconsult import rules, selectors, services
from isolation.teleconsult.api.serializers import (
    AwareDateTimeField,
    BookingOutputSerializer,
    BookingPagination,
    DoctorRefSerializer,
    MessageOutputSerializer,
    MessagePagination,
    ProposalOutputSerializer,
    SlotListingSerializer,
    TimeZoneField,
    requester_tz,
    slot_listing,
)
from isolation.teleconsult.models import (
    MESSAGE_MAX_CHARS,
    OUTCOME_MAX_CHARS,
    REASON_MAX_CHARS,
    Booking,
    WeeklyAvailability,
)
from isolation.teleconsult.services.common import message_text

TAGS = ["teleconsult"]


def _booking_response(request, booking: Booking, code: int = 200) -> Response:
    data = BookingOutputSerializer(booking, context={"tz": requester_tz(request)}).data
    return Response(data, status=code)


class SlotListApi(APIView):
    """Free slots of a facility's doctors (or one doctor), local days in the
    doctor's zone; each slot in UTC, the doctor's time and the requester's time."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(StrictSerializer):
        facility = serializers.IntegerField(required=False, min_value=1)
        doctor = serializers.IntegerField(required=False, min_value=1)
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)
        tz = TimeZoneField(required=False)

        def validate(self, attrs):
            if "facility" not in attrs and "doctor" not in attrs:
                raise serializers.ValidationError(
                    {"facility": "Isi facility atau doctor."}, code="required"
                )
            date_from = attrs.get("date_from") or timezone.localdate(
                timezone=requester_tz(self.context["request"], attrs.get("tz"))
            )
            date_to = attrs.get("date_to") or date_from + timedelta(days=13)
            error = rules.date_range_error(date_from, date_to)
            if error:
                raise serializers.ValidationError(
                    {"date_to": message_text(error)}, code=error
                )
            return {**attrs, "date_from": date_from, "date_to": date_to}

    @extend_schema(
        parameters=[InputSerializer], responses=SlotListingSerializer, tags=TAGS
    )
    def get(self, request):
        params = self.InputSerializer(
            data=request.query_params, context={"request": request}
        )
        params.is_valid(raise_exception=True)
        args = params.validated_data
        tz = requester_tz(request, args.get("tz"))
        entries = selectors.slot_list(
            facility_id=args.get("facility"),
            doctor_id=args.get("doctor"),
            date_from=args["date_from"],
            date_to=args["date_to"],
        )
        doctors = slot_listing(entries, tz)
        return Response(
            {
                "timezone": tz.key,
                "tz_label": rules.zone_abbreviation(tz),
                "date_from": args["date_from"],
                "date_to": args["date_to"],
                "count": sum(len(d["slots"]) for d in doctors),
                "doctors": doctors,
            }
        )


class BookingListCreateApi(APIView):
    """GET: the caller's bookings (a health worker: their appointments).
    POST: book a slot (residents with consent)."""

    class FilterSerializer(StrictSerializer):
        status = serializers.ChoiceField(choices=Booking.Status.choices, required=False)
        upcoming = serializers.BooleanField(
            required=False, allow_null=True, default=None
        )
        cursor = serializers.CharField(required=False)
        page_size = serializers.IntegerField(required=False)

    class InputSerializer(StrictSerializer):
        start = AwareDateTimeField()
        doctor = serializers.IntegerField(min_value=1)
        reason = serializers.CharField(
            max_length=REASON_MAX_CHARS, required=False, allow_blank=True, default=""
        )

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsResident()]
        return [IsAuthenticated()]

    @extend_schema(
        parameters=[FilterSerializer],
        responses=BookingOutputSerializer(many=True),
        tags=TAGS,
    )
    def get(self, request):
        params = self.FilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = {
            k: v
            for k, v in params.validated_data.items()
            if k in ("status", "upcoming")
        }
        qs = selectors.booking_list(user=request.user, **filters)
        paginator = BookingPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = BookingOutputSerializer(
            page, many=True, context={"tz": requester_tz(request)}
        ).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request=InputSerializer, responses={201: BookingOutputSerializer}, tags=TAGS
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_create(
            patient=request.user,
            doctor_id=data.validated_data["doctor"],
            start=data.validated_data["start"],
            reason=data.validated_data["reason"],
        )
        return _booking_response(request, booking, 201)


class BookingDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=BookingOutputSerializer, tags=TAGS)
    def get(self, request, booking_id: int):
        booking = selectors.booking_get_for_user(
            user=request.user, booking_id=booking_id
        )
        return _booking_response(request, booking)


class BookingCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(StrictSerializer):
        reason = serializers.CharField(
            max_length=300, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer, responses=BookingOutputSerializer, tags=TAGS
    )
    def post(self, request, booking_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_cancel(
            booking_id=booking_id, user=request.user, **data.validated_data
        )
        return _booking_response(request, booking)


class BookingRescheduleApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(StrictSerializer):
        start = AwareDateTimeField()

    @extend_schema(
        request=InputSerializer, responses=BookingOutputSerializer, tags=TAGS
    )
    def post(self, request, booking_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_reschedule(
            booking_id=booking_id, user=request.user, **data.validated_data
        )
        return _booking_response(request, booking)


class OutcomeApi(APIView):
    """GET: the outcome note (the two participants; auditors, audited).
    PUT: the doctor writes or corrects it."""

    class InputSerializer(StrictSerializer):
        note = serializers.CharField(max_length=OUTCOME_MAX_CHARS)

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

    class InputSerializer(StrictSerializer):
        text = serializers.CharField(max_length=MESSAGE_MAX_CHARS)

    @extend_schema(responses=MessageOutputSerializer(many=True), tags=TAGS)
    def get(self, request, booking_id: int):
        qs = selectors.message_list(user=request.user, booking_id=booking_id)
        paginator = MessagePagination()
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


class WindowSerializer(StrictSerializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6)
    start = serializers.TimeField(format="%H:%M")
    end = serializers.TimeField(format="%H:%M")


class AvailabilityApi(APIView):
    """A health worker's own weekly availability (wall time of their facility)."""

    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        slot_minutes = serializers.ChoiceField(
            choices=rules.SLOT_MINUTES_CHOICES, default=30
        )
        booking_notice_minutes = serializers.IntegerField(
            min_value=0, max_value=14 * 24 * 60, default=60
        )
        cancel_notice_minutes = serializers.IntegerField(
            min_value=0, max_value=14 * 24 * 60, default=120
        )
        is_active = serializers.BooleanField(default=True)
        windows = serializers.ListField(child=WindowSerializer(), max_length=70)

    class OutputSerializer(serializers.Serializer):
        doctor = DoctorRefSerializer()
        tz_label = serializers.SerializerMethodField()
        slot_minutes = serializers.IntegerField()
        booking_notice_minutes = serializers.IntegerField()
        cancel_notice_minutes = serializers.IntegerField()
        is_active = serializers.BooleanField()
        windows = serializers.SerializerMethodField()
        updated_at = serializers.DateTimeField()

        def get_tz_label(self, schedule) -> str:
            return rules.zone_abbreviation(schedule.doctor.tz)

        def get_windows(self, schedule) -> list[dict]:
            return [
                {
                    "weekday": w.weekday,
                    "weekday_name": WeeklyAvailability.Weekday(w.weekday).label,
                    "start": f"{w.start_time:%H:%M}",
                    "end": f"{w.end_time:%H:%M}",
                }
                for w in schedule.windows.all()
            ]

    @extend_schema(responses=OutputSerializer, tags=TAGS)
    def get(self, request):
        schedule = selectors.schedule_get_for_doctor(doctor=request.user)
        if schedule is None:
            schedule = services.schedule_update(
                doctor=request.user, windows=[], is_active=False
            )
        return Response(self.OutputSerializer(schedule).data)

    @extend_schema(request=InputSerializer, responses=OutputSerializer, tags=TAGS)
    def put(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        schedule = services.schedule_update(doctor=request.user, **data.validated_data)
        return Response(self.OutputSerializer(schedule).data)


class ExceptionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    start_time = serializers.TimeField(format="%H:%M")
    end_time = serializers.TimeField(format="%H:%M")
    note = serializers.CharField()


class ExceptionListCreateApi(APIView):
    """Leave days (or hours) of the calling health worker, from today on."""

    permission_classes = [IsHealthWorker]

    class InputSerializer(StrictSerializer):
        date = serializers.DateField()
        start_time = serializers.TimeField(required=False, allow_null=True)
        end_time = serializers.TimeField(required=False, allow_null=True)
        note = serializers.CharField(
            max_length=200, required=False, allow_blank=True, default=""
        )

    @extend_schema(responses=ExceptionOutputSerializer(many=True), tags=TAGS)
    def get(self, request):
        since = timezone.localdate(timezone=request.user.tz)
        qs = selectors.exception_list(doctor=request.user, since=since)
        return Response(ExceptionOutputSerializer(qs, many=True).data)

    class CreatedSerializer(ExceptionOutputSerializer):
        conflicting_bookings = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        request=InputSerializer, responses={201: CreatedSerializer}, tags=TAGS
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = dict(data.validated_data)
        exception, clashes = services.exception_create(
            doctor=request.user, day=args.pop("date"), **args
        )
        return Response(
            {
                **ExceptionOutputSerializer(exception).data,
                "conflicting_bookings": clashes,
            },
            status=201,
        )


class ExceptionDeleteApi(APIView):
    permission_classes = [IsHealthWorker]

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, exception_id: int):
        services.exception_delete(doctor=request.user, exception_id=exception_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProposalListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ProposalOutputSerializer(many=True), tags=TAGS)
    def get(self, request):
        qs = selectors.proposal_list(user=request.user)
        paginator = CursorPagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = ProposalOutputSerializer(
            page, many=True, context={"tz": requester_tz(request)}
        ).data
        return paginator.get_paginated_response(data)


class ProposalAcceptApi(APIView):
    permission_classes = [IsResident]

    class InputSerializer(StrictSerializer):
        reason = serializers.CharField(
            max_length=REASON_MAX_CHARS, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer, responses={201: BookingOutputSerializer}, tags=TAGS
    )
    def post(self, request, proposal_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.proposal_accept(
            proposal_id=proposal_id, patient=request.user, **data.validated_data
        )
        return _booking_response(request, booking, 201)


class ProposalDeclineApi(APIView):
    permission_classes = [IsResident]

    @extend_schema(request=None, responses=ProposalOutputSerializer, tags=TAGS)
    def post(self, request, proposal_id: int):
        services.proposal_decline(proposal_id=proposal_id, patient=request.user)
        proposal = selectors.proposal_get_for_user(
            user=request.user, proposal_id=proposal_id
        )
        data = ProposalOutputSerializer(proposal, context={"tz": requester_tz(request)})
        return Response(data.data)
