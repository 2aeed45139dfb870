"""The curator inboxes in headless Chromium: every row button visible on screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chatbot.models import FaqEntry, HoaxEntry, HoaxReport, UnansweredQuestion
from chatbot.services import message_answer
from tests.helpers import admin_sign_in
from tests.isolation import test_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SIGAP_SCREENSHOTS", "/tmp/sigap-screenshots"))

browser = test_browser.browser


@pytest.mark.parametrize("width", [1280, 1024])
def test_inbox_buttons_stay_on_screen(live_server, browser, starter, width):
    from core.models import User

    User.objects.create_user(
        "+6281299990002", "curator-pass", role="curator", is_staff=True
    )
    faq = FaqEntry.objects.get(key="isoman-durasi", language="id")
    for text in [
        "jam buka puskesmas rowosari kapan ya",
        "puskesmas rowosari buka jam brp ya",
        "kalau isoman di rumah berapa hari sebenarnya harus dijalani sampai boleh "
        "keluar rumah lagi dan ketemu orang",
    ]:
        message_answer(text=text)
    UnansweredQuestion.objects.filter(best_faq__isnull=True).update(
        best_faq=faq, best_score=0.2
    )
    UnansweredQuestion.objects.filter(text__startswith="kalau").update(
        best_faq=faq, best_score=0.6
    )
    HoaxReport.objects.create(
        text="katanya vaksin covid ada chipnya untuk melacak kita " * 4,
        fingerprint="chip",
        best_match=HoaxEntry.objects.get(key="vaksin-microchip"),
        best_score=0.6,
    )
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        admin_sign_in(page, live_server.url, "+6281299990002", "curator-pass")
        SHOTS.mkdir(parents=True, exist_ok=True)
        for inbox in ["unansweredquestion", "hoaxreport"]:
            page.goto(f"{live_server.url}/admin/chatbot/{inbox}/")
            buttons = page.locator("#result_list button[formaction]")
            assert buttons.count() >= 2
            assert "<br>" not in page.locator("#result_list").inner_text()
            page.screenshot(path=str(SHOTS / f"admin-{inbox}-{width}.png"))
            for i in range(buttons.count()):
                box = buttons.nth(i).bounding_box()
                assert box is not None
                assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
                    inbox,
                    buttons.nth(i).inner_text(),
                    box,
                )
            page.screenshot(path=str(SHOTS / f"admin-{inbox}-{width}.png"))
        page.goto(f"{live_server.url}/admin/chatbot/unansweredquestion/")
        rows = page.locator("#result_list tbody tr")
        assert rows.count() == 2  # the two opening-hours questions are one row
    finally:
        context.close()
