"""Every error code of core's own API and services (sign-in, account, consent,
sessions, privacy) and of the one error format (`{"error": {"code": …}}`); the
packages inside core (areas, cases, beds, psc, public, satusehat) have their own."""

from __future__ import annotations

from enum import StrEnum


class CoreErrorCode(StrEnum):
    ACCOUNT_DISABLED = "account_disabled"
    ACTIVE_ISOLATION = "active_isolation"
    AUTHENTICATION_FAILED = "authentication_failed"
    CODE_EXPIRED = "code_expired"
    CODE_REQUIRED = "code_required"
    CODE_USED = "code_used"
    CONFLICT = "conflict"
    CONFLICTING_ALIAS = "conflicting_alias"
    CONSENT_REQUIRED = "consent_required"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    INVALID = "invalid"
    INVALID_BIRTH_DATE = "invalid_birth_date"
    INVALID_CODE = "invalid_code"
    INVALID_CREDENTIALS = "invalid_credentials"
    INVALID_NIK = "invalid_nik"
    INVALID_PHONE = "invalid_phone"
    LENGTH_REQUIRED = "length_required"
    LOGIN_RATE_LIMITED = "login_rate_limited"
    MALFORMED_REQUEST = "malformed_request"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    NIK_MISSING = "nik_missing"
    NIK_VERIFIED_ELSEWHERE = "nik_verified_elsewhere"
    NOT_ACCEPTABLE = "not_acceptable"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_FOUND = "not_found"
    OTP_RATE_LIMITED = "otp_rate_limited"
    PASSWORD_REQUIRED = "password_required"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    PERMISSION_DENIED = "permission_denied"
    RATE_LIMITED = "rate_limited"
    SERVER_ERROR = "server_error"
    SERVICE_UNAVAILABLE = "service_unavailable"
    SESSION_NOT_FOUND = "session_not_found"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    UNKNOWN_FIELD = "unknown_field"
    UNKNOWN_REGION = "unknown_region"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
