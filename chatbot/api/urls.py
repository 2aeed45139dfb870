from __future__ import annotations

from django.urls import include, path

from chatbot.api import views

urlpatterns = [
    path("ask", views.AskApi.as_view(), name="chatbot-ask"),
    path("reports", views.ReportApi.as_view(), name="chatbot-report"),
    path("", include("chatbot.conversation.urls")),
    path("", include("chatbot.channels.urls")),
]
