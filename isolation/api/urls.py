from __future__ import annotations

from django.urls import path

from isolation.api import views

urlpatterns = [
    # residents
    path("me", views.MyIsolationApi.as_view(), name="isolation-me"),
    path("me/checkins", views.MyCheckInListApi.as_view(), name="isolation-my-checkins"),
    path(
        "me/requests",
        views.MyIsolationRequestListApi.as_view(),
        name="isolation-my-requests",
    ),
    path("checkins", views.CheckInSubmitApi.as_view(), name="isolation-checkin"),
    # residents POST a request; health workers list theirs
    path(
        "requests",
        views.IsolationRequestCreateApi.as_view(),
        name="isolation-request-create",
    ),
    # health workers
    path("patients", views.PatientListApi.as_view(), name="isolation-patients"),
    path(
        "patients/<int:isolation_id>",
        views.PatientDetailApi.as_view(),
        name="isolation-patient",
    ),
    path(
        "patients/<int:isolation_id>/notes",
        views.NoteCreateApi.as_view(),
        name="isolation-note",
    ),
    path(
        "patients/<int:isolation_id>/status",
        views.StatusChangeApi.as_view(),
        name="isolation-status",
    ),
    path(
        "patients/<int:isolation_id>/extend",
        views.ExtendApi.as_view(),
        name="isolation-extend",
    ),
    path("alerts", views.AlertListApi.as_view(), name="isolation-alerts"),
    path(
        "alerts/<int:alert_id>/acknowledge",
        views.AlertAcknowledgeApi.as_view(),
        name="isolation-alert-ack",
    ),
    path(
        "requests/pending",
        views.RequestListApi.as_view(),
        name="isolation-requests-pending",
    ),
    path(
        "requests/<int:request_id>/confirm",
        views.RequestConfirmApi.as_view(),
        name="isolation-request-confirm",
    ),
    path(
        "requests/<int:request_id>/decline",
        views.RequestDeclineApi.as_view(),
        name="isolation-request-decline",
    ),
    path("events", views.EventListApi.as_view(), name="isolation-events"),
]
