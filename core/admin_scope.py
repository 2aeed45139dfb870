"""Admin pages a health office may read: its own wilayah kerja's case data.

A health office (`User.Role.HEALTH_OFFICE` with `User.region`, a provinsi or
kabupaten/kota) signs in to the admin like a curator and sees integrated cases, their
source reports and the daily figures of its region and everything below it, read
only; every case or report it opens is audited. It sees nothing else in the admin
(no users, no health data of residents, no chatbot content). The operator's
superuser sees every region.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from core.models import User
from core.services.audit import audit_record


def health_office_region(user) -> str | None:
    """The region code a signed-in health office reads, or None for anyone else."""
    if not (user.is_active and user.is_staff) or user.is_superuser:
        return None
    if getattr(user, "role", "") != User.Role.HEALTH_OFFICE:
        return None
    return getattr(user, "region_id", None)


def region_q(field: str, code: str) -> Q:
    """Rows whose `field` (a region code) is `code` or lies below it."""
    return Q(**{field: code}) | Q(**{f"{field}__startswith": f"{code}."})


class HealthOfficeRegionAdmin:
    """For read-only ModelAdmins of case data: the superuser sees all rows, a health
    office those whose `region_field` (`<foreign key to Region>__code`) lies in its
    region. Opening a row is audited as `audit_action`."""

    region_field: str = ""
    audit_action: str = ""

    def _region(self, request) -> str | None:
        return health_office_region(request.user)

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser or self._region(request) is not None

    def has_view_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        code = self._region(request)
        if code is None:
            return False
        if obj is None:
            return True
        value = getattr(obj, self.region_field.removesuffix("__code") + "_id") or ""
        return value == code or value.startswith(code + ".")

    def get_queryset(self, request) -> QuerySet:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        code = self._region(request)
        if code is None:
            return qs.none()
        return qs.filter(region_q(self.region_field, code))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.audit_action and response.status_code == 200:
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_record(
                    actor=request.user,
                    action=self.audit_action,
                    target=obj,
                    detail={"via": "admin"},
                )
        return response
