from __future__ import annotations

from django.urls import path

from chatbot.api import views

urlpatterns = [
    path("ask", views.AskView.as_view(), name="chatbot-ask"),
    path("reports", views.ReportView.as_view(), name="chatbot-report"),
]
