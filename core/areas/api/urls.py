"""Risk areas (public, cached); included by core.api.urls under /api/v1/."""

from __future__ import annotations

from django.urls import path

from core.areas.api import views

urlpatterns = [
    path("areas/lookup", views.AreaLookupApi.as_view(), name="area-lookup"),
    path("areas/search", views.AreaSearchApi.as_view(), name="area-search"),
    path("areas/<str:code>", views.AreaDetailApi.as_view(), name="area-detail"),
    path(
        "areas/<str:code>/children",
        views.AreaChildrenApi.as_view(),
        name="area-children",
    ),
    path(
        "areas/<str:code>/history", views.AreaHistoryApi.as_view(), name="area-history"
    ),
    path(
        "areas/<str:code>/geojson", views.AreaGeoJsonApi.as_view(), name="area-geojson"
    ),
]
