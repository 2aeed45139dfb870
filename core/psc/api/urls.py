from __future__ import annotations

from django.urls import path

from core.psc.api import views

urlpatterns = [
    path(
        "escalations",
        views.EscalationListCreateView.as_view(),
        name="psc-escalations",
    ),
    path("escalations/mine", views.MyEscalationsView.as_view(), name="psc-mine"),
    path(
        "escalations/<int:escalation_id>",
        views.EscalationDetailView.as_view(),
        name="psc-escalation",
    ),
    path(
        "escalations/<int:escalation_id>/<str:action>",
        views.EscalationActionView.as_view(),
        name="psc-escalation-action",
    ),
    path("response-times", views.ResponseTimesView.as_view(), name="psc-stats"),
]
