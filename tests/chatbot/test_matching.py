"""Pure: FAQ retrieval and hoax near-duplicate matching (no database)."""

from __future__ import annotations

import pytest

from chatbot.matching import (
    Engine,
    FaqDoc,
    FaqIndex,
    FaqThresholds,
    HoaxDoc,
    HoaxIndex,
    HoaxThresholds,
    Thresholds,
)
from chatbot.matching.faq_index import RELATED_SHARE, FaqHit, decide_faq
from chatbot.matching.hoax_index import asks_about_claim
from chatbot.matching.minhash import MinHashLSH

FAQ = [
    FaqDoc(1, "Berapa lama isolasi mandiri?", "id", "isoman", ("Isoman berapa hari?",)),
    FaqDoc(2, "How long do I need to self-isolate?", "en", "isoman"),
    FaqDoc(
        3,
        "Bagaimana cara mendaftar vaksin?",
        "id",
        "daftar",
        ("Daftar vaksin di mana?",),
    ),
    FaqDoc(4, "Apa saja gejala COVID-19?", "id", "gejala", ("Ciri-ciri kena corona",)),
    FaqDoc(5, "Berapa harga tes PCR?", "id", "biaya", ("Tarif swab PCR",)),
]
CHIP = "Vaksin COVID-19 mengandung microchip untuk melacak dan mengendalikan penduduk."
FIVE_G = "Jaringan 5G menyebarkan virus corona dan melemahkan daya tahan tubuh manusia."
WATER = (
    "Minum air hangat dan berkumur air garam membunuh virus corona di tenggorokan "
    "sebelum masuk ke paru-paru."
)
HOAXES = [
    HoaxDoc(10, CHIP, urls=("https://turnbackhoax.id/chip",)),
    HoaxDoc(11, FIVE_G),
    HoaxDoc(12, WATER, variants=("Kumur air garam membunuh corona di tenggorokan",)),
    HoaxDoc(13, "Bawang putih menyembuhkan covid", urls=("https://who.int/myths",)),
    HoaxDoc(14, "Kalung kayu putih membunuh corona", urls=("https://who.int/myths",)),
]


@pytest.fixture(scope="module")
def faq():
    return FaqIndex(FAQ)


@pytest.fixture(scope="module")
def hoax():
    return HoaxIndex(HOAXES)


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("isoman brp hr?", "isoman"),
        ("berapa lama isolasi mandri", "isoman"),  # typo
        ("gmn cara daftar vaksinasi", "daftar"),
        ("ciri2 kena korona", "gejala"),
        ("harga swab pcr brp", "biaya"),
    ],
)
def test_it_ranks_the_right_entry_first(faq, text, group):
    assert faq.search(text)[0].group == group


def test_it_answers_in_the_users_language_from_a_translation(faq):
    assert faq.search("isoman brp hari", language="en")[0].entry_id == 2
    assert faq.search("how long is self isolation", language="id")[0].entry_id == 1


def test_it_returns_at_most_three_distinct_entries(faq):
    hits = faq.search("vaksin isoman gejala pcr", limit=3)
    assert len(hits) == 3
    assert len({h.group for h in hits}) == 3


@pytest.mark.parametrize(
    ("scores", "kind"),
    [
        ([0.9, 0.3], "answer"),
        ([0.9, 0.85], "suggestions"),  # no margin over the runner-up
        ([0.46, 0.1], "suggestions"),  # below the answer bar
        ([0.2, 0.1], "none"),
        ([], "none"),
    ],
)
def test_it_decides_by_threshold_and_margin(scores, kind):
    hits = [FaqHit(i, f"q{i}", s) for i, s in enumerate(scores)]
    # The clear-lead rule off (tests/chatbot/test_generalise.py covers it).
    t = FaqThresholds(answer=0.5, margin=0.1, suggest=0.4, lead_answer=1.0)
    assert decide_faq(hits, t, n_terms=3).kind == kind


def test_it_never_answers_a_one_word_message_outright():
    hits = [FaqHit(1, "q", 0.95)]
    assert decide_faq(hits, FaqThresholds(), n_terms=1).kind == "suggestions"


@pytest.mark.parametrize(
    "message",
    [
        "SEBARKAN!!! 😱 dari grup sebelah: vaksin covid ternyata mengandung micro chip "
        "untuk melacak dan mengendalikan penduduk!!! https://bit.ly/xyz",
        "vksin kovid mengandng mikrochip utk melacak dn mengendalikn pnduduk",  # typos
        "Vaksin corona ada chipnya buat melacak penduduk",  # changed words
    ],
)
def test_it_recognises_a_mutated_forward(hoax, message):
    best = hoax.search(message)[0]
    assert best.entry_id == 10
    assert best.score >= HoaxThresholds().auto


def test_it_recognises_a_truncated_forward(hoax):
    best = hoax.search("Minum air hangat dan berkumur air garam membunuh virus")[0]
    assert (best.entry_id, best.score >= HoaxThresholds().auto) == (12, True)


def test_it_finds_both_claims_in_one_message(hoax):
    message = f"Waspada!! {FIVE_G} Selain itu {CHIP} Teruskan ke semua grup."
    hits = hoax.search(message)
    assert {h.entry_id for h in hits[:2]} == {10, 11}
    assert all(h.score >= HoaxThresholds().auto for h in hits[:2])


def test_it_matches_a_known_link(hoax):
    hit = hoax.search("cek ini www.turnbackhoax.id/chip/?utm_source=wa")[0]
    assert (hit.entry_id, hit.via, hit.score) == (10, "url", 1.0)


