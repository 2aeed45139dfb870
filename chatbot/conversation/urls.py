from __future__ import annotations

from django.urls import path

from chatbot.conversation.api import views

urlpatterns = [
    path("link-code", views.LinkCodeApi.as_view(), name="chatbot-link-code"),
    path("links", views.LinkListApi.as_view(), name="chatbot-links"),
    path("links/<str:channel>", views.LinkDeleteApi.as_view(), name="chatbot-link"),
    path("handoffs", views.HandoffListApi.as_view(), name="chatbot-handoffs"),
    path(
        "handoffs/<int:handoff_id>/reply",
        views.HandoffReplyApi.as_view(),
        name="chatbot-handoff-reply",
    ),
    path(
        "handoffs/<int:handoff_id>/close",
        views.HandoffCloseApi.as_view(),
        name="chatbot-handoff-close",
    ),
]
