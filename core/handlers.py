"""The HTTP side of the ASGI application: Django's handler with one thread hop.

Django's own ASGIHandler loads the middleware in async mode. Most middleware (Django's
included) is sync code behind `MiddlewareMixin`, so every `process_request` and
`process_response` becomes its own `sync_to_async` hop, and each request gets a new
thread of its own: about a dozen thread switches per request, measured at more CPU
than the API view itself. Every view here is sync, so this handler does what a WSGI
server does: one job on a fixed pool of threads runs the `request_started` signal, the
middleware chain, the view and (for an ordinary response) `request_finished`, so the
database connection is taken and given back on the thread that used it. The event loop
only reads the body and writes the response.

Code in a view that calls `async_to_sync` (channel-layer sends) still runs on the
server's event loop, as asgiref arranges for any `sync_to_async` thread.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers import base
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.http import FileResponse
from django.urls import set_script_prefix


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        base.BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        # settings.WEB_THREADS: requests in flight while others wait on the database
        # or Redis (a check warns when it exceeds DB_POOL_SIZE).
        self.executor = ThreadPoolExecutor(
            max_workers=settings.WEB_THREADS, thread_name_prefix="sigap-http"
        )

    async def handle(self, scope, receive, send) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        set_script_prefix(get_script_prefix(scope))
        try:
            response, closed = await sync_to_async(
                self._respond, thread_sensitive=False, executor=self.executor
            )(scope, body_file)
            try:
                await self.send_response(response, send)
            finally:
                if not closed:
                    await sync_to_async(
                        response.close, thread_sensitive=False, executor=self.executor
                    )()
        finally:
            body_file.close()

    def _respond(self, scope, body_file):
        """On a pool thread: the whole Django request cycle, in sync code."""
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if response.streaming:
            # Its content is produced while it is sent; closed after that.
            return response, False
        # The body is already in memory: finish the request here, on the thread whose
        # database connection it used.
        response.close()
        return response, True


def get_asgi_application() -> SyncChainASGIHandler:
    """`django.core.asgi.get_asgi_application`, with the single-hop handler."""
    import django

    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
