"""Risk areas (public, cached); included by core.api.urls under /api/v1/."""

from __future__ import annotations

from django.urls import path

from core.areas.api import views

urlpatterns = [
    path("areas/lookup", views.AreaLookupView.as_view(), name="area-lookup"),
    path("areas/search", views.AreaSearchView.as_view(), name="area-search"),
    path("areas/<str:code>", views.AreaDetailView.as_view(), name="area-detail"),
    path(
        "areas/<str:code>/children",
        views.AreaChildrenView.as_view(),
        name="area-children",
    ),
    path(
        "areas/<str:code>/history", views.AreaHistoryView.as_view(), name="area-history"
    ),
    path(
        "areas/<str:code>/geojson", views.AreaGeoJsonView.as_view(), name="area-geojson"
    ),
]
