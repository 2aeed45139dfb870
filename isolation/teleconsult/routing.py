from __future__ import annotations

from django.urls import path

from isolation.teleconsult.consumers import ConsultationConsumer

websocket_urlpatterns: list = [
    path("ws/teleconsult/<int:booking_id>/", ConsultationConsumer.as_asgi()),
]
