"""End to end with the real dialogue engine: platform webhook in, platform API out."""

from __future__ import annotations

import uuid

import pytest
import time_machine

from chatbot.channels.models import InboundUpdate, OutboundMessage
from tests.channels.helpers import (
    TelegramChat,
    WhatsAppChat,
    post_telegram,
    post_whatsapp,
    tg_forward_update,
    tg_message_update,
    wa_status,
    wa_text,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("chatbot_synchronous"),
]


def test_a_full_self_check_over_telegram(telegram_api, regions_semarang, api_client):
    from selfcheck.models import Assessment

    chat = TelegramChat(telegram_api)
    chat.send("/start")
    assert "m:selfcheck" in str(chat.last[0]["reply_markup"])
    chat.tap("m:selfcheck")
    assert "(1/" in chat.text
    chat.send("abc")
    assert "angka antara 0 dan 120" in chat.text
    chat.send("67")
    chat.tap_titled("Demam")
    chat.tap_titled("Batuk")
    chat.tap("sc:done")
    chat.tap("sc:none")
    chat.send("38,6")
    chat.send("93")
    chat.tap("sc:skip")
    chat.send("2")
    chat.send("1,2")
    chat.tap("sc:o:no")
    chat.send("tembalang")
    assessment = Assessment.objects.get()
    app = api_client.post(
        "/api/v1/selfcheck/assessments",
        {
            "age": 67,
            "symptoms": ["fever", "cough"],
            "danger_signs": [],
            "temperature_c": "38.6",
            "spo2": 93,
            "exposure": "close_contact",
            "comorbidities": ["diabetes", "hypertension"],
            "pregnant": False,
            "district_code": "33.74.10",
            "client_key": str(uuid.uuid4()),
        },
        format="json",
    ).json()
    assert assessment.risk_level == app["risk_level"]
    assert app["risk_label"] in chat.text and app["advice"] in chat.text
    # Every update processed once, every reply sent, answered callbacks.
    assert set(InboundUpdate.objects.values_list("status", flat=True)) == {"done"}
    assert set(OutboundMessage.objects.values_list("status", flat=True)) == {"sent"}
    assert len(telegram_api.methods("answerCallbackQuery")) == 7


def test_booking_a_consultation_over_whatsapp(graph_api, alice, schedule):
    from chatbot.conversation.services import link_code_create
    from core.services.accounts import consent_give
    from isolation.teleconsult.models import Booking
    from tests.teleconsult.helpers import NOW

    consent_give(user=alice)
    with time_machine.travel(NOW, tick=False):
        chat = WhatsAppChat(graph_api)
        chat.send(f"/link {link_code_create(user=alice).code}")
        assert "terhubung" in chat.text
        chat.send("menu")
        assert chat.offered().get("m:consult") == "list"  # 8 menu items: a list
        chat.tap("m:consult")
        slots = [c for c in chat.offered() if c.startswith("c:s:")]
        assert len(slots) == 3
        chat.tap(slots[0])
        assert "Terjadwal: 04/03/2030 08:00 WIB" in chat.text
        booking = Booking.objects.get()
        assert (booking.patient, booking.status) == (alice, "booked")
    assert all(p["to"] == "6281234500001" for p in (c for _, c in graph_api.calls))


def test_flagging_a_hoax_over_telegram(telegram_api, db):
    from chatbot.demo import chatbot_demo_seed
    from chatbot.models import HoaxEntry, HoaxReport

    chatbot_demo_seed()
    entry = HoaxEntry.objects.filter(status="published", verdict="hoax").first()
    chat = TelegramChat(telegram_api, chat_id=5550202)
    chat._post(tg_forward_update(f"Sebarkan!! {entry.claim}", chat_id=5550202))
    assert "HOAKS" in chat.text.upper() and entry.source_url in chat.text
    chat.send("menu")
    chat.tap("m:hoax")
    chat.send("Minum air rebusan batu akik bisa menyembuhkan semua penyakit langka")
    chat.tap("h:report")
    report = HoaxReport.objects.get()
    assert report.channel == "telegram" and "batu akik" in report.text


