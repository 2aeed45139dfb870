from __future__ import annotations

from django.urls import path

from core.psc.api import views

urlpatterns = [
    path(
        "escalations",
        views.EscalationListCreateApi.as_view(),
        name="psc-escalations",
    ),
    path("escalations/mine", views.MyEscalationsApi.as_view(), name="psc-mine"),
    path(
        "escalations/<int:escalation_id>",
        views.EscalationDetailApi.as_view(),
        name="psc-escalation",
    ),
    path(
        "escalations/<int:escalation_id>/<str:action>",
        views.EscalationActionApi.as_view(),
        name="psc-escalation-action",
    ),
    path("response-times", views.ResponseTimesApi.as_view(), name="psc-stats"),
]
