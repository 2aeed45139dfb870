from __future__ import annotations

from django.urls import path

from core.public import views

app_name = "peta"
urlpatterns = [
    path("", views.peta, name="map"),
    path("data/shapes/<str:level>.json", views.shapes, name="shapes"),
    path("data/zones.json", views.zones, name="zones"),
    path("data/summary.json", views.summary, name="summary"),
    path("data/area/<str:code>.json", views.area, name="area"),
]
