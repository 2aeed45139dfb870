"""What a browser and an HTTP client meet before any view: the Content-Security-Policy,
no inline script it would have to allow, a body without its length refused out loud,
and status lines with their names."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [
    p for p in ROOT.glob("*/**/templates") if ".venv" not in p.parts and p.is_dir()
]
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in header.split(";"))
        if part
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/peta/", "/data/", "/api/docs/", "/admin/login/"])
def test_pages_carry_a_policy_that_runs_only_this_sites_scripts(path):
    response = Client().get(path, follow=True)

    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


@pytest.mark.django_db
def test_the_api_docs_page_loads_its_setup_script_as_a_file():
    page = Client().get("/api/docs/").content.decode()

    inline = [
        attrs for attrs in SCRIPT_TAG.findall(page) if "src=" not in attrs.lower()
    ]
    assert inline == []
    assert '<script src="/api/docs/?script=' in page


def test_no_template_has_an_inline_script_or_event_handler():
    """The policy allows no inline script: data reaches scripts through json_script
    blocks and data- attributes, code through static files."""
    offenders = []
    for directory in TEMPLATE_DIRS:
        for template in directory.rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            for attrs in SCRIPT_TAG.findall(text):
                lowered = attrs.lower()
                if "src=" in lowered or "application/json" in lowered:
                    continue
                if "json_script" in attrs:
                    continue
                offenders.append(f"{template.relative_to(ROOT)}: <script{attrs}>")
            offenders += [
                f"{template.relative_to(ROOT)}: event handler"
                for _ in EVENT_HANDLER.findall(text)
            ]
    assert TEMPLATE_DIRS
    assert offenders == []


@pytest.mark.parametrize(
    "url, source",
    [
        ("", []),
        (
            "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
            ["https://*.tile.openstreetmap.org"],
        ),
        (
            "https://tiles.dinkes.example:8443/{z}/{x}/{y}.png",
            ["https://tiles.dinkes.example:8443"],
        ),
        ("{z}/{x}/{y}.png", []),
    ],
)
def test_the_basemap_origin_joins_the_images_a_page_may_load(url, source):
    from core.settings import _tile_source

    assert _tile_source(url) == source


@pytest.mark.django_db
def test_a_body_sent_without_its_length_is_refused_not_read_as_empty():
    response = Client().post(
        "/api/v1/auth/otp/request",
        data=b'{"phone": "+6281100000001"}',
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked", "Accept-Language": "en"},
        CONTENT_LENGTH="",
    )

    assert response.status_code == 411
    body = response.json()["error"]
    assert body["code"] == "length_required"
    assert "Content-Length" in body["message"]


@pytest.mark.django_db
def test_a_body_with_its_length_is_read_as_before():
    response = Client().post(
        "/api/v1/auth/otp/request",
        data={},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"].keys() == {"phone"}


def test_daphne_names_every_status_it_may_send():
    from twisted.web import http as twisted_http

    import core.asgi  # noqa: F401  (fills Twisted's table at import)

    assert twisted_http.RESPONSES[429] == b"Too Many Requests"
    assert twisted_http.RESPONSES[422] == b"Unprocessable Entity"
    assert twisted_http.RESPONSES[411] == b"Length Required"
