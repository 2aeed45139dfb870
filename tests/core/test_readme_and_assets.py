"""What the README promises a newcomer, and the files a browser asks for."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text("utf-8")


def test_it_serves_a_favicon_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", ["/dashboard/login/", "/admin/login/", "/peta/", "/data/"]
)
def test_pages_link_the_icon(client, page):
    html = client.get(page).content.decode()
    hrefs = re.findall(r'<link rel="icon" href="([^"]+)"', html)
    assert hrefs, page
    for href in hrefs:
        if href.startswith(settings.STATIC_URL):
            # Served from STATIC_ROOT once collected (make run, deploy/).
            assert finders.find(href.removeprefix(settings.STATIC_URL)), href
        else:
            assert client.get(href).status_code == 200, href


def test_the_readme_says_how_to_choose_the_port():
    assert "PORT=8301 make run" in README
    dry_run = subprocess.run(
        ["make", "-n", "run"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PORT": "8301"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "runserver 127.0.0.1:8301" in dry_run.stdout


def test_the_readme_counts_the_starter_faq_as_shipped():
    import json

    faq = json.loads((ROOT / "chatbot/data/faq_starter.json").read_text("utf-8"))
    hoaxes = json.loads((ROOT / "chatbot/data/hoax_starter.json").read_text("utf-8"))
    questions = len({r["key"] for r in faq})
    assert (
        f"{questions} FAQ questions, each in Bahasa Indonesia and English "
        f"({len(faq)} entries)" in " ".join(README.split())
    )
    assert f"{len(hoaxes)} hoax entries" in README


def test_the_readme_says_what_consent_and_self_check_take():
    flat = " ".join(README.split())
    assert "`POST /api/v1/me/consent` with an empty body" in flat
    assert "`client_key` (required: a UUID" in flat


def test_the_package_license_is_an_spdx_string():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["license"] == "MIT"
    assert any(
        r.startswith("setuptools>=77") for r in project["build-system"]["requires"]
    )
