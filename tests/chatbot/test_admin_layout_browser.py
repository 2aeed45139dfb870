"""FAQ and hoax change lists and the history page at 1366x768 in headless Chromium:
the table fits the screen, long texts end on a whole word with "…"."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chatbot.models import FaqEntry, HoaxEntry
from chatbot.services import faq_save
from tests.helpers import admin_sign_in
from tests.isolation import test_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SIGAP_SCREENSHOTS", "/tmp/sigap-screenshots"))
WIDTH, HEIGHT = 1366, 768
LONG_CLAIM = (
    "Beredar pesan berantai bahwa vaksin COVID-19 mengandung microchip yang dapat "
    "melacak keberadaan penerimanya melalui jaringan 5G dan mengubah DNA manusia "
    "sehingga pemerintah bisa mengendalikan pikiran warga dari jarak jauh"
)

SEARCH = {"faqentry": "mendaftarkan", "hoaxentry": "berantai"}

browser = test_browser.browser


@pytest.fixture
def signed_in(live_server, browser, starter):
    from core.models import User

    User.objects.create_user(
        "+6281299990005",
        "curator-pass",
        role="curator",
        is_staff=True,
        full_name="Kurator Layar",
    )
    HoaxEntry.objects.create(
        claim=LONG_CLAIM, verdict="hoax", explanation="Tidak benar.", status="published"
    )
    FaqEntry.objects.create(
        question="Bagaimana cara mendaftarkan lansia yang tinggal sendirian untuk "
        "vaksinasi booster kedua di puskesmas terdekat tanpa aplikasi",
        answer="Datang ke puskesmas.",
        category="vaksinasi dan imunisasi lansia",
        status="published",
    )
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = context.new_page()
    admin_sign_in(page, live_server.url, "+6281299990005", "curator-pass")
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield page
    context.close()


@pytest.mark.parametrize("model", ["faqentry", "hoaxentry"])
def test_change_lists_fit_a_laptop_screen(live_server, signed_in, model):
    page = signed_in
    page.goto(f"{live_server.url}/admin/chatbot/{model}/")
    page.screenshot(path=str(SHOTS / f"admin-{model}-{WIDTH}.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # Nothing hidden behind the filters or scrolled inside the results box.
    table = page.locator("#result_list").bounding_box()
    filters = page.locator("#changelist-filter").bounding_box()
    assert table["x"] + table["width"] <= filters["x"], (table, filters)
    assert page.evaluate(
        "(() => { const r = document.querySelector('.results');"
        " return r.scrollWidth <= r.clientWidth; })()"
    )
    # The long one found by its words: whole words, then "…", the rest a tooltip.
    page.goto(f"{live_server.url}/admin/chatbot/{model}/?q={SEARCH[model]}")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    cells = page.locator("#result_list .sigap-cell[title]")
    assert cells.count() >= 1
    for i in range(cells.count()):
        shown, full = cells.nth(i).inner_text(), cells.nth(i).get_attribute("title")
        assert shown.endswith("…"), shown
        # Cut after a whole word of the full text.
        assert full.startswith(shown[:-1]) and full[len(shown) - 1] == " ", shown


def test_history_page_in_indonesian(live_server, signed_in):
    page = signed_in
    entry = FaqEntry.objects.get(question__startswith="Bagaimana cara mendaftarkan")
    entry.answer = "Datang ke puskesmas dengan KTP lansia."
    entry._change_reason = "Jawaban diperjelas"
    faq_save(entry=entry)
    page.goto(f"{live_server.url}/admin/chatbot/faqentry/{entry.pk}/history/")
    page.screenshot(path=str(SHOTS / f"admin-faq-history-{WIDTH}.png"), full_page=True)
    headers = page.locator("#change-history thead th").all_inner_texts()
    assert [h.strip().lower() for h in headers] == [
        "waktu",
        "tindakan",
        "oleh",
        "alasan",
        "perubahan",
    ]
    text = page.locator("#change-history").inner_text()
    assert "None" not in text and "CHANGES" not in text.upper().replace("PERUBAHAN", "")
    assert "Jawaban:" in text and "Jawaban diperjelas" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_the_unanswered_inbox_fits_a_laptop_screen(live_server, signed_in):
    """A long question, a grouped one with long examples and nearest entry, and a
    4,000-letter "word" a resident pasted: the inbox stays within the screen and
    its buttons beside the text."""
    from chatbot.models import UnansweredQuestion

    faq = FaqEntry.objects.get(question__startswith="Bagaimana cara mendaftarkan")
    UnansweredQuestion.objects.create(
        text="x" * 4000, terms="x" * 200, kind="fallback", count=1
    )
    UnansweredQuestion.objects.create(
        text=LONG_CLAIM + " apakah itu benar dan bagaimana cara mengeceknya covid",
        terms="vaksin chip covid",
        kind="suggestions",
        count=7,
        examples=[LONG_CLAIM, "vaksin covid ada chipnya " * 10, "chip 5g covid"],
        best_faq=faq,
        best_score=0.5,
    )
    page = signed_in
    for query in ("", "?q=covid"):
        page.goto(f"{live_server.url}/admin/chatbot/unansweredquestion/{query}")
        page.screenshot(path=str(SHOTS / f"admin-unanswered{query[3:]}-{WIDTH}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
        table = page.locator("#result_list").bounding_box()
        filters = page.locator("#changelist-filter").bounding_box()
        assert table["x"] + table["width"] <= filters["x"], (query, table, filters)
        assert page.evaluate(
            "(() => { const r = document.querySelector('.results');"
            " return r.scrollWidth <= r.clientWidth; })()"
        ), query
    cell = page.locator("#result_list .sigap-cell[title]").first
    assert cell.inner_text().endswith("…")