def test_a_question_on_an_entrys_rare_word_is_offered_it_on_both_platforms(
    telegram_api, graph_api, db
):
    """Issue 17, session 21: under the suggestion bar, but "thermometer" is a word of
    the isolation supplies entry; the resident taps it and gets its answer."""
    from chatbot.demo import chatbot_demo_seed

    chatbot_demo_seed()
    question = "thermometer digital yang bagus merek apa"
    chat = TelegramChat(telegram_api, chat_id=5550303)
    chat.send(question)
    assert "1. Apa saja yang perlu disiapkan untuk isolasi mandiri?" in chat.text
    chat.tap_titled("Apa saja yang perlu")
    assert "termometer" in chat.text.lower()

    from chatbot.index import engine_get, thresholds
    from chatbot.models import FaqEntry

    # Exactly the engine's suggestions, in its order: the entry sharing the word
    # first, then any other of the top 3 from the second suggestion's floor.
    supplies = FaqEntry.objects.get(
        language="id", question="Apa saja yang perlu disiapkan untuk isolasi mandiri?"
    )
    out = engine_get().answer(question, thresholds=thresholds())
    expected = [f"faq:{h.entry_id}" for h in out.suggestions]
    assert out.kind == "faq_suggestions" and expected[0] == f"faq:{supplies.pk}"

    wa = WhatsAppChat(graph_api, wa_id="6281234500303")
    wa.send(question)
    entries = [choice for choice in wa.offered() if choice.startswith("faq:")]
    assert entries == expected, wa.offered()
    wa.tap(entries[0])
    assert "termometer" in wa.text.lower()


def test_telegram_command_forms_work_and_never_reach_the_inbox(
    telegram_api, alice, settings
):
    """/start with a deep-link payload, commands with the bot's @username (their
    form in groups and from the command menu), a bare link code, an unknown command:
    none is a question for the FAQ or for the curators' inbox."""
    from chatbot.conversation.services import link_code_create
    from chatbot.models import UnansweredQuestion
    from core.models import ChannelIdentity

    settings.TELEGRAM_BOT_USERNAME = "SigapBot"
    chat = TelegramChat(telegram_api, chat_id=5550404)
    chat.send("/start ref_abc123")
    assert "Halo Alice" in chat.text and "m:selfcheck" in str(chat.last[0])
    chat.send("/start@SigapBot")
    assert "Halo" in chat.text
    chat.send("/help@sigapbot")
    assert "Pilih layanan" in chat.text
    chat.send("/bahasa@SigapBot")
    assert "lang:en" in str(chat.last)
    chat.send("/frobnicate")
    assert "tidak saya kenal" in chat.text
    code = link_code_create(user=alice).code
    chat.send(f"{(int(code) + 1) % 10**6:06d}")  # a bare (wrong) code
    assert "Kode salah" in chat.text
    chat.send(f"/link@SigapBot {code}")
    assert "terhubung" in chat.text
    assert ChannelIdentity.objects.get(user=alice).external_id == "5550404"
    assert not UnansweredQuestion.objects.exists()


