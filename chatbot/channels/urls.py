from __future__ import annotations

from django.urls import path

from chatbot.channels import views

urlpatterns = [
    path(
        "telegram/webhook",
        views.TelegramWebhookView.as_view(),
        name="chatbot-telegram-webhook",
    ),
    path(
        "whatsapp/webhook",
        views.WhatsAppWebhookView.as_view(),
        name="chatbot-whatsapp-webhook",
    ),
    path("broadcasts", views.BroadcastCreateView.as_view(), name="chatbot-broadcasts"),
    path(
        "broadcasts/<int:broadcast_id>",
        views.BroadcastDetailView.as_view(),
        name="chatbot-broadcast-detail",
    ),
]