def test_it_ignores_a_link_shared_by_several_entries(hoax):
    assert hoax.search("https://who.int/myths") == []


@pytest.mark.parametrize(
    "message",
    [
        "boleh minum air hangat waktu isoman?",
        "apakah vaksin aman untuk ibu hamil?",
        "jadwal vaksinasi di puskesmas hari sabtu",
        "sinyal hp saya jelek",
    ],
)
def test_it_does_not_flag_ordinary_messages(hoax, message):
    hits = hoax.search(message)
    assert not hits or hits[0].score < HoaxThresholds().suggest


def test_it_offers_the_claim_when_a_question_asks_about_it():
    engine = Engine(faq_docs=FAQ, hoax_docs=HOAXES)
    out = engine.answer("apa benar vaksin mengandung chip?")
    assert (out.kind, out.hoax.entry_id) == ("hoax_possible", 10)
    assert out.hoax.score < HoaxThresholds().auto


@pytest.mark.parametrize(
    ("words", "asks"),
    [
        (("apa", "benar", "vaksin"), True),
        (("benarkah", "5g"), True),
        (("is", "it", "true"), True),
        (("apakah", "vaksin", "aman"), False),
    ],
)
def test_it_detects_questions_about_a_claim(words, asks):
    assert asks_about_claim(words) is asks


def test_it_answers_the_hoax_first_when_a_message_is_both():
    engine = Engine(faq_docs=FAQ, hoax_docs=HOAXES)
    out = engine.answer(f"berapa lama isolasi mandiri? btw {CHIP}")
    assert out.kind == "hoax"
    assert out.hoax.entry_id == 10


def test_an_answer_shows_the_next_entries_over_the_suggestion_floor_beside_it():
    """A resident whose question got the wrong answer can still tap the right one."""
    docs = [
        FaqDoc(1, "Berapa lama isolasi mandiri?", "id", "isoman"),
        FaqDoc(2, "Kapan isolasi mandiri boleh selesai?", "id", "selesai"),
        FaqDoc(3, "Berapa harga tes PCR?", "id", "biaya"),
    ]
    engine = Engine(faq_docs=docs, hoax_docs=[])
    t = FaqThresholds(answer=0.3, margin=0.05, suggest=0.1, lead_answer=1.0)
    out = engine.answer("berapa lama isolasi mandiri", thresholds=Thresholds(faq=t))
    assert (out.kind, out.faq.entry_id) == ("faq", 1)
    floor = max(t.also_suggest, RELATED_SHARE * out.faq.score)
    assert [h.entry_id for h in out.related] == [
        h.entry_id for h in out.faq_hits[1:3] if h.score >= floor
    ]
    assert 2 in {h.entry_id for h in out.related}
    # The price test shares only "berapa": far below the answer, not shown beside it.
    assert 3 not in {h.entry_id for h in out.related}
    assert out.faq_shown == (out.faq, *out.related)
    # Nothing under the floor is shown beside it.
    high = FaqThresholds(answer=0.3, margin=0.05, suggest=0.99, lead_answer=1.0)
    high_floor = engine.answer(
        "berapa lama isolasi mandiri", thresholds=Thresholds(faq=high)
    )
    assert high_floor.kind == "faq"
    assert high_floor.related == ()
    assert high_floor.faq_shown == (high_floor.faq,)


def test_a_possibly_related_claim_comes_with_the_faq_entries_on_the_question():
    docs = [*FAQ, FaqDoc(6, "Apa isi vaksin COVID-19?", "id", "isi")]
    engine = Engine(faq_docs=docs, hoax_docs=HOAXES)
    question = "apa benar vaksin mengandung chip?"
    best = engine.faq.search(question)[0]
    assert best.entry_id == 6
    # From `beside_claim` on, the FAQ's entries are shown beside the claim.
    beside = Thresholds(faq=FaqThresholds(beside_claim=best.score))
    out = engine.answer(question, thresholds=beside)
    assert (out.kind, out.hoax.entry_id) == ("hoax_possible", 10)
    assert out.suggestions and out.suggestions[0].entry_id == 6
    assert out.faq_shown == out.suggestions
    # Under it the claim stands alone.
    above = Thresholds(faq=FaqThresholds(beside_claim=best.score + 0.01))
    out = engine.answer(question, thresholds=above)
    assert (out.kind, out.suggestions, out.faq_shown) == ("hoax_possible", (), ())
    # A verdict stands alone.
    assert engine.answer(CHIP, thresholds=beside).faq_shown == ()


def test_it_falls_back_on_empty_and_unknown_messages():
    engine = Engine(faq_docs=FAQ, hoax_docs=HOAXES)
    assert engine.answer("🙏🙏").kind == "fallback"
    assert engine.answer("resep rendang padang yang empuk").kind == "fallback"


def test_it_works_with_an_empty_knowledge_base():
    engine = Engine(faq_docs=[], hoax_docs=[])
    assert engine.answer("gmn cara isoman", thresholds=Thresholds()).kind == "fallback"


def test_minhash_lsh_finds_near_duplicates_and_not_strangers():
    texts = [
        "vaksin covid mengandung chip untuk melacak penduduk",
        "minum air hangat membunuh virus di tenggorokan",
        "jaringan 5g menyebarkan virus corona",
    ]
    lsh = MinHashLSH(texts)
    assert lsh.query("vaksin covid mengandung chip untuk melacak penduduk desa") == [0]
    assert lsh.query("resep masakan padang pedas") == []
