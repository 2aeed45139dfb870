"""What the teleconsult views share: their schema tag and a booking's response in
the requester's time zone."""

from __future__ import annotations

from rest_framework.response import Response

from isolation.teleconsult.api.serializers import BookingOutputSerializer, requester_tz
from isolation.teleconsult.models import Booking

TAGS = ["teleconsult"]


def booking_response(request, booking: Booking, code: int = 200) -> Response:
    data = BookingOutputSerializer(booking, context={"tz": requester_tz(request)}).data
    return Response(data, status=code)
