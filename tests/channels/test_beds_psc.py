"""'Cari rumah sakit' and 'Minta bantuan PSC 119' end to end over Telegram: webhook
in, the fake Telegram Bot API out."""

from __future__ import annotations

import pytest

from core.models import Escalation, Facility
from tests.beds.helpers import report
from tests.channels.helpers import tg_location_update
from tests.channels.test_conversations import TelegramChat
from tests.factories import FacilityFactory, RegionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chatbot_synchronous"),
]


def share_location(chat: TelegramChat, lat: float, lng: float) -> TelegramChat:
    return chat._post(tg_location_update(lat, lng, chat_id=chat.chat_id))


@pytest.fixture
def reporting_hospitals(facilities):
    kariadi = Facility.objects.get(code="R3374070001")
    wongsonegoro = Facility.objects.get(code="R3374060001")
    telogorejo = Facility.objects.get(code="R3374010001")
    full = FacilityFactory(
        name="RS Penuh",
        kind="hospital",
        latitude=-7.057,
        longitude=110.441,
    )
    RegionFactory(code="31", name="DKI Jakarta", level=1, kind="provinsi")
    RegionFactory(
        code="31.71", name="Jakarta Pusat", level=2, kind="kota", parent_id="31"
    )
    gambir = RegionFactory(code="31.71.01", name="Gambir", parent_id="31.71")
    far = FacilityFactory(
        name="RS Jauh",
        kind="hospital",
        district=gambir,
        latitude=-6.2,
        longitude=106.8,
    )
    report(kariadi, {"icu": {"total": 16, "free": 2}, "igd": {"total": 40, "free": 7}})
    report(wongsonegoro, {"isolation": {"total": 80, "free": 9}})
    report(telogorejo, {"hcu": {"total": 4, "free": 1}})
    report(full, {"isolation": {"total": 50, "free": 0}})
    report(far, {"isolation": {"total": 50, "free": 50}})


def test_cari_rumah_sakit_from_a_shared_location(telegram_api, reporting_hospitals):
    chat = TelegramChat(telegram_api)
    chat.send("/start")
    chat.tap("m:hospitals")
    assert "Bagikan lokasi" in chat.text

    share_location(chat, -7.0566, 110.4408)  # Tembalang

    text = chat.text
    names = ["RSUD K.R.M.T. Wongsonegoro", "RSUP Dr. Kariadi", "RS Telogorejo"]
    positions = [text.index(n) for n in names]
    assert positions == sorted(positions)
    assert "RS Penuh" not in text and "RS Jauh" not in text
    assert "Isolasi 9/80" in text and "ICU 2/16" in text
    assert "km" in text and "119" in text


def test_cari_rumah_sakit_from_a_typed_place(telegram_api, reporting_hospitals):
    chat = TelegramChat(telegram_api)
    chat.send("/start")
    chat.tap("m:hospitals")

    chat.send("tembalang")

    # Kecamatan Tembalang has no coordinates in the region data: the hospitals of
    # Kota Semarang answer.
    assert "dekat Kecamatan Tembalang" in chat.text
    assert "RSUP Dr. Kariadi" in chat.text and "RS Jauh" not in chat.text


def test_minta_bantuan_psc_119_over_telegram(
    telegram_api, alice, auth_client, regions_semarang
):
    from chatbot.conversation.services import link_code_create
    from tests.psc.helpers import critical_body

    assert (
        auth_client(alice)
        .post("/api/v1/selfcheck/assessments", critical_body(), format="json")
        .json()["risk_level"]
        == "critical"
    )
    chat = TelegramChat(telegram_api)
    chat.send(f"/link {link_code_create(user=alice).code}")
    chat.send("menu")
    chat.tap("m:psc")
    assert "nama dan nomor HP" in chat.text

    chat.tap("psc:yes")
    assert "lokasi" in chat.text
    share_location(chat, -7.06, 110.44)

    escalation = Escalation.objects.get()
    assert (escalation.resident, escalation.source) == (alice, "chatbot")
    assert escalation.region_id == "33.74" and escalation.latitude == -7.06
    assert f"#{escalation.pk}" in chat.text and "PSC 119 Kota Semarang" in chat.text

    # Asking again finds the open request instead of a second one.
    chat.send("menu")
    chat.tap("m:psc")
    chat.tap("psc:yes")
    chat.tap("psc:skip")
    assert "sudah ada" in chat.text
    assert Escalation.objects.count() == 1


def test_psc_over_chat_needs_no_general_consent(
    telegram_api, alice, auth_client, regions_semarang
):
    """The request asks its own consent; a withdrawn consent to health-data
    processing does not close the emergency channel (docs/privacy.md)."""
    from chatbot.conversation.services import link_code_create
    from tests.psc.helpers import critical_body

    api = auth_client(alice)
    api.post("/api/v1/selfcheck/assessments", critical_body(), format="json")
    assert api.delete("/api/v1/me/consent").status_code == 204
    chat = TelegramChat(telegram_api)
    chat.send(f"/link {link_code_create(user=alice).code}")
    chat.send("menu")
    chat.tap("m:psc")
    chat.tap("psc:yes")
    chat.tap("psc:skip")

    escalation = Escalation.objects.get()
    assert (escalation.resident, escalation.source) == (alice, "chatbot")
    assert f"#{escalation.pk}" in chat.text


def test_psc_over_chat_needs_a_linked_account(telegram_api, regions_semarang):
    chat = TelegramChat(telegram_api, chat_id=5550202)
    chat.send("/start")
    chat.tap("m:psc")
    assert "telepon 119 sekarang" in chat.text
    assert not Escalation.objects.exists()
