"""What a nurse sees on the board and a patient's page, in headless Chromium: a live
event leaves the page as a reload would draw it (trend, order, times, numbers)."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from isolation import display, services
from isolation.models import Alert, CheckIn, Isolation
from tests.factories import UserFactory
from tests.helpers import dashboard_sign_in
from tests.isolation import test_browser
from tests.isolation.helpers import enrol
from tests.isolation.test_browser import BASE, LIVE_TIMEOUT_MS, post_checkin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The same Chromium and daphne fixtures (one daphne per test process).
browser = test_browser.browser
daphne_server = test_browser.daphne_server

SHOTS = Path(os.environ.get("SIGAP_SCREENSHOTS", "/tmp/sigap-screenshots"))
WALL_TIME = re.compile(
    r"^\d{2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{2}:\d{2}$"
)


def checkin(patient, minutes_ago: float, **values) -> CheckIn:
    values = {k: Decimal(v) if k == "temperature" else v for k, v in values.items()}
    return services.checkin_submit(
        patient=patient,
        client_id=f"seed-{uuid.uuid4().hex[:12]}",
        measured_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        **values,
    )[0]


def minutes_ago_today(tz, *minutes: float) -> list[float]:
    """`minutes` ago, scaled down when needed so that each still falls on today's
    date in `tz`: seeded as "fine today", they must not cross local midnight (between
    00:00 and 02:00 WIB, 120 minutes ago is yesterday and the patient is "not seen
    today", which sorts first)."""
    now = timezone.now().astimezone(tz)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    since_midnight = (now - midnight).total_seconds() / 60
    scale = min(1.0, since_midnight / (max(minutes) + 1))
    return [m * scale for m in minutes]


def token_for(user) -> str:
    from tests.helpers import api_token_for

    return api_token_for(user)


def login(browser, nurse, **context_args):
    # The browser's own zone and locale must not leak into the page.
    context = browser.new_context(
        locale="en-US", timezone_id="America/New_York", **context_args
    )
    page = context.new_page()
    dashboard_sign_in(page, BASE, nurse)
    page.wait_for_selector("#conn.on", timeout=LIVE_TIMEOUT_MS)
    page.evaluate("window.__sameDocument = true")
    return context, page


def board_state(page) -> list[tuple]:
    return page.eval_on_selector_all(
        "#patients tbody tr[data-isolation-id]",
        """rows => rows.map(tr => [
            tr.dataset.isolationId,
            tr.querySelector('.c-status').innerText.trim(),
            tr.querySelector('.c-vitals').innerText.replace(/\\s+/g, ' ').trim(),
            tr.querySelector('.c-trend').innerText.trim(),
            tr.classList.contains('has-danger'),
        ])""",
    )


def alert_state(page) -> list[tuple]:
    return page.eval_on_selector_all(
        "#open-alerts li[data-alert-id]",
        """items => items.map(li => [
            li.dataset.alertId, li.className, li.querySelector('.when').innerText.trim()
        ])""",
    )


def wait_for_seq(page, isolation) -> None:
    from django.db.models import Max

    from isolation.models import DashboardEvent

    latest = DashboardEvent.objects.filter(facility_id=isolation.facility_id).aggregate(
        m=Max("seq")
    )["m"]
    page.wait_for_function(
        "(seq) => window.sigapDashboard.lastSeq() >= seq",
        arg=latest,
        timeout=LIVE_TIMEOUT_MS,
    )


def test_it_moves_trend_and_order_on_a_live_checkin_as_a_reload_would(
    daphne_server, browser, alice, alice_isolating, nurse
):
    carol = UserFactory(full_name="Carol Wulandari")
    carol_isolating = enrol(nurse, carol)
    assert carol_isolating.tz == alice_isolating.tz
    first, second, third = minutes_ago_today(alice_isolating.tz, 120, 100, 90)
    checkin(alice, first, spo2=97, temperature="37.0")
    checkin(carol, second, spo2=97, temperature="36.8")
    checkin(carol, third, spo2=96, temperature="36.9")
    context, page = login(browser, nurse)
    try:
        ids = [row[0] for row in board_state(page)]
        # Both fine today: the lower last SpO2 (carol's 96) comes first.
        assert ids == [str(carol_isolating.pk), str(alice_isolating.pk)]
        assert "SpO2 ↓" in board_state(page)[0][3]

        # Carol recovers; alice reports a fever: alice is now the one to look at.
        assert post_checkin(token_for(carol), spo2=98, temperature="36.7").status_code
        response = post_checkin(token_for(alice), spo2=96, temperature="38.8")
        assert response.status_code == 201, response.text
        wait_for_seq(page, alice_isolating)

        live = board_state(page)
        assert [row[0] for row in live] == [
            str(alice_isolating.pk),
            str(carol_isolating.pk),
        ]
        alice_row, carol_row = live
        assert carol_row[3] == "SpO2 ↑ · suhu ↓"
        assert alice_row[3] == "SpO2 ↓ · suhu ↑"
        assert "38,8°C · SpO2 96%" in alice_row[2]
        measured = CheckIn.objects.filter(isolation=alice_isolating).latest(
            "measured_at"
        )
        label = display.wall_time(measured.measured_at, alice_isolating.tz)
        assert WALL_TIME.match(label)
        assert alice_row[2].endswith(label)
        assert page.evaluate("window.__sameDocument") is True
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "board-live-checkin.png"), full_page=True)

        page.reload()
        page.wait_for_selector("#conn.on", timeout=LIVE_TIMEOUT_MS)
        assert board_state(page) == live
    finally:
        context.close()


