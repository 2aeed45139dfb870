"""The HTTP side of the ASGI application: Django's handler with one thread hop.

Django's own ASGIHandler loads the middleware in async mode. Most middleware (Django's
included) is sync code behind `MiddlewareMixin`, so every `process_request` and
`process_response` becomes its own `sync_to_async` hop: about a dozen thread switches
per request, measured at more CPU than the API view itself. Every view here is sync,
so this handler runs the whole middleware chain and the view in a single hop, on the
request's own thread (thread_sensitive, as Django's sync views always run under ASGI).
Code in a view that calls `async_to_sync` (channel-layer sends) still runs on the
server's event loop, as before.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def get_asgi_application() -> SyncChainASGIHandler:
    """`django.core.asgi.get_asgi_application`, with the single-hop handler."""
    import django

    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
