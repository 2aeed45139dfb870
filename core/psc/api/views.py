"""PSC 119 API: residents and nurses create escalations; operators work their kab/kota's
queue; the health office reads response times per day."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.permissions import IsPscOperator, IsRegionalHealthOffice
from core.api.serializers import (
    OfficeRangeFilterSerializer,
    StrictBooleanField,
    StrictSerializer,
    UUIDStringField,
)
from core.areas.selectors import (
    local_today,
    region_require_regency_or_province,
)
from core.exceptions import ApplicationError, PermissionDenied
from core.models import Escalation, User
from core.office.selectors import office_area_get
from core.psc import content, rules, selectors, services
from core.psc.error_codes import PscErrorCode
from core.services.audit import audit_record

TAGS = ["psc"]


def resident_payload(escalation: Escalation) -> dict:
    return {
        "id": escalation.pk,
        "status": escalation.status,
        "status_label": content.status_label(escalation.status),
        "region": {"code": escalation.region_id, "name": escalation.region.name},
        "created_at": escalation.created_at,
        "taken_at": escalation.taken_at,
        "dispatched_at": escalation.dispatched_at,
        "referred_to": {
            "id": escalation.referred_to_id,
            "name": escalation.referred_to.name,
            "phone": escalation.referred_to.phone,
        }
        if escalation.referred_to_id
        else None,
        "closed_at": escalation.closed_at,
    }


class EscalationListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    class ResidentInput(StrictSerializer):
        consent = StrictBooleanField(
            help_text="Explicit consent, for this request, to share location and "
            "recent health data (JSON true; anything but a boolean is refused). The "
            "general consent to health-data processing is not needed."
        )
        client_key = serializers.CharField(max_length=64, required=False, default="")
        # A point that is no place in Indonesia (0, 0; lat and lng swapped; the sea,
        # another country) is refused by the service: 400 outside_indonesia.
        lat = serializers.FloatField(required=False)
        lng = serializers.FloatField(required=False)
        assessment_id = UUIDStringField(required=False)
        note = serializers.CharField(
            max_length=1000, required=False, allow_blank=True, default=""
        )

        def validate(self, attrs):
            if ("lat" in attrs) != ("lng" in attrs):
                raise serializers.ValidationError(
                    {"lng": content.text("location_pair")}
                )
            return attrs

    class NurseInput(StrictSerializer):
        alert_id = serializers.IntegerField(min_value=1)
        note = serializers.CharField(
            max_length=1000, required=False, allow_blank=True, default=""
        )

    class FilterSerializer(StrictSerializer):
        status = serializers.ChoiceField(
            choices=["open", "closed", "all"], required=False, default="open"
        )

    @extend_schema(
        request=ResidentInput,
        # 201 created; 200 when the same client_key asked already (the stored one).
        responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT},
        tags=TAGS,
        operation_id="psc_escalation_create",
        summary="Minta bantuan PSC 119 (resident) or escalate a danger alert (nurse)",
    )
    def post(self, request):
        user = request.user
        if user.role == User.Role.RESIDENT:
            data = self.ResidentInput(data=request.data)
            data.is_valid(raise_exception=True)
            # No consent_require: the request carries its own explicit consent
            # (docs/privacy.md, "PSC 119"); a withdrawn general consent must not
            # close the emergency channel.
            escalation, created = services.escalation_create_by_resident(
                resident=user, source=Escalation.Source.APP, **data.validated_data
            )
        elif user.role == User.Role.HEALTH_WORKER and user.facility_id:
            data = self.NurseInput(data=request.data)
            data.is_valid(raise_exception=True)
            escalation, created = services.escalation_create_by_nurse(
                nurse=user, **data.validated_data
            )
        else:
            raise PermissionDenied(
                content.text(PscErrorCode.PERMISSION_DENIED),
                code=PscErrorCode.PERMISSION_DENIED,
            )
        escalation = Escalation.objects.select_related("region", "referred_to").get(
            pk=escalation.pk
        )
        return Response(
            resident_payload(escalation),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses=OpenApiTypes.OBJECT,
        tags=TAGS,
        operation_id="psc_escalation_queue",
        summary="The operator's kab/kota queue (urgency, then waiting time)",
    )
    def get(self, request):
        if not IsPscOperator().has_permission(request, self):
            raise PermissionDenied(
                "Hanya operator PSC 119 yang melihat antrean.",
                code=PscErrorCode.PERMISSION_DENIED,
            )
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        from django.utils import timezone

        now = timezone.now()
        rows = selectors.escalation_queue(
            operator=request.user, status=filters.validated_data["status"], now=now
        )
        audit_record(
            actor=request.user,
            action="psc.queue.view",
            target=request.user.psc_region,
            detail={"escalations": [e.pk for e in rows][:200]},
        )
        return Response(
            {
                "region": request.user.psc_region_id,
                "results": [selectors.queue_item(e, now=now) for e in rows],
            }
        )


class MyEscalationsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=OpenApiTypes.OBJECT, tags=TAGS, operation_id="psc_escalations_mine"
    )
    def get(self, request):
        rows = selectors.escalations_for_resident(resident=request.user)[:50]
        return Response({"results": [resident_payload(e) for e in rows]})


class EscalationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=OpenApiTypes.OBJECT, tags=TAGS, operation_id="psc_escalation_get"
    )
    def get(self, request, escalation_id: int):
        user = request.user
        if user.role == User.Role.PSC_OPERATOR and user.psc_region_id:
            escalation = selectors.escalation_get_for_operator(
                operator=user, escalation_id=escalation_id
            )
            audit_record(
                actor=user,
                action="psc.escalation.view",
                target=escalation,
                patient=escalation.resident,
            )
            return Response(selectors.escalation_detail(escalation))
        escalation = selectors.escalation_get_for_resident(
            resident=user, escalation_id=escalation_id
        )
        return Response(resident_payload(escalation))


class EscalationActionApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(StrictSerializer):
        note = serializers.CharField(
            max_length=1000, required=False, allow_blank=True, default=""
        )
        facility_id = serializers.IntegerField(required=False, min_value=1)

    @extend_schema(
        request=InputSerializer,
        responses=OpenApiTypes.OBJECT,
        tags=TAGS,
        operation_id="psc_escalation_action",
        summary="take | call | note | dispatch | refer (facility_id) | resolve | cancel",
    )
    def post(self, request, escalation_id: int, action: str):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = request.user
        if user.role == User.Role.RESIDENT and action == "cancel":
            escalation = services.escalation_cancel_by_resident(
                escalation_id=escalation_id, resident=user
            )
            escalation = selectors.escalation_get_for_resident(
                resident=user, escalation_id=escalation.pk
            )
            return Response(resident_payload(escalation))
        if not IsPscOperator().has_permission(request, self):
            raise PermissionDenied(
                "Hanya operator PSC 119 yang menangani eskalasi.",
                code=PscErrorCode.PERMISSION_DENIED,
            )
        if action not in rules.OPERATOR_ACTIONS:
            raise ApplicationError(
                "Langkah tidak dikenal.", code=PscErrorCode.UNKNOWN_ACTION, status=404
            )
        if action == "refer" and "facility_id" not in data.validated_data:
            raise ApplicationError(
                "Pilih rumah sakit tujuan.",
                code=PscErrorCode.INVALID,
                fields={"facility_id": "Wajib untuk rujukan."},
            )
        services.escalation_act(
            escalation_id=escalation_id,
            operator=user,
            action=action,
            note=data.validated_data["note"],
            facility_id=data.validated_data.get("facility_id"),
        )
        escalation = selectors.escalation_get_for_operator(
            operator=user, escalation_id=escalation_id
        )
        audit_record(
            actor=user,
            action=f"psc.escalation.{action}",
            target=escalation,
            patient=escalation.resident,
        )
        return Response(selectors.escalation_detail(escalation))


class ResponseTimesApi(APIView):
    permission_classes = [IsRegionalHealthOffice]

    FilterSerializer = OfficeRangeFilterSerializer

    @extend_schema(
        parameters=[FilterSerializer],
        responses=OpenApiTypes.OBJECT,
        tags=TAGS,
        summary="Escalations and times to acknowledge / dispatch per kab/kota and day",
    )
    def get(self, request):
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
        if date_from > date_to or (date_to - date_from).days > 92:
            raise ApplicationError(
                "Rentang tanggal tidak valid (paling lama 92 hari).",
                code=PscErrorCode.INVALID_RANGE,
                fields={"from": "Rentang tidak valid."},
            )
        rows = selectors.response_times_daily(
            area=area, date_from=date_from, date_to=date_to
        )
        return Response(
            {
                "area": area.code,
                "date_from": date_from,
                "date_to": date_to,
                "targets": {
                    "ack_seconds": rules.ACK_TARGET.total_seconds(),
                    "dispatch_seconds": rules.DISPATCH_TARGET.total_seconds(),
                },
                "results": rows,
            }
        )
