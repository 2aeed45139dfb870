"""Hospital beds: search (public), the integrators' batch of reports, hospital
staff's own reports, occupancy (BOR) for the health office."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import TokenAuthentication
from core.api.permissions import IsHospitalStaff, IsRegionalHealthOffice
from core.api.serializers import OfficeRangeFilterSerializer, StrictSerializer
from core.areas.selectors import region_get, region_require_regency_or_province
from core.beds import rules, selectors, services
from core.beds.error_codes import BedErrorCode
from core.cases.api.authentication import (
    IntegratorKeyAuthentication,
    IntegratorRateThrottle,
    IsIntegrator,
)
from core.exceptions import ApplicationError
from core.i18n import tr
from core.models import BedKind, BedReport
from core.office.selectors import office_area_get
from core.services.audit import audit_record

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
SEARCH_MAX_AGE = 60


class BedCountDoc(serializers.Serializer):
    total = serializers.IntegerField(min_value=0, max_value=rules.MAX_BEDS_PER_KIND)
    free = serializers.IntegerField(
        min_value=0, max_value=rules.MAX_BEDS_PER_KIND, help_text="≤ total"
    )


# `beds` of a report: any of the kinds, at least one. Kinds left out keep their last
# reported figure (a report is often of one unit only).
BedsDoc = type(
    "BedsDoc",
    (serializers.Serializer,),
    {
        kind: BedCountDoc(required=False, help_text=label)
        for kind, label in BedKind.choices
    },
)


class BedKindOutputDoc(serializers.Serializer):
    free = serializers.IntegerField()
    total = serializers.IntegerField()
    updated_at = serializers.DateTimeField(help_text="When this kind was counted")
    stale = serializers.BooleanField(help_text="This kind's figure over 24 h old")


BedsOutputDoc = type(
    "BedsOutputDoc",
    (serializers.Serializer,),
    {
        kind: BedKindOutputDoc(required=False, help_text=label)
        for kind, label in BedKind.choices
    },
)


def oxygen_days_field(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=0,
        max_value=rules.MAX_OXYGEN_DAYS,
        # A JSON number, as the server takes it (also keeps the bounds in the schema).
        coerce_to_string=False,
        help_text="Oxygen stock in days (0–999.9)",
        **kwargs,
    )


class BedsOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    is_referral = serializers.BooleanField()
    distance_km = serializers.FloatField(allow_null=True)
    free = serializers.IntegerField(help_text="Free beds of the kind asked (or all)")
    beds = BedsOutputDoc(help_text="Each kind as last reported, with its own time")
    oxygen_days = serializers.FloatField(allow_null=True)
    oxygen_updated_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="The hospital's newest report"
    )
    stale = serializers.BooleanField(
        help_text="Some figure shown is over 24 h old (or there is none)"
    )


class BedSearchApi(APIView):
    """Public: who has a free bed near here."""

    authentication_classes: list = []
    permission_classes: list = []

    class FilterSerializer(StrictSerializer):
        lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
        lng = serializers.FloatField(required=False, min_value=-180, max_value=180)
        area = serializers.CharField(required=False, max_length=13)
        kind = serializers.ChoiceField(choices=list(rules.BED_KINDS), required=False)
        page = serializers.IntegerField(required=False, min_value=1, default=1)
        page_size = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_PAGE_SIZE, default=PAGE_SIZE
        )

        def validate(self, attrs):
            has_point = "lat" in attrs or "lng" in attrs
            if has_point and not ("lat" in attrs and "lng" in attrs):
                raise serializers.ValidationError(
                    {
                        "lng" if "lat" in attrs else "lat": tr(
                            {
                                "id": "lat dan lng diisi berdua.",
                                "en": "Give lat and lng together.",
                            }
                        )
                    }
                )
            if not has_point and not attrs.get("area"):
                raise serializers.ValidationError(
                    {
                        "lat": tr(
                            {
                                "id": "Isi lat dan lng, atau area (kode wilayah).",
                                "en": "Give lat and lng, or area (a region code).",
                            }
                        )
                    }
                )
            return attrs

    @extend_schema(
        parameters=[FilterSerializer],
        responses=inline_serializer(
            "BedsSearchPage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "origin": inline_serializer(
                    "BedsSearchOrigin",
                    {"lat": serializers.FloatField(), "lng": serializers.FloatField()},
                    allow_null=True,
                ),
                "results": BedsOutputSerializer(many=True),
            },
        ),
        tags=["facilities"],
        summary="Hospitals with free beds, nearest first",
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        origin = (data["lat"], data["lng"]) if "lat" in data else None
        area = None
        if origin is None:
            region = region_get(data["area"])
            origin = selectors.region_point(region)
            area = region.code
        page, size = data["page"], data["page_size"]
        count, chunk = selectors.beds_search_page(
            origin=origin,
            area=area,
            kind=data.get("kind"),
            offset=(page - 1) * size,
            limit=size,
        )

        def link(n: int) -> str | None:
            if n < 1 or (n - 1) * size >= count:
                return None
            query = request.query_params.copy()
            query["page"] = str(n)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        response = Response(
            {
                "count": count,
                "next": link(page + 1),
                "previous": link(page - 1) if page > 1 else None,
                "origin": {"lat": origin[0], "lng": origin[1]} if origin else None,
                # Built by the selector in the documented shape (BedsOutputSerializer):
                # serialising 20 rows through DRF fields cost more than the search.
                "results": chunk,
            }
        )
        response["Cache-Control"] = f"public, max-age={SEARCH_MAX_AGE}"
        return response


class BedReportRowDoc(serializers.Serializer):
    report_key = serializers.CharField(max_length=64)
    hospital_code = serializers.CharField(
        required=False, help_text="Facility code; default: the integrator's own"
    )
    reported_at = serializers.DateTimeField(
        required=False,
        help_text="Default: now; not older than SIGAP_BED_REPORT_MAX_AGE_DAYS (7)",
    )
    oxygen_days = oxygen_days_field(required=False, allow_null=True)
    beds = BedsDoc()


class BedReportBatchDoc(serializers.Serializer):
    reports = serializers.ListField(
        child=BedReportRowDoc(), max_length=services.MAX_BATCH
    )


class BedReportBatchApi(APIView):
    """Integrators (hospital systems): a batch of reports, idempotent by report_key."""

    authentication_classes = [IntegratorKeyAuthentication, TokenAuthentication]
    permission_classes = [IsIntegrator]
    throttle_classes = [IntegratorRateThrottle]

    class InputSerializer(StrictSerializer):
        reports = serializers.ListField(
            child=serializers.JSONField(), allow_empty=False
        )

    @extend_schema(
        request=BedReportBatchDoc,
        responses=OpenApiTypes.OBJECT,
        tags=["facilities"],
        summary="Send bed reports (each row accepted or rejected; resending is harmless)",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.bed_reports_submit_batch(
            integrator=request.auth, reports=data.validated_data["reports"]
        )
        return Response(
            {
                "received": len(result.results),
                "created": result.created,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
                "results": result.results,
            }
        )


def report_payload(report: BedReport, now: dt.datetime) -> dict:
    return {
        "id": report.pk,
        "reported_at": report.reported_at,
        "received_at": report.received_at,
        "source": report.source,
        "stale": rules.is_stale(report.reported_at, now),
        "oxygen_days": float(report.oxygen_days)
        if report.oxygen_days is not None
        else None,
        "beds": {
            c.kind: {"total": c.total, "free": c.free} for c in report.counts.all()
        },
    }


class MyBedReportDoc(serializers.Serializer):
    beds = BedsDoc()
    oxygen_days = oxygen_days_field(required=False, allow_null=True)
    reported_at = serializers.DateTimeField(
        required=False,
        help_text="Default: now; not older than SIGAP_BED_REPORT_MAX_AGE_DAYS (7)",
    )


class MyHospitalBedsApi(APIView):
    """Hospital staff: their hospital's current picture, its reports (history) and a
    new report (of any kinds: those left out keep their last figure)."""

    permission_classes = [IsHospitalStaff]

    class InputSerializer(StrictSerializer):
        # Checked by the service (rules.beds_validate), documented by MyBedReportDoc.
        beds = serializers.DictField()
        oxygen_days = oxygen_days_field(required=False, allow_null=True)
        reported_at = serializers.DateTimeField(required=False)

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["facilities"])
    def get(self, request):
        now = timezone.now()
        facility = request.user.facility
        reports = selectors.bed_reports_for_facility(facility=facility)
        return Response(
            {
                "facility": {"id": facility.pk, "name": facility.name},
                "current": selectors.bed_picture_for_facility(
                    facility=facility, now=now
                ),
                "results": [report_payload(r, now) for r in reports],
            }
        )

    @extend_schema(
        request=MyBedReportDoc, responses=OpenApiTypes.OBJECT, tags=["facilities"]
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        facility = request.user.facility
        report, _ = services.bed_report_submit(
            facility=facility,
            source=BedReport.Source.FORM,
            reported_by=request.user,
            **data.validated_data,
        )
        now = timezone.now()
        return Response(
            {
                **report_payload(report, now),
                "current": selectors.bed_picture_for_facility(
                    facility=facility, now=now
                ),
            },
            status=status.HTTP_201_CREATED,
        )


class BedOccupancyApi(APIView):
    """Health office: BOR per kabupaten/kota and day."""

    permission_classes = [IsRegionalHealthOffice]

    class FilterSerializer(OfficeRangeFilterSerializer):
        kind = serializers.ChoiceField(choices=list(rules.BED_KINDS), required=False)

    @extend_schema(
        parameters=[FilterSerializer],
        responses=OpenApiTypes.OBJECT,
        tags=["facilities"],
        summary="Bed occupancy ratio per kabupaten/kota and day",
    )
    def get(self, request):
        from core.areas.selectors import local_today

        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        area = region_require_regency_or_province(
            office_area_get(
                region=request.user.region,
                code=data["area"] or request.user.region_id,
            )
        )
        date_to = data["date_to"] or local_today(area.code)
        date_from = data["date_from"] or date_to - dt.timedelta(days=13)
        if date_from > date_to:
            raise ApplicationError(
                "Tanggal 'from' setelah 'to'.",
                code=BedErrorCode.INVALID_RANGE,
                fields={"from": "Harus sebelum atau sama dengan 'to'."},
            )
        if (date_to - date_from).days >= selectors.OCCUPANCY_MAX_DAYS:
            raise ApplicationError(
                f"Paling lama {selectors.OCCUPANCY_MAX_DAYS} hari.",
                code=BedErrorCode.INVALID_RANGE,
                fields={"from": "Rentang terlalu panjang."},
            )
        rows = selectors.occupancy_daily(
            area=area, date_from=date_from, date_to=date_to, kind=data.get("kind")
        )
        audit_record(
            actor=request.user,
            action="beds.occupancy.view",
            target=area,
            detail={"from": date_from.isoformat(), "to": date_to.isoformat()},
        )
        return Response(
            {
                "area": area.code,
                "kind": data.get("kind"),
                "date_from": date_from,
                "date_to": date_to,
                "results": rows,
            }
        )
