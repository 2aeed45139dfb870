"""Session 27: danger signs reported in English and Indonesian reach the danger-sign
answer (119, the emergency room); look-alikes keep their FAQ answers; a resident's own
"is that normal?" gets the FAQ; zero-width characters separate words; a question for
the nearest hospital or free beds is told where the bed search is. Pure: no database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatbot import rules
from chatbot.matching.emergency import low_oxygen_reading, reports_emergency
from chatbot.matching.evaluation import starter_engine
from chatbot.matching.intents import asks_for_beds
from chatbot.matching.normalise import Normaliser

DEV = Path(__file__).parent / "data" / "dev" / "emergency.json"
CHECK = json.loads(DEV.read_text(encoding="utf-8"))
DANGER_KEY = "gejala-bahaya"


@pytest.fixture(scope="module")
def built():
    return starter_engine()


@pytest.fixture(scope="module")
def starter(built):
    return built[0]


@pytest.fixture(scope="module")
def keys(built):
    return built[1]


def analyse(text: str):
    return Normaliser().analyse(text)


@pytest.mark.parametrize("item", CHECK["emergency"], ids=lambda i: i["text"])
def test_it_answers_a_reported_danger_sign_with_the_danger_entry(item, starter, keys):
    # Asked from a chat set to the other language: the reply follows the message.
    other = "id" if item["language"] == "en" else "en"
    out = starter.answer(item["text"], language=other)
    assert out.emergency
    assert out.kind == "faq"
    assert keys[out.faq.entry_id] == DANGER_KEY
    assert out.language == item["language"]


@pytest.mark.parametrize("item", CHECK["not_emergency"], ids=lambda i: i["text"])
def test_it_leaves_look_alikes_to_the_faq(item, starter, keys):
    out = starter.answer(item["text"], language=item["language"])
    assert not out.emergency
    assert not reports_emergency(out.analysis)
    if "danger" not in item["text"]:
        assert not (out.kind == "faq" and keys[out.faq.entry_id] == DANGER_KEY)


@pytest.mark.parametrize(
    ("text", "low"),
    [
        ("oxygen is 88", True),
        ("spo2 90%", True),
        ("saturasi ibu saya 94", True),
        ("saturasi 95", False),
        ("my oxygen is 98", False),
        ("oksigen ayah saya yang 70 tahun", False),
        ("tabung oksigen 10 liter", False),
    ],
)
def test_it_reads_an_oxygen_reading_under_95(text, low):
    assert low_oxygen_reading(analyse(text)) is low


def test_it_keeps_a_specific_entry_that_knows_the_sign():
    from chatbot.matching import Engine, FaqDoc

    first_aid = (
        "Baringkan orang yang pingsan, longgarkan pakaiannya dan angkat kakinya; bila "
        "tidak sadar lebih dari 1 menit hubungi 119."
    )
    engine = Engine(
        faq_docs=[
            FaqDoc(
                1,
                "Apa tanda bahaya COVID-19?",
                "id",
                "bahaya",
                answer="Hubungi 119 bila sesak napas, nyeri dada, bibir kebiruan, "
                "bingung, kejang atau tidak sadar.",
            ),
            FaqDoc(
                2, "Pertolongan pertama orang pingsan", "id", "p3k", answer=first_aid
            ),
        ],
        hoax_docs=[],
    )
    # A bare report the FAQ does not answer: the danger entry.
    out = engine.answer("ibu saya kejang")
    assert (out.kind, out.faq.group, out.emergency) == ("faq", "bahaya", True)
    # A subject of its own that the first-aid entry knows: its ranking stands.
    out = engine.answer("orang pingsan boleh dikasih minum teh manis ga")
    assert out.faq_hits[0].group == "p3k"


def test_it_gives_a_resident_s_own_question_the_faq_first(starter):
    out = starter.answer("my kid has fever after vaccine is that normal", language="en")
    assert out.kind in ("faq", "faq_suggestions")
    assert out.faq_shown


@pytest.mark.parametrize("zw", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_it_reads_zero_width_characters_as_word_separators(zw, starter):
    text = zw.join(["is", "the", "vaccine", "halal"])
    assert analyse(text).written == ("is", "the", "vaccine", "halal")
    assert rules.clean_message(text, max_chars=100) == "is the vaccine halal"
    assert starter.answer(text, language="en").kind == "faq"


def test_it_keeps_the_joiners_of_an_emoji_sequence():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert rules.clean_message(f"\ufeffhalo {family}", max_chars=50) == (
        f"halo {family}"
    )


@pytest.mark.parametrize("language", ["id", "en"])
def test_it_never_sends_an_emergency_to_the_information_line(language):
    reply = rules.reply_fallback(language)
    assert "ext. 9" not in reply
    assert "119" in reply


@pytest.mark.parametrize(
    ("text", "wants"),
    [
        ("Where is the nearest hospital with ICU beds?", True),
        ("rumah sakit terdekat di mana", True),
        ("rs terdekat dr rumah sy", True),
        ("ada kamar ICU kosong ga di semarang", True),
        ("ICU beds available?", True),
        ("kapan harus ke rumah sakit", False),
        ("rs penuh semua, ortu sesak lg isoman, hrs gmn", False),
        ("where is the nearest atm", False),
        ("bengkel terdekat di mana", False),
        ("my 7 year old still wets the bed", False),
    ],
)
def test_it_tells_a_question_for_free_beds(text, wants):
    assert asks_for_beds(analyse(text)) is wants


@pytest.mark.parametrize(
    "text", ["bibir anak saya kebiruan", "my son's lips look bluish"]
)
def test_a_bare_report_gets_119_before_an_entry_that_never_says_it(text, starter, keys):
    """Session 28: the children's symptoms entry names blue lips as a danger sign
    but never 119; a bare report gets the danger-sign answer, that entry beside."""
    out = starter.answer(text, language="id")
    assert out.emergency and out.kind == "faq"
    assert keys[out.faq.entry_id] == DANGER_KEY
    assert "gejala-anak" in [keys[h.entry_id] for h in out.related]
