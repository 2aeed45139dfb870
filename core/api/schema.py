from __future__ import annotations

from drf_spectacular import openapi


class AutoSchema(openapi.AutoSchema):
    """Names nested serializers after their view (OtpRequestApi.InputSerializer ->
    OtpRequestApiInput), so the STYLE.md pattern of per-view InputSerializer /
    OutputSerializer classes yields unique schema components."""

    def get_serializer_name(self, serializer, direction):
        cls = serializer if isinstance(serializer, type) else serializer.__class__
        qualname = cls.__qualname__
        if "." in qualname and "<locals>" not in qualname:
            return qualname.replace(".", "")
        return super().get_serializer_name(serializer, direction)
