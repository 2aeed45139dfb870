from __future__ import annotations

from django.urls import path

from core.psc.consumers import ConsoleConsumer

websocket_urlpatterns: list = [path("ws/psc/", ConsoleConsumer.as_asgi())]
