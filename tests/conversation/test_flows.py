from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import time_machine

from chatbot.conversation.models import ChatSession, Subscription
from chatbot.conversation.selectors import subscribers_for_area
from chatbot.models import HoaxReport
from isolation.models import Alert, CheckIn
from isolation.teleconsult.models import Booking
from selfcheck.models import Assessment
from tests.conversation.helpers import Chat
from tests.isolation.helpers import enrol
from tests.teleconsult.helpers import NOW

# --- Cek gejala --------------------------------------------------------------------


def _answer_selfcheck(chat: Chat) -> None:
    chat.send(choice="m:selfcheck")
    assert "(1/" in chat.text
    chat.send("abc")  # not a number: asked again
    assert "angka antara 0 dan 120" in chat.text
    chat.send("130")
    assert "angka antara 0 dan 120" in chat.text
    chat.send("67")
    chat.send(choice=chat.choice_titled("Demam"))  # symptoms: fever + cough
    assert "✓ Demam" in chat.text
    chat.send(choice=chat.choice_titled("Batuk"))
    chat.send(choice="sc:done")
    chat.send(choice="sc:none")  # danger signs
    chat.send("38,6")  # temperature
    chat.send("93")  # SpO2
    chat.send(choice="sc:skip")  # respiratory rate
    chat.send("2")  # exposure: close contact
    chat.send("1,2")  # comorbidities: diabetes, hypertension
    chat.send(choice="sc:o:no")  # pregnant
    chat.send("tembalang")  # kecamatan


def test_a_self_check_conversation_gives_the_apps_triage(
    chat, api_client, regions_semarang
):
    _answer_selfcheck(chat)
    assessment = Assessment.objects.get()
    assert assessment.owner is None  # unlinked chat: stored without identity
    body = {
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
    }
    api = api_client.post("/api/v1/selfcheck/assessments", body, format="json")
    assert api.status_code == 201, api.json()
    app = api.json()
    assert assessment.risk_level == app["risk_level"]
    assert assessment.district_id == "33.74.10"
    assert app["risk_label"] in chat.text
    assert app["advice"] in chat.text
    assert app["reasons"]
    for reason in app["reasons"]:
        assert reason["text"] in chat.text
    assert "tanpa identitas" in chat.text


def test_a_linked_resident_with_consent_keeps_the_result(alice, link_chat):
    from core.services.accounts import consent_give

    consent_give(user=alice)
    chat = link_chat(alice)
    _answer_selfcheck(chat)
    assert Assessment.objects.get().owner == alice
    assert "riwayat cek mandiri" in chat.text


def test_a_kecamatan_name_with_several_matches_offers_choices(chat, regions_semarang):
    chat.send(choice="m:selfcheck")
    data_steps = ["30", "sc:none", "sc:none", "sc:skip", "sc:skip", "sc:skip", "1"]
    for step in data_steps:
        chat.send(choice=step) if step.startswith("sc:") else chat.send(step)
    chat.send(choice="sc:none")  # comorbidities
    chat.send(choice="sc:o:no")
    chat.send("semarang")  # Semarang Barat/Selatan/Tengah/Timur/Utara
    assert len([c for c in chat.choices if c.startswith("sc:r:")]) > 1
    chat.send(choice=chat.choice_titled("Semarang Barat"))
    assert Assessment.objects.get().risk_level == "low"


# --- Zona risiko ------------------------------------------------------------------


def test_zone_by_name_with_did_you_mean_and_subscription(
    chat, regions_semarang, zone_rules
):
    chat.send(choice="m:zone")
    assert chat.last[0].request_location
    chat.send("tembalang")  # the kecamatan and a kelurahan of that name
    options = [c for c in chat.choices if c.startswith("z:a:")]
    assert options == ["z:a:33.74.10", f"z:a:{options[1][4:]}"]
    assert len(options) == 2
    chat.send(choice="z:a:33.74.10")
    assert "Kecamatan Tembalang" in chat.text
    assert "Kota Semarang" in chat.text
    assert "Zona: Hijau" in chat.text or "Zona:" in chat.text
    assert "kasus aktif" in chat.text
    chat.send(choice="z:sub:33.74.10")
    assert Subscription.objects.get().region_id == "33.74.10"
    assert subscribers_for_area("33.74.10") == [("telegram", chat.chat_id, "id")]
    assert subscribers_for_area("33.74") == [("telegram", chat.chat_id, "id")]
    assert subscribers_for_area("33.74.01") == []
    chat.send("berhenti")
    assert "tidak akan lagi" in chat.text
    assert subscribers_for_area("33.74.10") == []


