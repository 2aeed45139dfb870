"""ASGI entry point: HTTP (Django) and websockets (Channels) on one server."""

import os
from http import HTTPStatus

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

from core.handlers import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from core.routing import websocket_urlpatterns  # noqa: E402
from core.ws_auth import OriginValidator, TokenAuthMiddleware  # noqa: E402
from core.ws_outage import CloseWhenLayerDown  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Redis down: accepted and closed with 4503 (try again later), not a 500.
        "websocket": CloseWhenLayerDown(
            OriginValidator(
                AuthMiddlewareStack(
                    TokenAuthMiddleware(URLRouter(websocket_urlpatterns))
                )
            )
        ),
    }
)


def _name_every_status() -> None:
    """Daphne writes the status line with Twisted's table of reason phrases, which
    lacks 422 and 429 (a rate-limited client read "429 Unknown Status"): the
    standard library's names fill the gaps."""
    try:
        from twisted.web import http as twisted_http
    except ImportError:  # another ASGI server
        return
    for status in HTTPStatus:
        twisted_http.RESPONSES.setdefault(status.value, status.phrase.encode())


_name_every_status()

# Everything loaded so far (Django, the apps, URL patterns) lives as long as the
# process: keep it out of the garbage collector's full collections.
from core.longlived import freeze_after_build, tune_collector  # noqa: E402

freeze_after_build()
tune_collector()
