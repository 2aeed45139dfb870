from __future__ import annotations

from django.urls import path

from core.psc import views

app_name = "psc"
urlpatterns = [
    path("", views.console, name="console"),
    path("escalations/<int:escalation_id>/", views.escalation, name="escalation"),
    path(
        "escalations/<int:escalation_id>/<str:action>/",
        views.escalation_action,
        name="escalation-action",
    ),
]