def test_it_keeps_the_last_known_vitals_after_a_report_with_only_a_note(
    daphne_server, browser, alice, alice_isolating, nurse
):
    (earlier,) = minutes_ago_today(alice_isolating.tz, 30)
    measured = checkin(alice, earlier, spo2=97, temperature="37.4")
    when = display.wall_time(measured.measured_at, alice_isolating.tz)
    context, page = login(browser, nurse)
    try:
        token = token_for(alice)
        response = post_checkin(token, note="pusing")
        assert response.status_code == 201, response.text
        wait_for_seq(page, alice_isolating)

        (row,) = board_state(page)
        assert row[2].startswith(
            f"suhu 37,4°C ({when}) · SpO2 97% ({when}) · napas –"
        ), row[2]
        assert "–°C" not in row[2] and "–%" not in row[2]
        assert page.evaluate("window.__sameDocument") is True
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "board-last-known.png"), full_page=True)

        page.reload()
        page.wait_for_selector("#conn.on", timeout=LIVE_TIMEOUT_MS)
        assert board_state(page) == [row]
    finally:
        context.close()


def test_it_shows_live_alerts_in_the_patients_zone_and_the_reloaded_order(
    daphne_server, browser, alice, alice_isolating, nurse
):
    Isolation.objects.filter(pk=alice_isolating.pk).update(timezone="Asia/Makassar")
    alice_isolating.refresh_from_db()
    missed = Alert.objects.create(
        isolation=alice_isolating,
        kind=Alert.Kind.MISSED,
        slot_date=alice_isolating.local_today(),
        slot="am",
    )
    context, page = login(browser, nurse)
    try:
        token = token_for(alice)
        assert post_checkin(token, spo2=93).status_code == 201
        wait_for_seq(page, alice_isolating)
        assert post_checkin(token, spo2=90, temperature="38.8").status_code == 201
        wait_for_seq(page, alice_isolating)

        live = alert_state(page)
        older, newer = Alert.objects.filter(kind=Alert.Kind.DANGER).order_by(
            "created_at"
        )
        # Newest danger on top, then older danger, then the rest.
        assert [a[0] for a in live] == [str(newer.pk), str(older.pk), str(missed.pk)]
        when = live[0][2]
        assert when == display.wall_time(newer.created_at, "Asia/Makassar")
        assert WALL_TIME.match(when)
        assert page.locator("#open-alerts li .when").first.get_attribute("title") == (
            "WITA"
        )
        row = page.locator(f'tr[data-isolation-id="{alice_isolating.pk}"]')
        assert "38,8°C" in row.locator(".c-vitals").inner_text()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "board-live-alerts.png"), full_page=True)

        page.reload()
        page.wait_for_selector("#conn.on", timeout=LIVE_TIMEOUT_MS)
        assert alert_state(page) == live
    finally:
        context.close()


