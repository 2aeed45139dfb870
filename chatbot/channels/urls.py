from __future__ import annotations

from django.urls import path

from chatbot.channels import views

urlpatterns = [
    path(
        "telegram/webhook",
        views.TelegramWebhookApi.as_view(),
        name="chatbot-telegram-webhook",
    ),
    path(
        "whatsapp/webhook",
        views.WhatsAppWebhookApi.as_view(),
        name="chatbot-whatsapp-webhook",
    ),
    path("broadcasts", views.BroadcastCreateApi.as_view(), name="chatbot-broadcasts"),
    path(
        "broadcasts/<int:broadcast_id>",
        views.BroadcastDetailApi.as_view(),
        name="chatbot-broadcast-detail",
    ),
]
