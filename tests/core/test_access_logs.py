"""Tokens and GPS points stay out of access logs (runserver, daphne, nginx)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

NGINX = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


@pytest.mark.parametrize("logger_name", ["django.server", "django.channels.server"])
def test_runserver_access_lines_carry_no_query_string(logger_name, capsys):
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    logger = logging.getLogger(logger_name)
    handler_stream = []

    class Keep(logging.Handler):
        def emit(self, record):
            handler_stream.append(self.format(record))

    keep = Keep()
    logger.addHandler(keep)
    try:
        logger.info(
            '"%s" %s %s',
            "GET /api/v1/areas/lookup?lat=-7.0561&lng=110.4381 HTTP/1.1",
            200,
            512,
        )
        logger.info(
            "WebSocket %(action)s %(path)s",
            {"action": "HANDSHAKING", "path": "/ws/dashboard/?token=sgt_secret"},
        )
    finally:
        logger.removeHandler(keep)

    text = "\n".join(handler_stream)
    assert "/api/v1/areas/lookup" in text and "/ws/dashboard/" in text
    for secret in ("-7.0561", "110.4381", "sgt_secret", "token="):
        assert secret not in text


def test_the_nginx_site_logs_paths_without_arguments():
    conf = NGINX.read_text()
    formats = dict(
        re.findall(r"log_format\s+(\w+)\s+((?:'[^']*'\s*)+);", conf, flags=re.S)
    )
    used = re.findall(r"^\s*access_log\s+\S+\s+(\w+);", conf, flags=re.M)
    servers = conf.count("server {")

    assert len(used) == servers  # every server block names its format
    for name in used:
        line = formats[name]
        for leaky in ("$request ", "$request_uri", "$args", "$query_string", "$arg_"):
            assert leaky not in line.replace("'", " ") + " ", (name, leaky)
        assert "$http_referer" not in line
