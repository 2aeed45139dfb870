from __future__ import annotations

from django.db.models import QuerySet

from core.models import Facility, Region


def region_list(
    *, parent: str | None = None, level: int | None = None, q: str | None = None
) -> QuerySet[Region]:
    qs = Region.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("code")


def facility_list(
    *,
    district: str | None = None,
    kind: str | None = None,
    referral: bool | None = None,
) -> QuerySet[Facility]:
    qs = Facility.objects.filter(is_active=True).select_related("district")
    if district:
        # A kabupaten or province code matches every facility below it.
        qs = qs.filter(district__code__startswith=district)
    if kind:
        qs = qs.filter(kind=kind)
    if referral is not None:
        qs = qs.filter(is_referral=referral)
    return qs.order_by("name")
