from __future__ import annotations

from django.urls import path

from chatbot.conversation.api import views

urlpatterns = [
    path("link-code", views.LinkCodeView.as_view(), name="chatbot-link-code"),
    path("links", views.LinkListView.as_view(), name="chatbot-links"),
    path("links/<str:channel>", views.LinkDeleteView.as_view(), name="chatbot-link"),
    path("handoffs", views.HandoffListView.as_view(), name="chatbot-handoffs"),
    path(
        "handoffs/<int:handoff_id>/reply",
        views.HandoffReplyView.as_view(),
        name="chatbot-handoff-reply",
    ),
    path(
        "handoffs/<int:handoff_id>/close",
        views.HandoffCloseView.as_view(),
        name="chatbot-handoff-close",
    ),
]
