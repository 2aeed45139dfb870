"""Endpoints of the bridge: FHIR lab results in (integrator key), and the
reconciliation report for the health office."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import TokenAuthentication
from core.api.permissions import IsRegionalHealthOffice
from core.api.serializers import BoundedDateField
from core.cases.api.authentication import (
    IntegratorKeyAuthentication,
    IntegratorRateThrottle,
    IsIntegrator,
)
from core.exceptions import NotFound
from core.i18n import tr
from core.office.selectors import office_area_get
from core.satusehat import clients, reconcile
from core.satusehat.error_codes import SatusehatErrorCode
from core.satusehat.inbound import fhir_bundle_submit
from core.satusehat.selectors import reconciliation_latest
from core.services.audit import audit_record


class FhirJSONParser(JSONParser):
    media_type = "application/fhir+json"


class CaseFhirSubmitApi(APIView):
    """A FHIR Bundle of lab results (Patient + Observation [+ Specimen]): readable
    entries become case reports, the others come back as OperationOutcome issues."""

    authentication_classes = [IntegratorKeyAuthentication, TokenAuthentication]
    permission_classes = [IsIntegrator]
    throttle_classes = [IntegratorRateThrottle]
    parser_classes = [FhirJSONParser, JSONParser]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        tags=["cases"],
        summary="Send lab results as a FHIR R4 Bundle (per-entry OperationOutcome)",
    )
    def post(self, request):
        result = fhir_bundle_submit(integrator=request.auth, bundle=request.data)
        status = 200 if result["accepted"] else 400
        response = Response(result["outcome"], status=status)
        response["X-Sigap-Batch"] = str(result["batch_id"] or "")
        response.content_type = "application/fhir+json"
        return response


class ReconciliationApi(APIView):
    permission_classes = [IsRegionalHealthOffice]

    class InputSerializer(serializers.Serializer):
        area = serializers.CharField(max_length=16)
        date = BoundedDateField(required=False)

    @extend_schema(
        parameters=[InputSerializer],
        responses=OpenApiTypes.OBJECT,
        tags=["cases"],
        summary="SATUSEHAT reconciliation: Sigap's cases against the centre's, per day",
    )
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        # A health office reads its own wilayah kerja only (404 next door).
        area = office_area_get(
            region=request.user.region, code=data.validated_data["area"]
        )
        run = reconciliation_latest()
        if run is None and not clients.enabled():
            # Said as it is: the bridge is off, not "nothing yet".
            raise NotFound(
                tr(
                    {
                        "id": "Jembatan SATUSEHAT belum diaktifkan di server ini "
                        "(pengaturan SATUSEHAT_*), jadi belum ada rekonsiliasi.",
                        "en": "The SATUSEHAT bridge is not set up on this server "
                        "(SATUSEHAT_* settings), so there is no reconciliation.",
                    }
                ),
                code=SatusehatErrorCode.NOT_CONFIGURED,
            )
        if run is None:
            raise NotFound(
                tr(
                    {
                        "id": "Belum ada rekonsiliasi SATUSEHAT; rekonsiliasi "
                        "berjalan setiap malam.",
                        "en": "No SATUSEHAT reconciliation yet; it runs every night.",
                    }
                ),
                code=SatusehatErrorCode.RECONCILIATION_NOT_FOUND,
            )
        report = reconcile.report_for_area(
            run, area_code=area.code, date=data.validated_data.get("date")
        )
        audit_record(
            actor=request.user,
            action="satusehat.reconciliation.view",
            target=area,
            detail={"run": run.pk, "differences": len(report["differences"])},
        )
        return Response(report)
