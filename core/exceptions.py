"""Errors that services raise; the API handler renders them in the one error format."""

from __future__ import annotations


class ApplicationError(Exception):
    status = 400
    default_code = "invalid"

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
    default_code = "not_found"


class Conflict(ApplicationError):
    status = 409
    default_code = "conflict"


class PermissionDenied(ApplicationError):
    status = 403
    default_code = "permission_denied"


class RateLimited(ApplicationError):
    status = 429
    default_code = "rate_limited"
