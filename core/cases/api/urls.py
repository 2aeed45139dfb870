"""Case data integration; included by core.api.urls under /api/v1/."""

from __future__ import annotations

from django.urls import path

from core.cases.api import views

urlpatterns = [
    path("cases/reports", views.CaseReportSubmitApi.as_view(), name="case-reports"),
    path(
        "cases/discrepancies",
        views.DiscrepancyApi.as_view(),
        name="case-discrepancies",
    ),
    path("cases/<int:case_id>", views.CaseDetailApi.as_view(), name="case-detail"),
]