def test_typing_langganan_with_a_place_offers_its_subscription(
    chat, regions_semarang, zone_rules
):
    chat.send("langganan semarang barat")
    assert "Kecamatan Semarang Barat" in chat.text
    assert "z:sub:33.74.13" in chat.choices
    chat.send(choice="z:sub:33.74.13")
    assert subscribers_for_area("33.74.13") == [("telegram", chat.chat_id, "id")]


def test_slash_langganan_asks_for_the_place_first(chat, regions_semarang, zone_rules):
    chat.send("/langganan")
    assert "Langganan info" in chat.text
    assert chat.last[0].request_location
    chat.send("semarang barat")
    assert "z:sub:33.74.13" in chat.choices


def test_zone_by_a_unique_name(chat, regions_semarang, zone_rules):
    chat.send(choice="m:zone")
    chat.send("semarang barat")
    assert "Kecamatan Semarang Barat" in chat.text
    chat.send(choice="z:again")
    chat.send("x")
    assert "minimal 2 huruf" in chat.text
    chat.send("qwxzqwxz")
    assert "tidak ditemukan" in chat.text


def test_a_question_typed_for_a_place_is_answered(
    chat, regions_semarang, zone_rules, starter
):
    """After a zone or asked for one, a question is not looked up as a place name
    (an outside tester got 'Tempat "apa gejala covid" tidak ditemukan')."""
    chat.send(choice="m:zone")
    chat.send("semarang barat")
    assert "Kecamatan Semarang Barat" in chat.text
    chat.send("apa gejala covid?")
    assert "tidak ditemukan" not in chat.text and "Pilih" not in chat.text
    # The FAQ's answer: the question says exactly what the entry says.
    assert "gejala yang paling sering" in chat.text.lower()
    assert not chat.last[-1].request_location
    # Asked for a place, a question is answered too, and the flow has ended.
    chat.send(choice="m:zone")
    chat.send("berapa lama isolasi mandiri?")
    assert "tidak ditemukan" not in chat.text
    chat.send("semarang barat")  # no longer a place: the FAQ's
    assert "Kecamatan Semarang Barat" not in chat.text
    # A place that is not found and is no question is still said so.
    chat.send(choice="m:zone")
    chat.send("qwxzqwxz")
    assert "tidak ditemukan" in chat.text


def test_zone_by_shared_location(chat, regions_semarang, zone_rules, boundaries):
    # Any time, without the menu: a shared location is a zone question.
    chat.send(location=(-7.0569, 110.4381))  # Universitas Diponegoro, Tembalang
    assert "Kecamatan Tembalang" in chat.text
    chat.send(location=(0.0, 0.0))
    assert "tidak bisa dipetakan" in chat.text


# --- Isolasi ----------------------------------------------------------------------


@pytest.fixture
def alice_isolating(alice, nurse):
    return enrol(nurse, alice)


def test_isolation_checkin_reasks_a_bad_temperature(alice, alice_isolating, link_chat):
    chat = link_chat(alice)
    chat.send(choice="m:isolation")
    assert "hari ke-3" in chat.text
    chat.send(choice="i:o:cough")
    chat.send(choice="i:done")
    chat.send(choice="i:none")  # no danger signs
    chat.send("98.6")
    assert "antara 30 dan 45" in chat.text
    chat.send("37,2")
    chat.send("sembilan")
    assert "antara 50 dan 100" in chat.text
    chat.send("97")
    checkin = CheckIn.objects.get()
    assert (str(checkin.temperature), checkin.spo2, checkin.symptoms) == (
        "37.2",
        97,
        ["cough"],
    )
    assert not Alert.objects.exists()
    assert "tersimpan" in chat.text
    assert "Laporan berikutnya" in chat.text
    # The same answers again in the same slot from this chat are the same report.
    chat.send(choice="m:isolation")
    for step in ("i:o:cough", "i:done", "i:none"):
        chat.send(choice=step)
    chat.send("37.2")
    chat.send("97")
    assert "sudah Anda kirim" in chat.text
    assert CheckIn.objects.count() == 1


