from __future__ import annotations

from django.urls import include, path

from core.api import beds, views
from core.satusehat import api as satusehat_api

urlpatterns = [
    path("", views.RootApi.as_view(), name="api-root"),
    path("auth/otp/request", views.OtpRequestApi.as_view(), name="otp-request"),
    path("auth/otp/verify", views.OtpVerifyApi.as_view(), name="otp-verify"),
    path("auth/password", views.PasswordSignInApi.as_view(), name="password-sign-in"),
    path("auth/signout", views.SignOutApi.as_view(), name="signout"),
    path("me", views.MeApi.as_view(), name="me"),
    path("me/consent", views.ConsentApi.as_view(), name="me-consent"),
    path("me/devices", views.DeviceTokenApi.as_view(), name="me-devices"),
    path("me/export", views.ExportApi.as_view(), name="me-export"),
    path("me/sessions", views.SessionListApi.as_view(), name="me-sessions"),
    path(
        "me/sessions/<int:session_id>",
        views.SessionDetailApi.as_view(),
        name="me-session",
    ),
    path("regions", views.RegionListApi.as_view(), name="region-list"),
    path("facilities", views.FacilityListApi.as_view(), name="facility-list"),
    path("facilities/beds", beds.BedSearchApi.as_view(), name="beds-search"),
    path(
        "facilities/beds/reports",
        beds.BedReportBatchApi.as_view(),
        name="beds-reports",
    ),
    path("facilities/beds/mine", beds.MyHospitalBedsApi.as_view(), name="beds-mine"),
    path(
        "facilities/beds/occupancy",
        beds.BedOccupancyApi.as_view(),
        name="beds-occupancy",
    ),
    # Risk areas (public, cached) and case data integration: their own packages.
    path("", include("core.areas.api.urls")),
    path("", include("core.cases.api.urls")),
    path("cases/fhir", satusehat_api.CaseFhirSubmitApi.as_view(), name="case-fhir"),
    path(
        "satusehat/reconciliation",
        satusehat_api.ReconciliationApi.as_view(),
        name="satusehat-reconciliation",
    ),
]
