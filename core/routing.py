from __future__ import annotations

from chatbot.routing import websocket_urlpatterns as chatbot_ws
from core.psc.routing import websocket_urlpatterns as psc_ws
from isolation.routing import websocket_urlpatterns as isolation_ws
from isolation.teleconsult.routing import websocket_urlpatterns as teleconsult_ws

websocket_urlpatterns = [*isolation_ws, *teleconsult_ws, *chatbot_ws, *psc_ws]
