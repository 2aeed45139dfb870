from __future__ import annotations

from rest_framework.permissions import BasePermission


class _Role(BasePermission):
    roles: tuple[str, ...] = ()

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role in self.roles)


class IsResident(_Role):
    roles = ("resident",)


class IsHealthWorker(_Role):
    roles = ("health_worker",)

    def has_permission(self, request, view) -> bool:
        return (
            super().has_permission(request, view)
            and request.user.facility_id is not None
        )


class IsCurator(_Role):
    roles = ("curator",)


class IsHealthOffice(_Role):
    roles = ("health_office", "curator")


class IsHospitalStaff(_Role):
    roles = ("hospital_staff",)

    def has_permission(self, request, view) -> bool:
        return (
            super().has_permission(request, view)
            and request.user.facility_id is not None
        )


class IsPscOperator(_Role):
    roles = ("psc_operator",)

    def has_permission(self, request, view) -> bool:
        return (
            super().has_permission(request, view)
            and request.user.psc_region_id is not None
        )