def test_a_later_report_in_the_same_slot_is_stored_and_judged(
    alice, alice_isolating, link_chat
):
    chat = link_chat(alice)
    chat.send(choice="m:isolation")
    for step in ("i:none", "i:none", "i:skip"):
        chat.send(choice=step)
    chat.send("97")
    assert "tersimpan" in chat.text
    # Worse an hour later, same slot: a new report with its alert, not a repeat.
    chat.send(choice="m:isolation")
    for step in ("i:none", "i:none", "i:skip"):
        chat.send(choice=step)
    chat.send("91")

    assert "tersimpan" in chat.text
    assert sorted(CheckIn.objects.values_list("spo2", flat=True)) == [91, 97]
    assert list(Alert.objects.values_list("reasons", flat=True)) == [["spo2_low"]]


def test_danger_signs_in_chat_raise_the_same_alert(alice, alice_isolating, link_chat):
    chat = link_chat(alice)
    chat.send(choice="m:isolation")
    chat.send(choice="i:none")
    chat.send(choice="i:o:chest_pain")
    chat.send(choice="i:done")
    chat.send(choice="i:skip")
    chat.send("91")
    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.DANGER
    assert set(alert.reasons) == {"chest_pain", "spo2_low"}
    assert "119" in chat.text
    assert "Nyeri dada" in chat.text


def test_isolation_without_monitoring(alice, link_chat):
    chat = link_chat(alice)
    chat.send(choice="m:isolation")
    assert "tidak sedang dalam pemantauan" in chat.text


# --- Konsultasi -------------------------------------------------------------------


def test_booking_and_cancelling_a_consultation(alice, nurse, link_chat, schedule):
    from core.services.accounts import consent_give

    consent_give(user=alice)
    with time_machine.travel(NOW, tick=False):
        chat = link_chat(alice)
        chat.send(choice="m:consult")
        assert "belum punya jadwal" in chat.text
        slots = [c for c in chat.choices if c.startswith("c:s:")]
        assert len(slots) == 3
        assert "04/03/2030 08:00 WIB" in chat.last[-1].choices[0].title
        chat.send(choice=slots[0])
        assert "Terjadwal: 04/03/2030 08:00 WIB" in chat.text
        booking = Booking.objects.get()
        assert (booking.patient, booking.doctor, booking.status) == (
            alice,
            nurse,
            "booked",
        )
        chat.send(choice="m:consult")
        assert "Konsultasi berikutnya: 04/03/2030 08:00 WIB" in chat.text
        chat.send(choice=f"c:cancel:{booking.pk}")
        chat.send(choice=f"c:cx:{booking.pk}")
        assert "dibatalkan" in chat.text
        booking.refresh_from_db()
        assert booking.status == "cancelled"


def test_a_slot_taken_meanwhile_offers_others(alice, bob, link_chat, nurse):
    from core.services.accounts import consent_give
    from isolation.teleconsult.services import booking_create, schedule_update
    from tests.teleconsult.helpers import WEEKDAY_MORNINGS

    consent_give(user=alice)
    consent_give(user=bob)
    schedule_update(doctor=nurse, windows=WEEKDAY_MORNINGS, slot_minutes=30)
    with time_machine.travel(NOW, tick=False):
        chat = link_chat(alice)
        chat.send(choice="m:consult")
        first = [c for c in chat.choices if c.startswith("c:s:")][0]
        stamp = int(first.split(":")[-1])
        booking_create(
            patient=type(bob).objects.get(pk=bob.pk),
            doctor_id=nurse.pk,
            start=dt.datetime.fromtimestamp(stamp, tz=dt.UTC),
        )
        chat.send(choice=first)
        assert "sudah tidak tersedia" in chat.text
        assert first not in chat.choices
        assert Booking.objects.filter(patient=alice).count() == 0


# --- Cek hoaks --------------------------------------------------------------------


def test_a_forwarded_hoax_gets_the_verdict(chat, starter):
    from chatbot.models import HoaxEntry

    entry = HoaxEntry.objects.filter(status="published", verdict="hoax").first()
    chat.send(f"Sebarkan!! {entry.claim}", forwarded=True)
    assert "HOAKS" in chat.text.upper()
    assert entry.source_url in chat.text


def test_an_unknown_claim_can_be_reported(chat, starter):
    chat.send(choice="m:hoax")
    chat.send("Minum air rebusan batu akik bisa menyembuhkan semua penyakit langka")
    assert "h:report" in chat.choices
    chat.send(choice="h:report")
    report = HoaxReport.objects.get()
    assert report.channel == "telegram"
    assert "batu akik" in report.text


