from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.auth_forms import AdminSignInForm
from core.health import healthz
from core.pages import signed_in_home

admin.site.site_header = "Sigap — Administrasi"
admin.site.site_title = "Sigap"
admin.site.index_title = "Kurasi dan pengelolaan data"
admin.site.login_form = AdminSignInForm

# Django tries the patterns in order and the first match wins. None of these overlap,
# so the residents' busiest routes (self-check, isolation check-ins) come first: every
# request pays for each pattern tried before its own.
api_v1 = [
    path("selfcheck/", include("selfcheck.api.urls")),
    path("isolation/", include("isolation.api.urls")),
    path("", include("core.api.urls")),
    path("teleconsult/", include("isolation.teleconsult.api.urls")),
    path("chatbot/", include("chatbot.api.urls")),
    path("psc/", include("core.psc.api.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("", RedirectView.as_view(url="/peta/", permanent=False)),
    path("peta/", include("core.public.urls")),
    path("data/", include("core.public.data_urls")),
    path("kantor/", include("core.office.urls")),
    path("healthz", healthz, name="healthz"),
    path("home/", signed_in_home, name="signed_in_home"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        # The split view serves Swagger UI's set-up script as a file of its own: no
        # inline script, so the pages' Content-Security-Policy holds here too.
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
    path("dashboard/", include("isolation.urls")),
    path("beds/", include("core.beds.urls")),
    path("psc/", include("core.psc.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "core.api.exceptions.json_400"
handler403 = "core.api.exceptions.json_403"
handler404 = "core.api.exceptions.json_404"
handler500 = "core.api.exceptions.json_500"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
