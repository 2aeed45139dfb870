"""Free slots and bookings: residents book, both sides list, cancel and reschedule."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import PageQuerySerializer
from core.api.permissions import IsResident
from core.api.serializers import (
    AwareDateTimeField,
    BoundedDateField,
    StrictSerializer,
    TextField,
)
from core.i18n import tr
from isolation.teleconsult import rules, selectors, services
from isolation.teleconsult.api.serializers import (
    BookingOutputSerializer,
    BookingPagination,
    SlotListingSerializer,
    TimeZoneField,
    requester_tz,
    slot_listing,
)
from isolation.teleconsult.api.views.common import TAGS, booking_response
from isolation.teleconsult.error_codes import TeleconsultErrorCode
from isolation.teleconsult.models import REASON_MAX_CHARS, Booking
from isolation.teleconsult.services.common import message_text


class SlotListApi(APIView):
    """Free slots of a facility's doctors (or one doctor), local days in the
    doctor's zone; each slot in UTC, the doctor's time and the requester's time.

    Only slots starting before now + SIGAP_TELECONSULT_HORIZON_DAYS (default 31) are
    listed: a `date_from` after that is refused (400 `range_beyond_horizon`), a
    `date_to` after it is cut back (the answer's `date_to` says so). Booked slots
    and slots held by a proposal for another patient are left out; a slot proposed
    to the caller is listed."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(StrictSerializer):
        facility = serializers.IntegerField(required=False, min_value=1)
        doctor = serializers.IntegerField(required=False, min_value=1)
        date_from = BoundedDateField(required=False)
        date_to = BoundedDateField(required=False)
        tz = TimeZoneField(required=False)

        def validate(self, attrs):
            if "facility" not in attrs and "doctor" not in attrs:
                raise serializers.ValidationError(
                    {
                        "facility": tr(
                            {
                                "id": "Isi facility atau doctor.",
                                "en": "Give facility or doctor.",
                            }
                        )
                    },
                    code="required",
                )
            tz = requester_tz(self.context["request"], attrs.get("tz"))
            date_from = attrs.get("date_from") or timezone.localdate(timezone=tz)
            date_to = attrs.get("date_to") or date_from + timedelta(days=13)
            error = rules.date_range_error(date_from, date_to)
            if error:
                raise serializers.ValidationError(
                    {"date_to": message_text(error)}, code=error
                )
            # Nothing is bookable from now + the horizon on: a range starting after
            # it is refused; one running past it is cut there (date_to says where).
            last_day = (timezone.now() + selectors.booking_horizon()).astimezone(tz)
            if date_from > last_day.date():
                error = TeleconsultErrorCode.RANGE_BEYOND_HORIZON
                raise serializers.ValidationError(
                    {
                        "date_from": message_text(
                            error, days=settings.SIGAP_TELECONSULT_HORIZON_DAYS
                        )
                    },
                    code=error,
                )
            date_to = min(date_to, last_day.date())
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
            for_patient_id=request.user.pk,
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
    # Used below; also tells the schema the list comes as {next, previous, results}.
    pagination_class = BookingPagination
    """GET: the caller's bookings (a health worker: their appointments).
    POST: book a slot (residents with consent). Posting a slot the caller already
    holds with that doctor answers 200 with that booking, so a retry is safe."""

    class FilterSerializer(PageQuerySerializer):
        status = serializers.ChoiceField(choices=Booking.Status.choices, required=False)
        upcoming = serializers.BooleanField(
            required=False, allow_null=True, default=None
        )

    class InputSerializer(StrictSerializer):
        start = AwareDateTimeField()
        doctor = serializers.IntegerField(min_value=1)
        reason = TextField(
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
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = BookingOutputSerializer(
            page, many=True, context={"tz": requester_tz(request)}
        ).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OpenApiResponse(BookingOutputSerializer, "Booked."),
            200: OpenApiResponse(
                BookingOutputSerializer,
                "The caller already holds this slot with this doctor (a retried "
                "request): that booking, unchanged.",
            ),
            400: OpenApiResponse(
                description="A field error, or a slot that cannot be booked: "
                "`slot_in_past`, `booking_notice`, `slot_beyond_horizon` (at or "
                "after now + SIGAP_TELECONSULT_HORIZON_DAYS, default 31), "
                "`outside_availability`, `slot_unaligned`, `doctor_on_leave`, "
                "`unknown_doctor`."
            ),
            409: OpenApiResponse(
                description="`slot_taken`: someone else booked it; `slot_held`: it "
                "is held for another patient by a proposal; `patient_busy`: the "
                "caller's own other consultation overlaps it (named in the "
                "message); `booking_limit`: the caller already has "
                "SIGAP_TELECONSULT_MAX_ACTIVE_BOOKINGS (default 2) upcoming "
                "consultations (named in the message)."
            ),
        },
        tags=TAGS,
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking, created = services.booking_create(
            patient=request.user,
            doctor_id=data.validated_data["doctor"],
            start=data.validated_data["start"],
            reason=data.validated_data["reason"],
        )
        return booking_response(request, booking, 201 if created else 200)


class BookingDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=BookingOutputSerializer, tags=TAGS)
    def get(self, request, booking_id: int):
        booking = selectors.booking_get_for_user(
            user=request.user, booking_id=booking_id
        )
        return booking_response(request, booking)


class BookingCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(StrictSerializer):
        reason = TextField(max_length=300, required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer, responses=BookingOutputSerializer, tags=TAGS
    )
    def post(self, request, booking_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_cancel(
            booking_id=booking_id, user=request.user, **data.validated_data
        )
        return booking_response(request, booking)


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
        return booking_response(request, booking)
