"""deploy/nginx.conf agrees with what Sigap serves."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

NGINX = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf").read_text()


def locations() -> dict[str, str]:
    return dict(re.findall(r"location\s+(.+?)\s*\{(.*?)\n    \}", NGINX, flags=re.S))


def test_imports_may_be_as_large_as_the_chatbot_takes():
    (pattern,) = [p for p in locations() if "import" in p]
    body = locations()[pattern]
    size = re.search(r"client_max_body_size\s+(\d+)m;", body)
    assert int(size.group(1)) * 1024 * 1024 >= settings.CHATBOT_IMPORT_MAX_BYTES
    regex = pattern.removeprefix("~").strip()
    for model in ("faqentry", "hoaxentry"):
        assert re.match(regex, reverse(f"admin:chatbot_{model}_import")), model
    assert not re.match(regex, "/admin/chatbot/faqentry/")


def test_websockets_carry_the_client_address_to_daphne():
    body = locations()["/ws/"]
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in body
    assert "proxy_set_header X-Forwarded-Proto https;" in body