def test_a_forwarded_question_the_faq_answers_gets_the_answer(chat, starter):
    """An outside tester forwarded "makan durian setelah vaksin boleh?": it got only
    the report offer, though typed it is answered."""
    from chatbot.services import message_answer

    text = "berapa lama isolasi mandiri?"
    expected = message_answer(text=text, channel="telegram")
    assert expected.kind == "faq"
    chat.send(text, forwarded=True)
    assert plain(chat.last[0].text) == plain(expected.reply)
    assert "h:report" in chat.choices  # and the message can still be reported


def test_free_text_gets_a_faq_answer(chat, starter):
    chat.send("apa itu isoman?")
    assert chat.last
    assert chat.text


def test_an_answer_offers_the_related_questions_and_one_tap_answers(chat, starter):
    from chatbot.index import snapshot_get
    from chatbot.services import message_answer

    expected = message_answer(text="berapa lama isoman?", channel="telegram")
    assert expected.kind == "faq" and expected.related
    chat.send("berapa lama isoman?")
    assert plain(chat.text) == plain(expected.reply)
    assert chat.choices == [f"faq:{r.id}" for r in expected.related] + ["menu"]
    first = expected.related[0]
    chat.send(choice=f"faq:{first.id}")
    assert plain(chat.text) == plain(snapshot_get().faq[first.id].answer)


def test_a_faq_choice_offered_beside_a_claim_answers_inside_the_hoax_flow(
    chat, starter
):
    """A question that is possibly about a checked claim shows the claim, then the
    report offer with the FAQ's entries on the question; tapping one answers it and
    leaves the report flow."""
    from chatbot.conversation.models import ChatSession
    from chatbot.index import snapshot_get
    from chatbot.services import message_answer

    # Not the parent's own question ("anak saya …": the FAQ's entries first, see
    # test_a_parent_s_own_question_gets_the_faq_not_the_report_offer).
    text = "anak habis imunisasi campak demam, normal tidak?"
    expected = message_answer(text=text, channel="telegram")
    assert expected.kind == "hoax_possible" and expected.suggestions
    chat.send(text)
    assert "h:report" in chat.choices
    faq_ids = [f"faq:{s.id}" for s in expected.suggestions]
    assert [c for c in chat.choices if c.startswith("faq:")] == faq_ids
    chat.send(choice=faq_ids[0])
    answer = snapshot_get().faq[expected.suggestions[0].id].answer
    assert plain(chat.text) == plain(answer)
    assert ChatSession.objects.get(chat_id=chat.chat_id).flow == ""
    assert not HoaxReport.objects.exists()


def test_a_question_after_a_possible_claim_is_answered_not_taken_for_a_forward(
    chat, starter
):
    """An outside tester: after a claim shown as possibly related, the bot said the
    message was not in its fact-check data, and the next question got the report
    offer again instead of its answer."""
    from chatbot.conversation.models import ChatSession
    from chatbot.services import message_answer

    text = "anak habis imunisasi campak demam, normal tidak?"
    assert message_answer(text=text, channel="telegram").kind == "hoax_possible"
    chat.send(text)
    assert "belum ada di data cek fakta" not in chat.text
    assert "h:report" in chat.choices
    expected = message_answer(text="berapa lama isoman?", channel="telegram")
    chat.send("berapa lama isoman?")
    assert plain(chat.text) == plain(expected.reply)
    assert ChatSession.objects.get(chat_id=chat.chat_id).flow == ""
    assert not HoaxReport.objects.exists()


def plain(text: str) -> str:
    """The text without the channel's emphasis markup."""
    return re.sub(r"[*_\\]", "", text)


@pytest.mark.parametrize(
    "text", ["rumah sakit terdekat di mana?", "Where is the nearest hospital?"]
)
def test_a_question_for_the_nearest_hospital_starts_the_bed_search(chat, starter, text):
    chat.send(text)
    assert "tempat tidur kosong" in chat.text
    assert ChatSession.objects.get().flow == "hospitals"


def test_a_danger_sign_beside_a_hospital_question_puts_119_first(chat, starter):
    chat.send("ayah saya sesak napas, rumah sakit terdekat di mana?")
    assert "119" in chat.last[0].text
    assert "tempat tidur kosong" in chat.last[-1].text


def test_a_parent_s_own_question_gets_the_faq_not_the_report_offer(chat, starter):
    chat.send("anak saya habis imunisasi campak demam, normal tidak?")
    assert "h:report" not in chat.choices
    assert any(c.startswith("faq:") for c in chat.choices)