def test_replying_with_a_suggestions_number_answers_it(telegram_api, graph_api, db):
    """ "Balas dengan nomor pertanyaan yang Anda maksud": a bare number (also "nomor
    2", or a WhatsApp reply quoting the bot's message) picks that suggestion; it
    answers the next message only, and no number lands in the curators' inbox."""
    import datetime as dt

    from django.utils import timezone

    from chatbot import richtext
    from chatbot.demo import chatbot_demo_seed
    from chatbot.index import engine_get, snapshot_get, thresholds
    from chatbot.models import UnansweredQuestion

    chatbot_demo_seed()
    question = "thermometer digital yang bagus merek apa"
    out = engine_get().answer(question, thresholds=thresholds())
    assert out.kind == "faq_suggestions" and len(out.suggestions) >= 2
    answers = [
        richtext.to_plain(snapshot_get().faq[h.entry_id].answer)
        for h in out.suggestions
    ]

    chat = TelegramChat(telegram_api, chat_id=5550505)
    chat.send(question)
    assert "Balas dengan nomor" in chat.text
    chat.send("2")
    assert answers[1] in chat.text
    chat.send("nomor 1")  # the list was answered already
    assert "sudah tidak berlaku" in chat.text
    chat.send(question)
    chat.send("9")
    assert "nomor 1–" in chat.text
    chat.send("yang nomor 1")  # still open after a number out of range
    assert answers[0] in chat.text

    wa = WhatsAppChat(graph_api, wa_id="6281234500505")
    wa.send(question)
    bot_message = {"from": "15550783881", "id": "wamid.HBgM1001"}
    wa._post(wa_text("1", wa_id=wa.wa_id, context=bot_message))
    assert answers[0] in wa.text
    wa.send(question)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        wa.send("no 2")
    assert "sudah tidak berlaku" in wa.text
    assert set(UnansweredQuestion.objects.values_list("text", flat=True)) == {question}


def test_a_message_longer_than_the_matcher_reads_is_still_answered(
    telegram_api, graph_api, db
):
    """Telegram and WhatsApp allow 4,096 characters; a long forwarded chain is
    matched on its first CHATBOT_MAX_MESSAGE_CHARS (4,000) instead of refused."""
    from chatbot.demo import chatbot_demo_seed
    from chatbot.models import HoaxEntry

    chatbot_demo_seed()
    entry = HoaxEntry.objects.filter(status="published", verdict="hoax").first()
    chain = f"Sebarkan!! {entry.claim}\n\n"
    chain += "Teruskan ke 10 grup keluarga hari ini. " * 200
    chain = chain[:4096]
    assert len(chain) == 4096
    chat = TelegramChat(telegram_api, chat_id=5550606)
    chat._post(tg_forward_update(chain, chat_id=5550606))
    assert "terlalu panjang" not in chat.text
    assert "HOAKS" in chat.text.upper() and entry.source_url in chat.text

    wa = WhatsAppChat(graph_api, wa_id="6281234500606")
    wa._post(wa_text(chain, wa_id=wa.wa_id, context={"forwarded": True}))
    assert "terlalu panjang" not in wa.text
    assert entry.source_url in wa.text


def test_places_of_one_name_are_told_apart_on_both_platforms(
    telegram_api, graph_api, regions_semarang
):
    from core.areas import search as area_search
    from core.areas.cache import areas_local_reset
    from core.services.regions import regions_load

    regions_load(root="35.05")  # Kabupaten Blitar: Desa Tembalang
    regions_load(root="65.03")  # Kabupaten Nunukan: Desa Tembalang
    area_search.invalidate()
    areas_local_reset()

    chat = TelegramChat(telegram_api, chat_id=5550707)
    chat.send("/start")
    chat.tap("m:zone")
    chat.send("Tembalang")
    buttons = [
        b["text"]
        for m in chat.last
        for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
        for b in row
        if b["callback_data"].startswith("z:a:")
    ]
    assert len(buttons) == 4 and len(set(buttons)) == 4, buttons
    assert all("Tembalang" in b and len(b) <= 60 for b in buttons), buttons
    assert any("Blitar" in b for b in buttons)
    assert any("Nunukan" in b for b in buttons)

    wa = WhatsAppChat(graph_api, wa_id="6281234500707")
    wa.send("menu")
    wa.tap("m:zone")
    wa.send("Tembalang")
    (listed,) = [m for m in wa.last if m["type"] == "interactive"]
    rows = [
        r
        for section in listed["interactive"]["action"]["sections"]
        for r in section["rows"]
        if r["id"].startswith("z:a:")
    ]
    assert len({(r["title"], r["description"]) for r in rows}) == 4
    assert all(len(r["title"]) <= 24 and len(r["description"]) <= 72 for r in rows)
    area_search.invalidate()
    areas_local_reset()


