from __future__ import annotations

from django.urls import path

from core.beds import views

app_name = "beds"
urlpatterns = [path("", views.beds_form, name="form")]
