"""Errors that services raise; the API handler renders them in the one error format."""

from __future__ import annotations

from core.error_codes import CoreErrorCode


class ApplicationError(Exception):
    status = 400
    default_code = CoreErrorCode.INVALID

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict | None = None,
        status: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}
        if status is not None:
            self.status = status


class NotFound(ApplicationError):
    status = 404
    default_code = CoreErrorCode.NOT_FOUND


class Conflict(ApplicationError):
    status = 409
    default_code = CoreErrorCode.CONFLICT


class PermissionDenied(ApplicationError):
    status = 403
    default_code = CoreErrorCode.PERMISSION_DENIED


class RateLimited(ApplicationError):
    """429; `retry_after` (seconds), when known, becomes the Retry-After header."""

    status = 429
    default_code = CoreErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
