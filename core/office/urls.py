from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from core.office import views

app_name = "kantor"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page="kantor:login"),
        name="logout",
    ),
    path("selisih/<str:code>/<str:date>/", views.discrepancy, name="discrepancy"),
    path(
        "selisih.<str:fmt>",
        views.discrepancy_export,
        name="discrepancy-export",
    ),
]
