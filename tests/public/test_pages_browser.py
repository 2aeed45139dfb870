"""The map, the open-data page and the health office's dashboard in headless Chromium,
against a live server with the demo data of Kota Semarang. Screenshots are kept under
SIGAP_TEST_ARTIFACTS (default tests/artifacts/).

The data is committed once for the module (boundaries, regions, demo cases) and the
database is flushed at its end, as a transactional test would; this file sorts last in
tests/public so the boundaries are imported once for the tests before it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The mark makes pytest-django set the test database up even when only this module
# runs (it creates databases only for tests marked as using them).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

HOST = "127.0.0.1"
PORT = int(os.environ.get("SIGAP_TEST_MAP_PORT", "8161"))
ARTIFACTS = Path(
    os.environ.get(
        "SIGAP_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / "artifacts"
    )
)
SEMARANG = "z=11&lat=-7.0200&lng=110.4200"
TIMEOUT = 60_000  # the first visit builds the national kabupaten/kota shapes


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.db import connections
    from django.test.testcases import LiveServerThread

    from core.areas import geo, mapdata
    from core.cases.services import area_demo_seed
    from core.models import AreaBoundary
    from core.services.regions import regions_load
    from tests.areas.fixtures import (
        BOUNDARY_COUNT,
        _import_boundaries,
        zone_rules_ensure,
    )
    from tests.factories import semarang_facilities

    with django_db_blocker.unblock():
        if AreaBoundary.objects.count() < BOUNDARY_COUNT:
            _import_boundaries()
        geo.invalidate()
        zone_rules_ensure()
        regions_load(root="33.74")
        semarang_facilities()
        area_demo_seed()
        mapdata.map_local_reset()
        mapdata.map_shapes(2)  # the national layer the map reads first
        overrides = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        for conn in overrides.values():
            conn.inc_thread_sharing()  # in-memory SQLite: the server shares it
        thread = LiveServerThread(
            HOST, StaticFilesHandler, connections_override=overrides, port=PORT
        )
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield f"http://{HOST}:{PORT}"
        finally:
            thread.terminate()
            for conn in overrides.values():
                conn.dec_thread_sharing()
            for conn in connections.all():
                if conn.alias not in overrides:
                    conn.close()
            call_command("flush", interactive=False, verbosity=0)
            _reseed_migration_data()
            geo.invalidate()


def _reseed_migration_data() -> None:
    """The flush above also empties what data migrations put in (the published triage
    rules, the built-in zone rules); the database tests after this module expect them
    there, as after `migrate`."""
    import importlib

    from django.apps import apps

    for module, function in (
        ("selfcheck.migrations.0002_publish_v1", "publish"),
        ("selfcheck.migrations.0003_publish_triage_v2", "publish"),
        ("selfcheck.migrations.0006_publish_triage_v3", "publish"),
        (
            "core.migrations.0003_boundaryimport_figuredirty_zonerule_areaboundary_and_more",
            "seed_zone_rules",
        ),
    ):
        getattr(importlib.import_module(module), function)(apps, None)
    from django.core.cache import cache

    from selfcheck.selectors.versions import PUBLICATIONS_CACHE_KEY

    cache.delete(PUBLICATIONS_CACHE_KEY)


@pytest.fixture
def open_page(site, chromium):
    contexts = []

    def _open(path: str, *, width: int = 1280, height: int = 800):
        context = chromium.new_context(
            viewport={"width": width, "height": height}, locale="id-ID"
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        problems: list[str] = []
        page.on(
            "console",
            lambda m: problems.append(m.text) if m.type == "error" else None,
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(site + path)
        return page, problems

    yield _open
    for context in contexts:
        context.close()


def zone_of(page, code: str) -> str:
    return page.locator(f'path.zone[data-code="{code}"]').get_attribute("data-zone")


def test_it_renders_the_demo_zones_without_console_errors(open_page):
    page, problems = open_page(f"/peta/?{SEMARANG}")
    page.wait_for_selector('path.zone-merah[data-code="33.74.10"]')
    assert zone_of(page, "33.74.06") == "oranye"
    assert zone_of(page, "33.74.11") == "kuning"
    assert zone_of(page, "33.74.01") == "hijau"
    legend = page.locator("#legend-rule").inner_text()
    assert "v1" in legend and "Inmendagri 7/2021" in legend and "2021" in legend
    # Colour is never alone: the list names every zone in words.
    page.click("#area-list summary")
    assert "merah" in page.locator("#area-list").inner_text()
    shot(page, "map-semarang")
    assert problems == []


def test_it_changes_a_colour_with_the_slider(open_page):
    page, problems = open_page(f"/peta/?{SEMARANG}")
    page.wait_for_selector('path.zone[data-code="33.74.01"][data-zone="hijau"]')
    # Semarang Tengah's older cluster: 25-27 days ago, recovered since.
    page.evaluate(
        """() => { const s = document.getElementById('date');
                   s.value = String(parseInt(s.max, 10) - 24);
                   s.dispatchEvent(new Event('input')); }"""
    )
    page.wait_for_selector(
        'path.zone[data-code="33.74.01"]:not([data-zone="hijau"])', timeout=15_000
    )
    assert zone_of(page, "33.74.01") in ("kuning", "oranye")
    assert "date=" in page.url
    shot(page, "map-slider")
    assert problems == []


def test_it_opens_a_card_with_its_chart(open_page):
    page, problems = open_page(f"/peta/?{SEMARANG}")
    page.wait_for_selector('path.zone-merah[data-code="33.74.10"]')
    page.locator('path.zone[data-code="33.74.10"]').dispatch_event("click")
    card = page.locator("#card")
    card.locator(".uplot").wait_for()
    assert card.locator("h2").inner_text() == "Kecamatan Tembalang"
    assert "Zona merah" in card.inner_text()
    assert "rumah dengan kasus konfirmasi" in card.locator(".explain").inner_text()
    assert card.locator("ol.crumbs li").all_inner_texts()[:2] == [
        "Jawa Tengah",
        "Kota Semarang",
    ]
    assert card.locator('.hosp a[href^="tel:"]').count() >= 1
    card.locator('button[data-days="90"]').click()
    assert (
        card.locator('button[data-days="90"]').get_attribute("aria-pressed") == "true"
    )
    assert "area=33.74.10" in page.url
    shot(page, "map-card")
    # A shared link opens the same card.
    again, _ = open_page("/peta/" + page.url.split("/peta/", 1)[1])
    again.locator("#card .uplot").wait_for()
    assert again.locator("#card h2").inner_text() == "Kecamatan Tembalang"
    assert problems == []


def test_it_finds_an_area_with_a_typo(open_page):
    page, problems = open_page(f"/peta/?{SEMARANG}")
    page.fill("#q", "pedurungn")
    page.locator('#search-results button[data-code="33.74.06"]').click()
    page.locator("#card .uplot").wait_for()
    assert page.locator("#card h2").inner_text() == "Kecamatan Pedurungan"
    assert problems == []


def test_it_fits_a_360_px_phone(open_page):
    page, problems = open_page(
        f"/peta/?area=33.74.10&{SEMARANG}", width=360, height=740
    )
    page.locator("#card .uplot").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("#card").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.locator("#locate").is_visible() and page.locator("#date").is_visible()
    # The chosen kecamatan is moved clear of the card, and so is the attribution.
    page.wait_for_function(
        """() => { const p = document.querySelector('path.zone.selected');
                   const c = document.getElementById('card').getBoundingClientRect();
                   return p && p.getBoundingClientRect().bottom <= c.top; }"""
    )
    attribution = page.locator(".leaflet-control-attribution").bounding_box()
    assert attribution["y"] + attribution["height"] <= box["y"]
    assert page.locator("#legend-box").get_attribute("open") is None  # folded
    shot(page, "map-phone")
    assert problems == []


def kecamatan_drawn(page) -> set[str]:
    """The kab/kota whose kecamatan are on the map."""
    codes = page.evaluate(
        """() => Array.from(document.querySelectorAll('path.zone[data-code]'),
                            (p) => p.getAttribute('data-code'))"""
    )
    return {code[:5] for code in codes if code.count(".") == 2}


# Jakarta's five kota, Kota Bekasi, Depok, Kabupaten Bogor, and Banten's Tangerang
# (kabupaten, kota) and Tangerang Selatan.
AROUND_JAKARTA = {"31.71", "31.72", "31.73", "31.74", "31.75", "32.75", "32.76"}
AROUND_JAKARTA |= {"32.01", "36.03", "36.71", "36.74"}


@pytest.mark.parametrize(
    ("view", "width", "height", "expected"),
    [
        ("z=10&lat=-6.2&lng=106.83", 1366, 768, AROUND_JAKARTA),
        ("z=10&lat=-6.2&lng=106.5", 1366, 768, AROUND_JAKARTA | {"36.02", "36.72"}),
        ("z=11&lat=-6.25&lng=106.75", 390, 844, {"31.71", "31.74", "32.76", "36.74"}),
    ],
)
def test_it_draws_every_kabupaten_kota_in_view(
    open_page, view, width, height, expected
):
    """More than twelve kab/kota in view around Jakarta: all of them get kecamatan."""
    page, problems = open_page(f"/peta/?{view}", width=width, height=height)
    page.wait_for_function(
        "() => document.querySelectorAll('path.zone[data-code]').length > 100"
        " && document.getElementById('status').textContent === ''"
    )
    drawn = kecamatan_drawn(page)
    assert expected <= drawn, expected - drawn
    shot(page, f"map-jakarta-{width}-{view.split('&')[0]}")
    assert problems == []


def test_it_shows_the_open_data_page(open_page):
    page, problems = open_page("/data/")
    assert page.locator("section.ds").count() == 4
    shot(page, "open-data")
    assert problems == []


# Signing in writes a session: on in-memory SQLite no test transaction may hold the
# tables meanwhile. The last test of the module, so its flush costs nothing.
@pytest.mark.django_db(transaction=True)
def test_it_drills_down_on_the_health_office_dashboard(open_page, health_office):
    from tests.helpers import local_phone

    page, problems = open_page("/kantor/")
    page.fill("#id_username", local_phone(health_office))
    page.fill("#id_password", health_office.raw_password)
    page.click("main form button[type=submit]")
    page.wait_for_selector("#sources tr.source")
    assert "Lab Demo Semarang" in page.locator("#sources").inner_text()
    assert page.locator("#signals .bar").count() == 16
    shot(page, "kantor")
    page.locator('a.drill[href*="33.74.10.1001"]').first.click()
    page.wait_for_selector("#differences tr.difference")
    assert "PKM-0003" in page.locator("#differences").inner_text() or (
        page.locator("#differences li.record").count() >= 1
    )
    shot(page, "kantor-drilldown")
    assert problems == []
