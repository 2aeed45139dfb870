from __future__ import annotations

from drf_spectacular import openapi

from core.api.serializers import StrictSerializer


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

    def _map_basic_serializer(self, serializer, direction):
        """A request body a `StrictSerializer` reads refuses unknown fields
        (`400 unknown_field`): the schema says so (`additionalProperties: false`),
        so clients and fuzzers see the same contract the server keeps."""
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictSerializer):
            schema["additionalProperties"] = False
        return schema


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "Each field in error, with what is wrong.",
                },
            },
        }
    },
}

_ERROR_RESPONSES = {
    "400": "Bad input: nothing was changed.",
    "401": "Not signed in, or the token expired.",
    "403": "Signed in, but not allowed.",
    "404": "Not found (or not yours).",
    "409": "Conflicts with the current state.",
    "429": "Too many requests (see Retry-After).",
}


def error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the `Error` schema, and the 4xx answers
    every operation may give, where the view documented none of its own."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
        ERROR_SCHEMA
    )
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in _ERROR_RESPONSES.items():
                if status == "409" and method == "get":
                    continue
                responses.setdefault(
                    status, {"description": description, "content": ref}
                )
    return result
