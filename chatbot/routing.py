from __future__ import annotations

from django.urls import path

from chatbot.conversation.consumers import ChatConsumer

websocket_urlpatterns: list = [
    path("ws/chat/", ChatConsumer.as_asgi()),
]
