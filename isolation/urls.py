from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from isolation import views

app_name = "dashboard"
urlpatterns = [
    path("", views.board, name="board"),
    path("login/", views.LoginView.as_view(), name="login"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page="dashboard:login"),
        name="logout",
    ),
    path("patients/new/", views.enrol, name="enrol"),
    path("patients/<int:isolation_id>/", views.patient, name="patient"),
    path("patients/<int:isolation_id>/note/", views.note_add, name="note"),
    path("patients/<int:isolation_id>/status/", views.status_change, name="status"),
    path("patients/<int:isolation_id>/extend/", views.extend, name="extend"),
    path("alerts/<int:alert_id>/ack/", views.alert_ack, name="alert-ack"),
    path("alerts/<int:alert_id>/psc/", views.alert_escalate, name="alert-psc"),
    path("requests/", views.requests_list, name="requests"),
    path(
        "requests/<int:request_id>/confirm/",
        views.request_decide,
        {"decision": "confirm"},
        name="request-confirm",
    ),
    path(
        "requests/<int:request_id>/decline/",
        views.request_decide,
        {"decision": "decline"},
        name="request-decline",
    ),
]