def test_it_makes_the_final_status_a_confirmed_choice(
    daphne_server, browser, alice, alice_isolating, nurse
):
    checkin(alice, 30, spo2=91)
    assert Alert.objects.filter(kind=Alert.Kind.DANGER).count() == 1
    context, page = login(browser, nurse)
    try:
        page.goto(f"{BASE}/dashboard/patients/{alice_isolating.pk}/")
        tel = page.locator("a.tel")
        assert tel.get_attribute("href") == f"tel:{alice.phone}"
        assert tel.inner_text() == alice.phone

        select = page.locator("select[name=status]")
        assert select.input_value() == ""
        assert page.locator("select[name=status] option[selected]").inner_text() == (
            "— Pilih status akhir —"
        )
        # Nothing chosen: the browser does not even send the form.
        page.click("form.status-final button[type=submit]")
        assert (
            page.evaluate(
                "document.querySelector('select[name=status]').validity.valueMissing"
            )
            is True
        )

        dialogs: list[str] = []

        def answer(dialog, accept: bool):
            dialogs.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        select.select_option("released")
        page.once("dialog", lambda d: answer(d, False))
        page.click("form.status-final button[type=submit]")
        page.wait_for_timeout(300)
        assert "PERHATIAN" in dialogs[-1] and "1 peringatan tanda bahaya" in dialogs[-1]
        alice_isolating.refresh_from_db()
        assert alice_isolating.status == Isolation.Status.ACTIVE

        # Confirmed in the dialog, but the danger sign was not acknowledged: refused.
        page.once("dialog", lambda d: answer(d, True))
        with page.expect_navigation():
            page.click("form.status-final button[type=submit]")
        assert "belum ditangani" in page.locator(".messages li.error").inner_text()
        alice_isolating.refresh_from_db()
        assert alice_isolating.status == Isolation.Status.ACTIVE
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "patient-release-refused.png"), full_page=True)

        page.locator("select[name=status]").select_option("released")
        page.check("input[name=confirm_open_danger]")
        page.once("dialog", lambda d: answer(d, True))
        with page.expect_navigation():
            page.click("form.status-final button[type=submit]")
        alice_isolating.refresh_from_db()
        assert alice_isolating.status == Isolation.Status.RELEASED
        assert not Alert.objects.filter(acknowledged_at__isnull=True).exists()
    finally:
        context.close()


PHONE = {"width": 390, "height": 844}


def test_every_dashboard_page_fits_a_phone(
    daphne_server, browser, alice, alice_isolating, bob, nurse
):
    from isolation.models import IsolationRequest

    checkin(alice, 30, spo2=97, temperature="37.4", breathing_rate=18)
    checkin(alice, 10, spo2=92, note="sesak sejak pagi, " * 6)
    IsolationRequest.objects.create(
        patient=bob,
        facility_id=nurse.facility_id,
        reason=Isolation.Reason.POSITIVE_TEST,
        test_date=timezone.now().date(),
        note="Mohon dipantau, " * 5,
    )
    context, page = login(browser, nurse, viewport=PHONE)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for name, path in [
            ("board", "/dashboard/"),
            ("patient", f"/dashboard/patients/{alice_isolating.pk}/"),
            ("requests", "/dashboard/requests/"),
            ("enrol", "/dashboard/patients/new/"),
        ]:
            page.goto(f"{BASE}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SHOTS / f"phone-{name}.png"), full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], (name, width)
        # The header wraps rather than pushing the page wide.
        page.goto(f"{BASE}/dashboard/")
        header = page.evaluate("document.querySelector('header').scrollWidth")
        assert header <= PHONE["width"]
    finally:
        context.close()
