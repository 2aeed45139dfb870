"""A health worker's own schedule: weekly windows, and leave days or hours."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import IsHealthWorker
from core.api.serializers import (
    BoundedDateField,
    StrictBooleanField,
    StrictSerializer,
    TextField,
)
from isolation.teleconsult import rules, selectors, services
from isolation.teleconsult.api.serializers import DoctorRefSerializer
from isolation.teleconsult.api.views.common import TAGS
from isolation.teleconsult.models import WeeklyAvailability


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
        date = BoundedDateField()
        start_time = serializers.TimeField(required=False, allow_null=True)
        end_time = serializers.TimeField(required=False, allow_null=True)
        note = TextField(max_length=200, required=False, allow_blank=True, default="")
        cancel_bookings = StrictBooleanField(required=False, default=False)

    @extend_schema(responses=ExceptionOutputSerializer(many=True), tags=TAGS)
    def get(self, request):
        since = timezone.localdate(timezone=request.user.tz)
        qs = selectors.exception_list(doctor=request.user, since=since)
        return Response(ExceptionOutputSerializer(qs, many=True).data)

    class CancelledSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        start = serializers.DateTimeField()

    class CreatedSerializer(ExceptionOutputSerializer):
        cancelled_bookings = serializers.ListField(child=serializers.DictField())

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OpenApiResponse(
                CreatedSerializer,
                "Leave recorded; `cancelled_bookings`: the consultations it "
                "cancelled (`cancel_bookings: true`), each patient told.",
            ),
            409: OpenApiResponse(
                description="`leave_has_bookings`: booked consultations that have "
                "not started fall in the leave (listed in the message and in "
                "`fields.bookings`); nothing is recorded. Send again with "
                "`cancel_bookings: true` to cancel them."
            ),
        },
        tags=TAGS,
    )
    def post(self, request):
        """Booked consultations in the leave: 409 `leave_has_bookings` listing them,
        unless `cancel_bookings` is true, which cancels them and tells each patient
        (`cancelled_bookings`)."""
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        args = dict(data.validated_data)
        exception, cancelled = services.exception_create(
            doctor=request.user, day=args.pop("date"), **args
        )
        return Response(
            {
                **ExceptionOutputSerializer(exception).data,
                "cancelled_bookings": self.CancelledSerializer(
                    cancelled, many=True
                ).data,
            },
            status=201,
        )


class ExceptionDeleteApi(APIView):
    permission_classes = [IsHealthWorker]

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request, exception_id: int):
        services.exception_delete(doctor=request.user, exception_id=exception_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
