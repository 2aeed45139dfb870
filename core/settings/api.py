"""The REST API: authentication, errors, throttles, the OpenAPI schema, body limits."""

from __future__ import annotations

from core.settings.env import env, env_int
from core.settings.web import DEBUG

NUM_PROXIES = max(0, env_int("NUM_PROXIES", 0))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonRateThrottle",
        "core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("SIGAP_THROTTLE_ANON", "120/min"),
        "user": env("SIGAP_THROTTLE_USER", "600/min"),
        "otp": env("SIGAP_THROTTLE_OTP", "20/min"),
        "chatbot": env("SIGAP_THROTTLE_CHATBOT", "60/min"),
    },
    # Clients are told apart by address: the socket's own unless NUM_PROXIES reverse
    # proxies in front are trusted to append to X-Forwarded-For. None (DRF's default)
    # would trust whatever header a client sends, lifting every limit.
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sigap API",
    "DESCRIPTION": "Self-check, isolation monitoring, risk areas, teleconsultation and "
    "chatbot for Indonesia's health offices. Errors: "
    '{"error": {"code", "message", "fields"}}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "IsolationReasonEnum": "isolation.models.Isolation.Reason",
        "IsolationRequestReasonEnum": [
            ("positive_test", "Hasil tes positif"),
            ("high_selfcheck", "Cek mandiri risiko tinggi"),
        ],
    },
}
# Cap request bodies: Django refuses larger ones (rendered as 413 by our handler).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("SIGAP_MAX_BODY_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
