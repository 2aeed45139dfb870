from __future__ import annotations

from django.urls import path

from core.public import opendata

app_name = "opendata"
urlpatterns = [
    path("", opendata.index, name="index"),
    path("catalog.json", opendata.catalog, name="catalog"),
    path("catalog.schema.json", opendata.catalog_schema, name="catalog-schema"),
    path("<slug:slug>.<str:fmt>", opendata.download, name="download"),
]
