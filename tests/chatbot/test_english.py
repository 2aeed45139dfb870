"""Issue 17, session 28: English words read as their Indonesian equivalent, so an
English question finds an entry written only in Indonesian."""

from __future__ import annotations

import pytest

from chatbot.matching import Engine, FaqDoc
from chatbot.matching.english import english_pairs, inflections
from chatbot.matching.normalise import Normaliser


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("lump", {"lumps"}),
        ("worry", {"worries"}),
        ("cause", {"causes"}),
        ("rash", {"rashes"}),
        ("day", {"days"}),
    ],
)
def test_a_base_word_reads_its_regular_plural(word, forms):
    assert inflections(word) == forms


@pytest.mark.parametrize("word", ["bleeding", "lifted", "lumps", "no", "x2"])
def test_a_word_inflected_already_or_too_short_gets_none(word):
    assert inflections(word) == set()


def test_the_lexicon_and_indonesian_words_come_before_the_dictionary():
    pairs = dict(english_pairs())
    assert pairs["hurts"] == pairs["hurt"] == "sakit"
    assert pairs["heavy"] == "berat"
    # "Boiled" water is no boil (bisul): past forms come from the dictionary only.
    assert pairs.get("boiled") != pairs.get("boil")
    # Indonesian words are never English ("sore" is the afternoon, "data" data).
    assert "sore" not in pairs
    assert "data" not in pairs
    # The lexicon's own keys and readings stay the lexicon's.
    assert "vaccine" not in pairs
    assert "covid" not in pairs
    # Loanwords keep their own sense.
    assert "booking" not in pairs
    # Chat spelling rules read a word before the dictionary does ("two" is 2).
    assert Normaliser().analyse("two days of fever").terms[0] == "2"


def test_an_english_message_is_also_read_in_indonesian():
    n = Normaliser()
    a = n.analyse("lower back hurts after lifting something heavy")
    assert a.translated is not None
    assert {"pinggang", "sakit", "berat"} <= set(a.translated.terms)
    # As written, too: an English entry still matches it word for word.
    assert "heavy" in a.terms
    # Indonesian the dictionary does not read has no second reading.
    assert n.analyse("kapan isoman selesai?").translated is None


def family_engine() -> Engine:
    return Engine(
        faq_docs=[
            FaqDoc(
                1,
                "Sakit pinggang setelah mengangkat beban berat, apa yang harus dilakukan?",
                "id",
                "pinggang",
            ),
            FaqDoc(
                2,
                "Berapa jam sehari anak balita boleh main gawai?",
                "id",
                "gawai",
                answer="Anak usia 2 sampai 5 tahun paling lama satu jam sehari.",
            ),
            FaqDoc(3, "Bagaimana cara merawat tali pusat bayi?", "id", "pusat"),
            FaqDoc(4, "How long is home isolation?", "en", "isoman"),
            FaqDoc(5, "Berapa lama isolasi mandiri?", "id", "isoman"),
        ],
        hoax_docs=[],
    )


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("lower back hurts after lifting something heavy", "pinggang"),
        ("how many hours a day can my 3 year old play on a tablet", "gawai"),
        ("how long is home isolation?", "isoman"),
    ],
)
def test_an_english_question_finds_an_indonesian_only_entry(text, group):
    hits = family_engine().faq.search(text, language="en")
    assert hits and hits[0].group == group


def test_the_english_entry_is_still_shown_in_english():
    hits = family_engine().faq.search("how long is home isolation?", language="en")
    assert [h.entry_id for h in hits][:1] == [4]


def test_an_indonesian_question_scores_as_before():
    """The dictionary reads nothing in it: one reading, the scores it always had."""
    engine = family_engine()
    a = engine.normaliser.analyse("pinggang sakit abis ngangkat galon")
    assert a.translated is None
    assert engine.faq.search(a)[0].group == "pinggang"


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("udh vaksin 3x pas kerja di taiwan", {"taiwan", "luar", "negeri"}),
        ("vaccinated abroad, how do i record it", {"luar", "negeri"}),
        ("cek gdp 118 udh diabetes blm", {"gula", "darah", "puasa"}),
        # The Red Cross that takes blood donations stays as written.
        ("donor darah di pmi bisa tiap brp bulan", {"pmi"}),
    ],
)
def test_a_place_abroad_and_lab_shorthand_read_as_what_they_mean(text, terms):
    assert terms <= set(Normaliser().analyse(text).terms)


@pytest.mark.parametrize(
    ("word", "candidates"),
    [
        ("lifted", ["lift", "lifte"]),
        ("stopped", ["stopp", "stoppe", "stop"]),
        ("worries", ["worry"]),
        ("lumps", ["lump"]),
        ("illness", []),
        ("cat", []),
    ],
)
def test_the_bases_an_inflected_word_may_come_from(word, candidates):
    from chatbot.matching.english import bases

    assert bases(word) == candidates
