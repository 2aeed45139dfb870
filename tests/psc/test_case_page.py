"""The PSC case page: the basemap only from MAP_TILE_URL (the public map's setting),
never a third party by default; times in the operator's wall time and Indonesian
labels instead of codes."""

from __future__ import annotations

import datetime as dt
import json
import re
from urllib.parse import urlparse

import pytest
from django.test import Client

from core.models import Escalation
from tests.helpers import dashboard_sign_in
from tests.isolation.test_browser import BASE, browser, daphne_server  # noqa: F401

WIB = dt.timezone(dt.timedelta(hours=7))


def escalate(auth_client, alice) -> int:
    response = auth_client(alice).post(
        "/api/v1/psc/escalations",
        {"consent": True, "lat": -7.06, "lng": 110.44},
        format="json",
    )
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def map_config(html: str) -> dict:
    found = re.search(
        r'<script id="map-config" type="application/json">(.*?)</script>', html
    )
    return json.loads(found.group(1))


def test_the_case_page_uses_no_tile_server_unless_one_is_configured(
    alice, alice_critical, auth_client, operator, settings
):
    case_id = escalate(auth_client, alice)
    client = Client()
    client.force_login(operator)

    settings.MAP_TILE_URL = ""
    html = client.get(f"/psc/escalations/{case_id}/").content.decode()
    assert "openstreetmap" not in html.lower()
    assert map_config(html) == {"tile_url": "", "tile_attribution": ""}
    assert 'id="map-note"' in html

    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Contoh"
    html = client.get(f"/psc/escalations/{case_id}/").content.decode()
    assert map_config(html) == {
        "tile_url": "https://tiles.example.org/{z}/{x}/{y}.png",
        "tile_attribution": "© Contoh",
    }


def test_the_case_page_shows_wall_times_and_indonesian_labels(
    alice, alice_critical, auth_client, operator
):
    case_id = escalate(auth_client, alice)
    client = Client()
    client.force_login(operator)
    client.post(f"/psc/escalations/{case_id}/take/", {"note": "segera"})

    html = client.get(f"/psc/escalations/{case_id}/").content.decode()

    created = Escalation.objects.get(pk=case_id).created_at.astimezone(WIB)
    months = "Jan Feb Mar Apr Mei Jun Jul Agu Sep Okt Nov Des".split()
    shown = f"{created:%d} {months[created.month - 1]} {created:%H:%M}"
    history = html.split("Riwayat")[1]
    assert f"{shown} · Eskalasi masuk (Baru)" in history
    assert "Diambil (Ditangani) · Operator PSC Semarang: segera" in history
    assert "+00:00" not in html and "T" + f"{created:%H}" not in history
    assert "Cek mandiri: Gawat darurat" in html and ": critical" not in html
    assert "Data kesehatan terakhir (cek mandiri)" in html
    assert "(GPS)" in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_case_map_contacts_no_third_party(
    daphne_server,  # noqa: F811
    browser,  # noqa: F811
    alice,
    alice_critical,
    auth_client,
    operator,
    settings,
):
    case_id = escalate(auth_client, alice)
    settings.MAP_TILE_URL = ""
    context = browser.new_context(
        locale="id-ID", viewport={"width": 1100, "height": 800}
    )
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    try:
        dashboard_sign_in(page, BASE, operator, f"/psc/escalations/{case_id}/")
        page.wait_for_selector("#map.leaflet-container.no-tiles")
        assert page.is_visible("#map-note")
        assert page.locator("#map .leaflet-marker-pane > *").count() >= 1
        page.screenshot(path="/tmp/psc_case_no_tiles.png", full_page=True)
        assert {urlparse(u).netloc for u in urls} == {urlparse(BASE).netloc}, urls
        assert not any("/tiles-test/" in u for u in urls)

        # Configured: the tiles come from there (here: this server, answering 404).
        settings.MAP_TILE_URL = f"{BASE}/tiles-test/{{z}}/{{x}}/{{y}}.png"
        page.reload()
        page.wait_for_selector("#map .leaflet-tile-pane img", state="attached")
        assert not page.is_visible("#map-note")
        assert any(u.startswith(f"{BASE}/tiles-test/") for u in urls)
        assert {urlparse(u).netloc for u in urls} == {urlparse(BASE).netloc}, urls
    finally:
        context.close()
        settings.MAP_TILE_URL = ""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_console_and_the_case_page_fit_a_phone(
    daphne_server,  # noqa: F811
    browser,  # noqa: F811
    alice,
    alice_critical,
    auth_client,
    operator,
    settings,
):
    case_id = escalate(auth_client, alice)
    settings.MAP_TILE_URL = ""
    phone = {"width": 390, "height": 844}
    context = browser.new_context(locale="id-ID", viewport=phone)
    page = context.new_page()
    try:
        dashboard_sign_in(page, BASE, operator, f"/psc/escalations/{case_id}/")
        for name, path in [
            ("console", "/psc/"),
            ("case", f"/psc/escalations/{case_id}/"),
        ]:
            page.goto(f"{BASE}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(
                path=f"/tmp/sigap-screenshots/phone-psc-{name}.png", full_page=True
            )
            assert page.url == f"{BASE}{path}"
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= phone["width"], (name, width)
    finally:
        context.close()