TG_FILE = {"file_id": "AgACAgQAAxkBAAIB", "file_unique_id": "AQADrbgxG"}
TG_UNREADABLE = {
    "photo": {"photo": [{**TG_FILE, "width": 90, "height": 60, "file_size": 1200}]},
    "sticker": {
        "sticker": {
            **TG_FILE,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
    },
    "voice": {"voice": {**TG_FILE, "duration": 4, "mime_type": "audio/ogg"}},
    "contact": {"contact": {"phone_number": "+6281100000009", "first_name": "Bu RT"}},
    "document": {"document": {**TG_FILE, "file_name": "hasil-lab.pdf"}},
}


def test_a_message_it_cannot_read_gets_one_short_note(telegram_api, graph_api, db):
    from chatbot.conversation.models import ChatSession
    from tests.channels.helpers import tg_group_message_update, wa_message

    chat = TelegramChat(telegram_api, chat_id=5550808)
    chat.send("menu")
    chat.tap("m:zone")
    for kind, content in TG_UNREADABLE.items():
        chat._post(tg_message_update(chat_id=5550808, **content))
        assert len(chat.last) == 1, kind
        assert "hanya bisa membaca pesan teks" in chat.text, kind
    # The flow that asked for a place still waits for one.
    assert ChatSession.objects.get(chat_id="5550808").flow == "zone"
    before = len(telegram_api.methods("sendMessage"))
    joined = {"new_chat_members": [{"id": 5550809, "is_bot": False, "first_name": "B"}]}
    for update in (
        tg_message_update(chat_id=5550808, **joined),  # a service message
        tg_group_message_update(**TG_UNREADABLE["photo"]),  # members' photos
    ):
        assert post_telegram(chat.client, update).status_code == 200
    assert len(telegram_api.methods("sendMessage")) == before

    wa = WhatsAppChat(graph_api, wa_id="6281234500808")
    media = {"mime_type": "image/jpeg", "sha256": "abc", "id": "1481098012590187"}
    for kind, content in (
        ("audio", {**media, "mime_type": "audio/ogg; codecs=opus", "voice": True}),
        ("sticker", {**media, "mime_type": "image/webp", "animated": False}),
        ("image", media),
        ("contacts", [{"name": {"formatted_name": "Bu RT"}, "phones": []}]),
        ("unsupported", None),
    ):
        body = wa_message(kind, content, wa_id=wa.wa_id)
        if kind == "unsupported":
            message = body["entry"][0]["changes"][0]["value"]["messages"][0]
            message.pop("unsupported")
            message["errors"] = [{"code": 131051, "title": "Message type unknown"}]
        wa._post(body)
        assert len(wa.last) == 1, kind
        assert "hanya bisa membaca pesan teks" in wa.text, kind
    before = len(graph_api.calls)
    reaction = {"message_id": "wamid.HBgM1001", "emoji": "👍"}
    post_whatsapp(wa.client, wa_message("reaction", reaction, wa_id=wa.wa_id))
    post_whatsapp(wa.client, wa_status("wamid.HBgM1001", "read", wa_id=wa.wa_id))
    assert len(graph_api.calls) == before


def test_numbers_may_carry_their_unit(telegram_api, db):
    """The prompts say "Ketik angka 50–100 %" and ask an age in years: "94%" and
    "42 tahun" are answers, not typos."""
    chat = TelegramChat(telegram_api, chat_id=5550909)
    chat.send("menu")
    chat.tap("m:selfcheck")
    chat.send("42 tahun")
    assert "(2/" in chat.text
    chat.tap("sc:none")  # symptoms
    chat.tap("sc:none")  # danger signs
    chat.send("38,6 °C")
    assert "50–100 %" in chat.text
    chat.send("94%")
    assert "(6/" in chat.text
