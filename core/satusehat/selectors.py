"""Reads of the bridge (health office and admin; callers check the role)."""

from __future__ import annotations

from django.db.models import QuerySet

from core.models import SatusehatReconciliation, SatusehatRecord


def reconciliation_latest() -> SatusehatReconciliation | None:
    """The latest run that could read the centre."""
    return (
        SatusehatReconciliation.objects.filter(error="", finished_at__isnull=False)
        .order_by("-started_at")
        .first()
    )


def record_list(*, status: str | None = None, kind: str | None = None) -> QuerySet:
    rows = SatusehatRecord.objects.order_by("id")
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def record_for_case(*, case_id: int) -> SatusehatRecord | None:
    return SatusehatRecord.objects.filter(
        kind=SatusehatRecord.Kind.CASE, object_id=case_id
    ).first()
