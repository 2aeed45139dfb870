"""Case data integration endpoints: report submission (integrator key) and, for the
health office, discrepancies between sources and an integrated case with provenance."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import TokenAuthentication
from core.api.permissions import IsRegionalHealthOffice
from core.api.serializers import BoundedDateField
from core.cases import rules
from core.cases import selectors as case_selectors
from core.cases.api.authentication import (
    IntegratorKeyAuthentication,
    IntegratorRateThrottle,
    IsIntegrator,
)
from core.cases.services import reports_submit
from core.office.selectors import office_area_get
from core.services.audit import audit_record


class ReportSerializer(serializers.Serializer):
    """One case report (documentation; validated by core.cases.rules.validate_report)."""

    record_id = serializers.CharField(
        max_length=64, help_text="The source's own record id"
    )
    nik = serializers.CharField(
        required=False, help_text="16 digits; or full_name + birth_date"
    )
    full_name = serializers.CharField(required=False, max_length=150)
    birth_date = serializers.DateField(required=False)
    sex = serializers.ChoiceField(choices=["M", "F"], required=False)
    kelurahan_code = serializers.CharField(help_text="e.g. 33.74.10.1001")
    household_id = serializers.CharField(required=False, max_length=64)
    status = serializers.ChoiceField(choices=list(rules.STATUSES))
    event_date = serializers.DateField()
    specimen_type = serializers.ChoiceField(
        choices=list(rules.SPECIMEN_TYPES), required=False
    )
    test_type = serializers.ChoiceField(choices=list(rules.TEST_TYPES), required=False)
    test_result = serializers.ChoiceField(
        choices=list(rules.TEST_RESULTS), required=False
    )


class CaseReportSubmitApi(APIView):
    authentication_classes = [IntegratorKeyAuthentication, TokenAuthentication]
    permission_classes = [IsIntegrator]
    throttle_classes = [IntegratorRateThrottle]

    class InputSerializer(serializers.Serializer):
        reports = serializers.ListField(child=serializers.JSONField(), allow_empty=True)

    class OutputSerializer(serializers.Serializer):
        received = serializers.IntegerField()
        created = serializers.IntegerField()
        updated = serializers.IntegerField()
        unchanged = serializers.IntegerField()
        rejected = serializers.IntegerField()
        cases_new = serializers.IntegerField()
        cases_merged = serializers.IntegerField()
        batch_id = serializers.IntegerField()

    class _DocInput(serializers.Serializer):
        reports = ReportSerializer(many=True)

    @extend_schema(
        request=_DocInput,
        responses={200: OutputSerializer},
        tags=["cases"],
        summary="Send up to 1,000 case reports (all or nothing; re-sending is harmless)",
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = reports_submit(
            integrator=request.auth, reports=data.validated_data["reports"]
        )
        return Response({**result.as_dict(), "batch_id": result.batch_id})


class DiscrepancyApi(APIView):
    permission_classes = [IsRegionalHealthOffice]

    class InputSerializer(serializers.Serializer):
        area = serializers.CharField(max_length=16)
        date = BoundedDateField()

    @extend_schema(
        parameters=[InputSerializer], responses=OpenApiTypes.OBJECT, tags=["cases"]
    )
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        area = office_area_get(
            region=request.user.region, code=data.validated_data["area"]
        )
        date = data.validated_data["date"]
        report = case_selectors.discrepancies(area=area, date=date)
        audit_record(
            actor=request.user,
            action="cases.discrepancies.view",
            target=area,
            detail={
                "date": date.isoformat(),
                "cases": len({d["case_id"] for d in report["differences"]}),
            },
        )
        return Response(report)


class CaseDetailApi(APIView):
    permission_classes = [IsRegionalHealthOffice]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        full_name = serializers.CharField()
        birth_date = serializers.DateField(allow_null=True)
        sex = serializers.CharField()
        kelurahan = serializers.CharField(source="kelurahan_id")
        household_key = serializers.CharField()
        status = serializers.CharField()
        status_date = serializers.DateField()
        confirmed_on = serializers.DateField(allow_null=True)
        recovered_on = serializers.DateField(allow_null=True)
        died_on = serializers.DateField(allow_null=True)
        has_nik = serializers.SerializerMethodField()
        timeline = serializers.JSONField()
        provenance = serializers.JSONField()
        source_count = serializers.IntegerField()
        ambiguous_match = serializers.BooleanField()
        reports = serializers.SerializerMethodField()

        def get_has_nik(self, case) -> bool:
            return bool(case.nik_key)

        def get_reports(self, case) -> list[dict]:
            return [
                {
                    "id": r.pk,
                    "source": r.integrator.name,
                    "record_id": r.record_id,
                    "status": r.status,
                    "event_date": r.event_date,
                    "kelurahan": r.kelurahan_id,
                    "match": r.match,
                    "revision": r.revision,
                    "test_type": r.test_type,
                    "test_result": r.test_result,
                    "received_at": r.received_at,
                }
                for r in case_selectors.case_reports(case)
            ]

    @extend_schema(
        responses=OutputSerializer,
        tags=["cases"],
        summary="An integrated case with provenance",
    )
    def get(self, request, case_id: int):
        case = case_selectors.case_get_for_office(
            region=request.user.region, case_id=case_id
        )
        audit_record(actor=request.user, action="cases.case.view", target=case)
        return Response(self.OutputSerializer(case).data)
