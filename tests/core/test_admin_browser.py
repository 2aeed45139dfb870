from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_lets_a_curator_sign_in_to_the_indonesian_admin(
    chromium, live_server, curator, facilities
):
    page = chromium.new_page(locale="en-US")
    page.goto(f"{live_server.url}/admin/login/")
    assert "Sigap" in page.title()
    page.fill("#id_username", curator.phone)
    page.fill("#id_password", curator.raw_password)
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    body = page.inner_text("body")
    assert "Kurasi dan pengelolaan data" in body
    assert "Fasilitas kesehatan" not in body  # curators: chatbot content only
    page.goto(f"{live_server.url}/admin/chatbot/faqentry/")
    assert page.query_selector("#changelist") is not None
    page.close()


def test_it_keeps_residents_out_of_the_admin(chromium, live_server, alice):
    page = chromium.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", alice.phone)
    page.fill("#id_password", "anything")
    page.click("input[type=submit]")
    assert "errornote" in page.content()
    page.close()
