from __future__ import annotations

import contextvars
import logging
import re

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_QUERY = re.compile(r"\?[^\s\"']*")


def _scrub(value):
    return _QUERY.sub("?…", value) if isinstance(value, str) else value


class NoQueryStringFilter(logging.Filter):
    """Access log lines (runserver, daphne's runserver) without query strings: they
    carry websocket tokens (`?token=`) and GPS points (`/areas/lookup?lat=&lng=`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _scrub(record.msg)
        if isinstance(record.args, dict):
            record.args = {k: _scrub(v) for k, v in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_scrub(v) for v in record.args)
        return True
