"""Slots a doctor proposes to a resident: the resident lists, accepts or declines."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import CursorPagination
from core.api.permissions import IsResident
from core.api.serializers import StrictSerializer, TextField
from isolation.teleconsult import selectors, services
from isolation.teleconsult.api.serializers import (
    BookingOutputSerializer,
    ProposalOutputSerializer,
    requester_tz,
)
from isolation.teleconsult.api.views.common import TAGS, booking_response
from isolation.teleconsult.models import REASON_MAX_CHARS


class ProposalListApi(APIView):
    permission_classes = [IsAuthenticated]
    # Used below; also tells the schema the list comes as {next, previous, results}.
    pagination_class = CursorPagination

    @extend_schema(responses=ProposalOutputSerializer(many=True), tags=TAGS)
    def get(self, request):
        qs = selectors.proposal_list(user=request.user)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        data = ProposalOutputSerializer(
            page, many=True, context={"tz": requester_tz(request)}
        ).data
        return paginator.get_paginated_response(data)


class ProposalAcceptApi(APIView):
    """Book the proposed slot. It is held for the caller until the proposal's
    `expires_at`; accepting is not held to the cap on upcoming consultations."""

    permission_classes = [IsResident]

    class InputSerializer(StrictSerializer):
        reason = TextField(
            max_length=REASON_MAX_CHARS, required=False, allow_blank=True, default=""
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            201: OpenApiResponse(BookingOutputSerializer, "Booked."),
            200: OpenApiResponse(
                BookingOutputSerializer,
                "The caller had already booked this very slot: that booking (the "
                "proposal is marked accepted).",
            ),
            409: OpenApiResponse(
                description="`proposal_not_open`: accepted, declined or expired "
                "(the hold ran out); `patient_busy`: the caller's own other "
                "consultation overlaps it; `slot_taken`: booked by someone else "
                "before the hold."
            ),
        },
        tags=TAGS,
    )
    def post(self, request, proposal_id: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking, created = services.proposal_accept(
            proposal_id=proposal_id, patient=request.user, **data.validated_data
        )
        return booking_response(request, booking, 201 if created else 200)


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
