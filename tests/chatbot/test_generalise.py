"""Issue 17: the language rule, no dead ends, short forwards, fact-check imports,
inbox grouping, and the figures on the held-out test split."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from chatbot import rules
from chatbot.index import thresholds
from chatbot.matching import Engine, FaqDoc
from chatbot.matching.engine import Thresholds, faq_docs_from_records
from chatbot.matching.evaluation import (
    EVAL_SET,
    FAQ_STARTER,
    HOAX_STARTER,
    TEST_FAQ_FILES,
    TEST_HOAX_FILE,
    curator_loop,
    evaluate_faq_split,
    evaluate_hoax_split,
    held_out_questions,
    load_json,
    paraphrase_halves,
    starter_engine,
)
from chatbot.matching.faq_index import FaqThresholds
from chatbot.matching.normalise import detect_language
from chatbot.models import HoaxEntry, UnansweredQuestion
from chatbot.services import message_answer

HALAL_ID = "Vaksin COVID-19 sudah dinyatakan halal dan suci oleh MUI."
HALAL_EN = "The COVID-19 vaccines used here were declared halal by the MUI."


def halal_engine(*, linked: bool) -> Engine:
    return Engine(
        faq_docs=[
            FaqDoc(1, "Apakah vaksin COVID-19 halal?", "id", "halal", answer=HALAL_ID),
            FaqDoc(
                2,
                "Is the COVID-19 vaccine halal?",
                "en",
                "halal" if linked else "",
                answer=HALAL_EN,
            ),
            FaqDoc(3, "Berapa lama isolasi mandiri?", "id", "isoman"),
        ],
        hoax_docs=[],
    )


@pytest.mark.parametrize("linked", [True, False])
@pytest.mark.parametrize(
    ("text", "channel", "expected"),
    [
        ("apakah vaksin corona itu haram?", "id", 1),
        ("apakah vaksin corona itu haram?", "en", 1),
        ("is the corona vaccine haram or not?", "id", 2),
        ("is the corona vaccine haram or not?", "en", 2),
    ],
)
def test_it_answers_in_the_language_of_the_question(linked, text, channel, expected):
    engine = halal_engine(linked=linked)
    out = engine.answer(text, language=channel)
    shown = [out.faq] if out.faq else list(out.suggestions)
    assert shown and {h.entry_id for h in shown} == {expected}
    assert out.language == ("id" if expected == 1 else "en")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("apakah vaksin aman untuk ibu hamil", "id"),
        ("gmn cara daftar vaksin ya kak", "id"),
        ("what are the symptoms of dengue?", "en"),
        ("where can i get a free hiv test", "en"),
        # Session 24: one Indonesian function word and Indonesian words decide too,
        # whatever the chat's language (an English chat got English answers).
        ("isoman brp hari?", "id"),
        ("berapa lama isolasi mandiri?", "id"),
        ("demam berdarah anak", "id"),
        ("isolasi?", None),
        ("covid", None),
        # One function word, but no Indonesian word and English ones the lexicon
        # reads as Indonesian (session 8): English.
        ("is monkeypox contagious?", "en"),
        ("symptoms of covid?", "en"),
        ("dbd in jakarta", None),
        # Session 9: "hospital" is in the Indonesian dictionary too; two English
        # words the lexicon knows outweigh it.
        ("does bpjs cover covid hospital treatment", "en"),
        ("dbd di rumah sakit", "id"),
        ("covid vaccine booster", None),
    ],
)
def test_detect_language(text, language):
    from chatbot.matching import Normaliser

    assert detect_language(Normaliser().analyse(text).written) == language


def test_a_short_english_question_is_answered_in_english():
    """The language is read from the words as written: synonyms turn "contagious"
    into "menular" before matching, and must not make the question Indonesian."""
    engine = Engine(
        faq_docs=faq_docs_from_records(
            [
                {
                    "key": "mpox",
                    "language": "id",
                    "question": "Apa itu mpox (cacar monyet) dan bagaimana penularannya?",
                    "answer": "Mpox menular melalui kontak erat dengan ruam penderita.",
                },
                {
                    "key": "mpox",
                    "language": "en",
                    "question": "What is mpox (monkeypox) and how does it spread?",
                    "answer": "Mpox spreads through close contact with the rash.",
                },
            ]
        ),
        hoax_docs=[],
    )
    out = engine.answer("is monkeypox contagious", language="id")
    assert out.language == "en"
    shown = [out.faq] if out.faq else list(out.suggestions)
    assert shown and shown[0].question.startswith("What is mpox")


def emergency_engine() -> Engine:
    return Engine(
        faq_docs=faq_docs_from_records(
            [
                {
                    "key": "darurat",
                    "language": "id",
                    "question": "Berapa nomor darurat jika gejala COVID-19 memburuk?",
                    "answer": "Hubungi 119 ekstensi 9 atau puskesmas terdekat bila "
                    "sesak napas, bibir kebiruan, atau tidak sadar.",
                },
                {
                    "key": "darurat",
                    "language": "en",
                    "question": "Which number do I call when COVID-19 gets worse?",
                    "answer": "Call the 119 emergency line, extension 9, or the "
                    "nearest puskesmas hotline when breathing gets hard.",
                },
            ]
        ),
        hoax_docs=[],
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # No function word at all: the words only the English entry uses.
        ("covid emergency hotline", "en"),
        ("emergency number covid", "en"),
        # Indonesian, or too little to tell: the channel's language.
        ("nomor darurat covid", "id"),
        ("covid 119", "id"),
    ],
)
def test_words_only_the_english_entries_use_tell_a_short_question_english(
    text, language
):
    engine = emergency_engine()
    assert engine.faq.language_words["en"] >= {"emergency", "hotline", "call"}
    assert "darurat" in engine.faq.language_words["id"]
    out = engine.answer(text, language="id")
    assert out.language == language
    shown = [out.faq] if out.faq else list(out.suggestions)
    assert shown and shown[0].question.startswith(
        "Which" if language == "en" else "Berapa"
    )


def test_a_knowledge_base_in_one_language_teaches_no_language_words():
    engine = Engine(
        faq_docs=[FaqDoc(1, "Berapa nomor darurat COVID-19?", "id", "darurat")],
        hoax_docs=[],
    )
    assert engine.faq.language_words == {}
    assert engine.answer("covid emergency hotline", language="id").language == "id"


def test_a_new_entry_is_found_through_its_answer_and_offered_when_unsure():
    engine = Engine(
        faq_docs=[
            FaqDoc(
                1,
                "Apa pertolongan pertama diare pada anak?",
                answer="Beri oralit setiap kali anak buang air besar cair dan tablet "
                "zinc 10 hari.",
            ),
            FaqDoc(2, "Berapa lama isolasi mandiri?", group="isoman"),
            FaqDoc(3, "Apa saja gejala COVID-19?", group="gejala"),
        ],
        hoax_docs=[],
    )
    out = engine.answer("anak perlu dikasih oralit sama zinc?")
    assert out.faq_hits[0].entry_id == 1
    assert out.kind in ("faq", "faq_suggestions")
    assert len(out.suggestions) <= 3
    assert engine.answer("jadwal kereta ke bandung besok").kind == "fallback"


@pytest.fixture(scope="module")
def starter():
    return starter_engine()


@pytest.mark.parametrize(
    "text",
    [
        "vaksin covid ada chip pelacaknya, sebarkan ke grup!",
        "vaksin ada chipnya. bener gak?",
        "vaksin corona ada microchipnya?",
    ],
)
def test_short_forwards_and_questions_show_the_claim(starter, text):
    engine, _, hoax_key = starter
    out = engine.answer(text, thresholds=thresholds())
    assert out.kind in ("hoax", "hoax_possible")
    assert hoax_key[out.hoax.entry_id] == "vaksin-microchip"


@pytest.mark.parametrize(
    "text",
    ["corona", "vaksin corona", "vaksin covid sebarkan", "info vaksin corona dong"],
)
def test_topic_words_alone_never_get_a_verdict(starter, text):
    engine, _, _ = starter
    assert engine.answer(text, thresholds=thresholds()).kind != "hoax"


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("apa gejala covid?", "Apa saja gejala COVID-19?"),
        ("Apa saja gejala COVID-19?", "Apa saja gejala COVID-19?"),
        ("what are the symptoms of covid?", "What are the symptoms of COVID-19?"),
    ],
)
def test_a_question_saying_exactly_an_entrys_phrasing_is_answered(
    starter, text, question
):
    """Its sibling ("… pada anak?") scores close behind, under the margin: the
    entry's own words still decide (an outside tester met suggestions here)."""
    engine, _, _ = starter
    out = engine.answer(text, thresholds=thresholds())
    assert out.kind == "faq"
    assert out.faq.question == question


def test_a_question_saying_more_than_an_entry_is_not_forced_to_it(starter):
    engine, _, _ = starter
    out = engine.answer("apa gejala covid pada anak?", thresholds=thresholds())
    assert out.kind != "faq" or "anak" in out.faq.question.lower()


@pytest.mark.parametrize(
    ("a", "b", "best", "same"),
    [
        (
            "isolasi mandiri berapa hari",
            "berapa hari isolasi mandiri",
            (None, None),
            True,
        ),
        ("puskesmas buka minggu", "puskesmas buka hari minggu jam", (None, None), True),
        ("obat cacing anak", "minum obat cacing kapan", (7, 7), True),
        ("obat cacing anak", "minum obat cacing kapan", (7, 8), False),
        ("harga tes pcr", "vaksin booster kapan", (3, 3), False),
    ],
)
def test_same_question_groups_paraphrases(a, b, best, same):
    assert (
        rules.same_question(a.split(), b.split(), best_a=best[0], best_b=best[1])
        == same
    )


# --- through the database -------------------------------------------------------------

HOAX_CSV = (
    "claim,verdict,explanation,source_url,published_on,tags,narasi,variant_1,variant_2\n"
    '"[SALAH] Air Rebusan Daun Sirsak Lebih Kuat dari Kemoterapi",hoaks,'
    '"Belum ada uji klinis pada manusia.",https://example.org/sirsak,2021-02-01,'
    'kanker,"Rebus 10 lembar daun sirsak dengan 3 gelas air, minum tiap pagi. '
    '10.000x lebih kuat dari kemoterapi membunuh sel kanker!",'
    '"sirsak bunuh kanker lebih ampuh dari kemo",https://s.id/sirsak\n'
)


@pytest.mark.django_db
def test_import_hoaxes_takes_the_narrative_and_variant_columns(tmp_path):
    path = tmp_path / "cekfakta.csv"
    path.write_text(HOAX_CSV, encoding="utf-8")
    call_command("import_hoaxes", str(path))
    entry = HoaxEntry.objects.get()
    assert entry.claim == "Air Rebusan Daun Sirsak Lebih Kuat dari Kemoterapi"
    assert entry.narrative.startswith("Rebus 10 lembar daun sirsak")
    assert entry.variants == [
        "sirsak bunuh kanker lebih ampuh dari kemo",
        "https://s.id/sirsak",
    ]
    forwarded = (
        "🌿 INFO!! rebus 10 lembar daun sirsak pake 3 gelas air, minum tiap pagi, "
        "10rb x lbh kuat dr kemoterapi bunuh sel kanker. Sebarkan"
    )
    assert message_answer(text=forwarded).kind == "hoax"
    assert message_answer(text="cek ini https://s.id/sirsak").kind == "hoax"
    call_command("import_hoaxes", str(path))  # re-import: still one entry, unchanged
    assert HoaxEntry.objects.get().narrative == entry.narrative


@pytest.mark.django_db
def test_the_inbox_groups_paraphrases_near_the_same_entry(starter_db):
    for text in [
        "kapan puskesmas tembalang bagi obat cacing gratis",
        "obat cacing gratis di puskesmas tembalang kapan dibagi ya",
    ]:
        assert message_answer(text=text).kind in ("fallback", "faq_suggestions")
    group = UnansweredQuestion.objects.get()
    assert group.count == 2


@pytest.fixture
def starter_db(db):
    from chatbot.demo import chatbot_demo_seed

    return chatbot_demo_seed()


# --- the held-out test split (measured, never tuned on) -------------------------------


@pytest.mark.django_db
def test_the_test_split_holds_its_measured_figures():
    """Guards the figures reported in the README against regressions (some targets
    are missed; these are the measured levels, not the issue's targets)."""
    from chatbot.quality import imported_engine

    questions = held_out_questions()
    hoaxes = load_json(TEST_HOAX_FILE)
    for faq_files, hoax_files, top1, recall3 in (
        ((FAQ_STARTER, *TEST_FAQ_FILES), (HOAX_STARTER, TEST_HOAX_FILE), 95, 95.5),
        (TEST_FAQ_FILES, (TEST_HOAX_FILE,), 94, 97.5),
    ):
        kb = imported_engine(faq_files=faq_files, hoax_files=hoax_files)
        r = evaluate_faq_split(
            kb.engine, kb.faq_key, kb.faq_language, questions, thresholds=thresholds()
        )
        evaluate_hoax_split(
            kb.engine, kb.hoax_key, hoaxes, thresholds=thresholds(), report=r
        )
        # Aggregates only: which held-out items fail is never printed (not read).
        figures = "\n".join(r.lines())
        met = (
            r.faq_top1 >= top1
            and r.faq_recall3 >= recall3
            and r.language_ok
            and r.claim_right >= 85.0
            and r.claim_wrong <= 2.0
            and r.ordinary_flagged == 0
        )
        del r
        assert met, figures


# --- the curator loop -----------------------------------------------------------------


def test_each_entrys_phrasings_are_split_into_asked_before_and_after():
    questions = [
        {"text": "a1", "faq": "a"},
        {"text": "b1", "faq": "b"},
        {"text": "a2", "faq": "a"},
        {"text": "a3", "faq": "a"},
        {"text": "c1", "faq": "c"},
        {"text": "b2", "faq": "b"},
    ]
    before, after = paraphrase_halves(questions)
    assert [q["text"] for q in before] == ["a1", "a2", "b1"]
    assert [q["text"] for q in after] == ["a3", "b2"]  # c: asked once, left out


def test_the_curator_loop_raises_top1_on_the_later_phrasings():
    """Development split (tuned on): the starter FAQ without alternates; week 1's
    inbox groups become alternates, the same entries' other phrasings do better."""
    from chatbot.services.inbox import group_terms

    bare = [dict(r, alternates=[]) for r in load_json(FAQ_STARTER)]
    rows = curator_loop(
        bare,
        load_json(EVAL_SET)["questions"],
        group_same=rules.same_question,
        topic=group_terms,
        steps=(0, 1000),
        thresholds=thresholds(),
    )
    first, last = rows[0], rows[-1]
    assert first.alternates == 0 and last.alternates > 0
    assert last.top1 > first.top1
    assert last.curated_top1 > last.curated_top1_before


def test_words_most_answers_use_count_less_than_specific_ones():
    filler = " Jika sudah sehat, tetap jaga kesehatan."
    engine = Engine(
        faq_docs=[
            FaqDoc(
                1,
                "Sudah vaksin kok masih tertular?",
                group="a",
                answer="Risiko" + filler,
            ),
            FaqDoc(
                2,
                "Bolehkah ibu positif menyusui?",
                group="b",
                answer="Boleh memberi ASI.",
            ),
            FaqDoc(
                3, "Berapa lama isolasi?", group="c", answer="Sepuluh hari." + filler
            ),
            FaqDoc(4, "Apa gejala COVID-19?", group="d", answer="Demam." + filler),
            FaqDoc(5, "Di mana tes PCR?", group="e", answer="Puskesmas." + filler),
        ],
        hoax_docs=[],
    )
    content = engine.faq._content
    assert content["sudah"] < content["asi"]
    assert content["sehat"] < content["demam"]


# --- words nobody wrote: misspellings, the fact-check's explanation ------------------


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("gejalah covid apa ajah", 3),
        ("brp hari isolasii mandirii", 2),
        ("syarat vaksinnasi booster", 1),
    ],
)
def test_a_misspelt_word_is_read_as_the_nearest_word_the_entries_use(text, entry):
    engine = Engine(
        faq_docs=[
            FaqDoc(1, "Kapan saya bisa mendapat vaksin booster?", group="booster"),
            FaqDoc(2, "Berapa lama isolasi mandiri?", group="isoman"),
            FaqDoc(3, "Apa saja gejala COVID-19?", group="gejala"),
            FaqDoc(4, "Apa itu tes antigen?", group="antigen"),
        ],
        hoax_docs=[],
    )
    assert engine.faq.search(text)[0].entry_id == entry
    # Words no entry is near stay as they are: nothing is offered.
    assert engine.answer("jadwal kereta bandung", thresholds=thresholds()).kind == (
        "fallback"
    )


CHIP_EXPLANATION = (
    "Faktanya, vaksin tidak berisi perangkat elektronik apa pun. Jarum suntik "
    "terlalu kecil untuk menyuntikkan pemancar GPS, dan tidak ada baterai yang "
    "dapat bekerja di dalam tubuh."
)


def chip_engine() -> Engine:
    from chatbot.matching import HoaxDoc

    return Engine(
        faq_docs=[FaqDoc(1, "Apa efek samping vaksin?", group="kipi")],
        hoax_docs=[
            HoaxDoc(
                1,
                "Vaksin COVID-19 berisi microchip untuk melacak warga",
                explanation=CHIP_EXPLANATION,
            ),
            HoaxDoc(2, "Minum air kelapa hijau menyembuhkan COVID-19"),
            HoaxDoc(3, "Masker membuat kadar oksigen turun dan keracunan CO2"),
            HoaxDoc(4, "Rumah sakit meng-covid-kan pasien demi anggaran"),
            HoaxDoc(5, "Jaringan 5G menyebarkan virus corona"),
            HoaxDoc(6, "Bawang putih rebus menyembuhkan corona dalam semalam"),
        ],
    )


def test_the_explanation_shows_a_claim_it_describes_as_possible_only():
    engine = chip_engine()
    out = engine.answer(
        "ada pemancar gps di jarum suntik vaksin, baterainya di dalam tubuh. bener?",
        thresholds=thresholds(),
    )
    assert out.kind == "hoax_possible"
    assert out.hoax.entry_id == 1
    # Topic words the explanation shares with everything are no evidence.
    assert engine.answer("vaksin apa pun aman?", thresholds=thresholds()).kind in (
        "faq",
        "faq_suggestions",
        "fallback",
    )


def test_without_the_explanation_the_same_question_finds_no_claim():
    from chatbot.matching import hoax_index

    engine = chip_engine()
    text = "ada pemancar gps di jarum suntik vaksin, baterainya di dalam tubuh. bener?"
    weight = hoax_index.EXPLANATION_WEIGHT
    try:
        hoax_index.EXPLANATION_WEIGHT = 0.0
        assert engine.answer(text, thresholds=thresholds()).kind != "hoax_possible"
    finally:
        hoax_index.EXPLANATION_WEIGHT = weight


# --- words people use, dictionary words, a clear lead (session 4) --------------------


def test_a_dictionary_word_is_not_read_as_another_entry_word():
    """ "teman" is a word, not a typo of "tekan"; "barang" is not "baring"."""
    engine = Engine(
        faq_docs=[
            FaqDoc(
                1,
                "Berapa saturasi oksigen normal?",
                group="saturasi",
                answer="Bila turun, berbaring tengkurap dan tekan tombol darurat.",
            ),
            FaqDoc(2, "Teman kantor positif, harus karantina?", group="kontak"),
        ],
        hoax_docs=[],
    )
    assert engine.faq._spell(("teman", "barang")) == ("teman", "barang")
    assert engine.faq._spell(("saturasii",)) == ("saturasi",)  # a typo still is


def test_a_shortened_or_doubled_word_is_read_as_the_entries_word():
    """Session 17: "autis" for "autisme", "panas2an" for "panas"; only when exactly
    one of the entries' words starts with it, and never a dictionary word."""
    engine = Engine(
        faq_docs=[
            FaqDoc(1, "Apa tanda awal autisme pada anak?", group="autisme"),
            FaqDoc(2, "Kerja di bawah panas terik, kepala pusing?", group="panas"),
            FaqDoc(3, "Imunisasi menambah imunitas anak?", group="imunisasi"),
        ],
        hoax_docs=[],
    )
    spell = engine.faq._spell
    assert spell(("autis", "panas2an")) == ("autisme", "panas")
    # Two entry words start with it: which one is meant is unknown.
    assert spell(("imuni",)) == ("imuni",)
    # Longer than SPELL_EXTRA_LETTERS more, or a base no entry uses: as written.
    assert spell(("autisx", "hujan2an")) == ("autisx", "hujan2an")
    assert engine.faq.search("ciri anak autis")[0].group == "autisme"


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("habis vaksin demam wajar gak", "kipi"),
        ("tes covid harus bayar?", "biaya"),
        ("udah sembuh tp masih ngos2an", "sesak"),
        ("can kids get the covid vaccine?", "anak"),
        ("how is covid transmitted", "tular"),
    ],
)
def test_everyday_and_english_words_find_the_entry(text, group):
    engine = Engine(
        faq_docs=[
            FaqDoc(1, "Apakah demam setelah vaksin normal?", group="kipi"),
            FaqDoc(2, "Berapa biaya tes PCR?", group="biaya"),
            FaqDoc(3, "Sesak napas setelah sembuh, kenapa?", group="sesak"),
            FaqDoc(4, "Can children get the COVID-19 vaccine?", "en", group="anak"),
            FaqDoc(5, "How does COVID-19 spread?", "en", group="tular"),
            FaqDoc(6, "Where can I get tested?", "en", group="tes"),
        ],
        hoax_docs=[],
    )
    language = detect_language(engine.normaliser.analyse(text).words) or "id"
    assert engine.faq.search(text, language=language)[0].group == group


def test_an_entry_written_only_in_the_other_language_is_shown_rather_than_nothing():
    """An English question on an entry the curator wrote only in Indonesian gets that
    entry (no dead end), while an English entry that fits as well comes first."""
    engine = Engine(
        faq_docs=[
            FaqDoc(
                1,
                "Bagaimana cara berhenti merokok?",
                "id",
                "rokok",
                answer="Layanan berhenti merokok gratis di puskesmas: konseling.",
            ),
            FaqDoc(2, "How long is home isolation?", "en", "isoman"),
            FaqDoc(3, "Berapa lama isolasi mandiri?", "id", "isoman"),
        ],
        hoax_docs=[],
    )
    hits = engine.faq.search("how can i quit smoking?", language="en")
    assert hits and hits[0].entry_id == 1
    out = engine.answer("how can i quit smoking?", language="id")
    shown = [out.faq] if out.faq else list(out.suggestions)
    assert [h.entry_id for h in shown][:1] == [1]
    # The linked entry is still shown in the asked language only.
    hits = engine.faq.search("how long is home isolation?", language="en")
    assert [h.entry_id for h in hits][:1] == [2]
    assert 3 not in {h.entry_id for h in hits}


def test_a_linked_entry_of_the_asked_language_never_hides_an_untranslated_one():
    """Session 12: an Indonesian-only entry that an English question fits second is
    offered second, behind the English entry of a linked pair (a linked entry has its
    translation, so the other cannot be an unlinked copy of it)."""
    engine = Engine(
        faq_docs=[
            FaqDoc(1, "What are the symptoms of COVID-19 in children?", "en", "anak"),
            FaqDoc(2, "Apa gejala COVID-19 pada anak?", "id", "anak"),
            FaqDoc(
                3,
                "Apa yang harus dilakukan bila anak kejang demam?",
                "id",
                "kejang",
                answer="Kejang demam (step) pada anak: baringkan miring, jangan "
                "masukkan apa pun ke mulut, bawa ke puskesmas bila lebih dari 5 menit.",
            ),
            FaqDoc(4, "How long is home isolation?", "en", "isoman"),
            FaqDoc(5, "Berapa lama isolasi mandiri?", "id", "isoman"),
        ],
        hoax_docs=[],
    )
    text = "what are the symptoms of covid in children, can it cause seizures?"
    hits = engine.faq.search(text, language="en")
    assert [h.entry_id for h in hits][:2] == [1, 3]
    # Where it fits best, it comes first.
    hits = engine.faq.search("my child had a seizure with fever", language="en")
    assert hits[0].entry_id == 3


@pytest.mark.parametrize(
    ("text", "language", "shown", "hidden"),
    [
        ("apakah vaksin corona itu haram?", "id", 1, 2),
        ("is the corona vaccine haram or not?", "en", 2, 1),
    ],
)
def test_an_unlinked_translation_is_not_offered_beside_its_original(
    text, language, shown, hidden
):
    hits = halal_engine(linked=False).faq.search(text, language=language)
    assert hits[0].entry_id == shown
    assert hidden not in {h.entry_id for h in hits}


def test_the_language_figure_counts_an_entry_without_the_asked_version_as_right():
    from chatbot.matching.evaluation_held_out import evaluate_faq_split

    engine = Engine(
        faq_docs=[FaqDoc(1, "Bagaimana cara berhenti merokok?", "id", "rokok")],
        hoax_docs=[],
    )
    questions = [{"text": "how can i quit smoking?", "faq": "rokok", "language": "en"}]
    r = evaluate_faq_split(engine, {1: "rokok"}, {1: "id"}, questions)
    assert (r.shown, r.right_language, r.recall3, r.ranked3) == (1, 1, 1, 1)


def test_recall_counts_what_the_resident_sees_not_the_ranking():
    """A question the FAQ ranks but does not answer or suggest (fallback: the reply
    offers a health worker) is in the ranking's top 3, never recalled: recall@3
    counts the entries shown."""
    from chatbot.matching.evaluation_held_out import evaluate_faq_split

    engine = Engine(
        faq_docs=[FaqDoc(1, "Bagaimana cara berhenti merokok?", "id", "rokok")],
        hoax_docs=[],
    )
    questions = [{"text": "cara berhenti merokok", "faq": "rokok", "language": "id"}]
    always_fallback = Thresholds(
        faq=FaqThresholds(answer=2.0, margin=0.0, suggest=2.0, lead_answer=2.0)
    )
    r = evaluate_faq_split(
        engine, {1: "rokok"}, {1: "id"}, questions, thresholds=always_fallback
    )
    assert (r.ranked3, r.fallback, r.shown, r.recall3) == (1, 1, 0, 0)
    r = evaluate_faq_split(engine, {1: "rokok"}, {1: "id"}, questions)
    assert (r.ranked3, r.recall3) == (1, 1)


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("amoxicillin ampuh buat covid ga", "antibiotik"),
        ("should i take antibiotics for covid", "antibiotik"),
        ("vape juga bikin covid makin parah?", "rokok"),
        ("is smoking bad if i get covid", "rokok"),
        ("can my dog give me covid?", "hewan"),
        ("naik pesawat ke bali aman gak", "perjalanan"),
        ("abis covid jadi pelupa, normal?", "pasca"),
    ],
)
def test_a_medicine_habit_or_animal_is_read_as_the_word_entries_use(text, group):
    """Session 6: a drug's name also says its class, vaping is smoking, a dog is the
    pet an entry means (general vocabulary)."""
    engine = Engine(
        faq_docs=[
            FaqDoc(
                1, "Apakah antibiotik bisa menyembuhkan COVID-19?", group="antibiotik"
            ),
            FaqDoc(2, "Apakah perokok lebih berisiko sakit berat?", group="rokok"),
            FaqDoc(
                3,
                "Apakah hewan peliharaan menularkan COVID-19?",
                group="hewan",
                answer="Tidak ada bukti anjing dan kucing menularkan virus.",
            ),
            FaqDoc(4, "Apa syarat perjalanan dalam negeri?", group="perjalanan"),
            FaqDoc(
                5,
                "Apa itu kondisi pasca COVID-19?",
                group="pasca",
                answer="Keluhan seperti gangguan daya ingat dan sulit konsentrasi.",
            ),
            FaqDoc(6, "Obat apa yang diminum saat sakit COVID-19?", group="obat"),
            FaqDoc(7, "Apakah COVID-19 bisa parah pada anak?", group="anak"),
            FaqDoc(8, "Kapan harus tes PCR?", group="tes"),
        ],
        hoax_docs=[],
    )
    assert engine.faq.search(text)[0].group == group


def test_a_clear_lead_just_under_the_bar_is_answered():
    from chatbot.matching.faq_index import FaqHit, decide_faq

    t = thresholds().faq
    assert (t.answer, t.lead_answer, t.lead_margin) == (0.40, 0.28, 0.14)
    best = FaqHit(1, "a", 0.37)
    assert decide_faq([best, FaqHit(2, "b", 0.15)], t).kind == "answer"
    # Close runner-up: the resident chooses.
    assert decide_faq([best, FaqHit(2, "b", 0.30)], t).kind == "suggestions"
    # Well under the bar: never an answer, however far ahead.
    assert decide_faq([FaqHit(1, "a", 0.25), FaqHit(2, "b", 0.05)], t).kind == (
        "suggestions"
    )
    # One word: suggestions only.
    assert decide_faq([best], t, n_terms=1).kind == "suggestions"


def test_a_vague_question_gets_suggestions_not_a_dead_end():
    records = load_json(FAQ_STARTER)
    engine = Engine(
        faq_docs=[
            FaqDoc(i, r["question"], r.get("language", "id"), r["key"])
            for i, r in enumerate(records, 1)
        ],
        hoax_docs=[],
    )
    out = engine.answer("vaksin gmn ya?", thresholds=thresholds())
    assert out.kind == "faq_suggestions"
    # Three vaccine entries to tap, each a different question, none of another topic.
    groups = [s.group for s in out.suggestions]
    assert len(groups) == 3 and len(set(groups)) == 3
    assert all(group.startswith("vaksin-") for group in groups)


# --- a second opinion on the third suggestion: word shapes ----------------------------


def test_word_shapes_share_grams_across_inflections():
    from chatbot.matching.faq_index import shape_grams

    shared = set(shape_grams(["vaksinnya"])) & set(shape_grams(["divaksin"]))
    assert {"vak", "vaks", "vaksi", "aksin"} <= shared


def _bare_starter() -> Engine:
    records = [dict(r, alternates=[]) for r in load_json(FAQ_STARTER)]
    return Engine(faq_docs=faq_docs_from_records(records), hoax_docs=[])


@pytest.mark.parametrize(
    ("text", "group"),
    [
        # "quarantine" is shaped like the entry's "karantina".
        ("How long is quarantine?", "tes-kontak-erat"),
    ],
)
def test_an_entry_alike_in_shape_takes_the_third_suggestion(text, group):
    engine = _bare_starter()
    out = engine.answer(text, thresholds=thresholds())
    assert out.kind == "faq_suggestions"
    assert group in [h.group for h in out.suggestions]
    # Without the second opinion the word ranking alone misses it.
    words_only = engine.faq.search(text, language=out.language)
    assert group not in [h.group for h in words_only]


def test_chatter_is_never_alike_in_shape_to_an_entry():
    from chatbot.matching.faq_index import shape_grams

    chatter = [
        o["text"] for o in load_json(EVAL_SET)["ordinary"] if o.get("topic") != "health"
    ]
    for engine in (_bare_starter(), starter_engine()[0]):
        bar = engine.faq.shape_bar
        for text in chatter:
            grams = shape_grams(engine.normaliser.analyse(text).words)
            assert engine.faq._shapes.scores(grams).max() < bar, text


def test_an_answer_keeps_its_suggestions_untouched():
    engine = _bare_starter()
    out = engine.answer("berapa lama isolasi mandiri?", thresholds=thresholds())
    assert out.kind == "faq"
    hits = engine.faq.search("berapa lama isolasi mandiri?", language=out.language)
    assert list(out.faq_hits) == hits


# --- no dead end on a question about an entry's rare subject (session 21) -----------


@pytest.mark.parametrize(
    ("words", "everyday"),
    [
        ("tawon mimisan pikun swab dbd", False),
        ("jam paket skor minggu obat rumah cara", True),
        ("hour day time bank", True),
        ("12 2026", True),
    ],
)
def test_everyday_words_come_from_general_word_frequencies(words, everyday):
    from chatbot.matching.everyday import everyday as is_everyday

    assert {is_everyday(w) for w in words.split()} == {everyday}


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("anak diserang tawon, dikasih apa", True),
        ("mau operasi minggu dpn disuruh swab dulu ga ya", True),
        ("my son gets nosebleeds, should he tilt his head back", True),
        ("is it dementia", True),
        ("tawon di kebun", False),
        ("Kerja bakti hari Minggu untuk mencegah DBD, warga diharap hadir.", False),
        ("ga ada yang sakit", False),
        ("tawon di kebun?", True),
    ],
)
def test_a_message_asks_by_its_question_words_or_mark(text, asks):
    from chatbot.matching.normalise import Normaliser

    assert Normaliser().analyse(text).asks is asks


def _health_office() -> tuple[Engine, dict[int, str]]:
    from chatbot.matching.evaluation_sets import DEV_HEALTH_OFFICE

    docs = faq_docs_from_records(load_json(DEV_HEALTH_OFFICE)["entries"])
    return Engine(faq_docs=docs, hoax_docs=[]), {d.entry_id: d.group for d in docs}


def test_a_question_sharing_a_rare_word_with_an_entry_gets_it_suggested():
    engine, key = _health_office()
    text = "anak diserang tawon gede item kuning pas main di kebon, kena banyak, dikasih apa"
    # Under the suggestion bar on score alone ...
    hits = engine.faq.search(text)
    assert key[hits[0].entry_id] == "ho-sengatan-lebah"
    assert hits[0].score < FaqThresholds().suggest
    # ... yet "tawon" is the entry's own subject: offered, not a dead end.
    out = engine.answer(text, thresholds=thresholds())
    assert out.kind == "faq_suggestions"
    assert [key[h.entry_id] for h in out.suggestions] == ["ho-sengatan-lebah"]


def test_entries_ranked_beside_the_one_sharing_a_rare_word_are_offered_too():
    """Session 22: "swab" is the gargle-test entry's word, but the question is the
    one on tests before surgery, ranked beside it at the second suggestion's floor:
    both are offered. One under that floor is not (the bee-sting question above
    gets no unrelated entries beside it)."""
    from chatbot.matching.evaluation_sets import DEV_CURATED_MORE

    docs = faq_docs_from_records(load_json(DEV_CURATED_MORE)["entries"])
    engine, key = (
        Engine(faq_docs=docs, hoax_docs=[]),
        {d.entry_id: d.group for d in docs},
    )
    text = "mau operasi usus buntu minggu dpn disuruh swab dulu ga ya"
    t = thresholds()
    hits = engine.faq.search(text)
    assert [key[h.entry_id] for h in hits[:2]] == [
        "cm-tes-kumur",
        "cm-tes-sebelum-operasi",
    ]
    assert hits[0].score < t.faq.suggest
    assert t.faq.rare_word <= hits[2].score < t.faq.also_suggest <= hits[1].score
    out = engine.answer(text, thresholds=t)
    assert out.kind == "faq_suggestions"
    assert [key[h.entry_id] for h in out.suggestions] == [
        "cm-tes-kumur",
        "cm-tes-sebelum-operasi",
    ]


def test_a_rare_word_counts_as_the_lexicons_reading_of_it():
    """Session 22: "depressed" is rare in everyday language and the lexicon reads it
    as depresi, jiwa; the mental-health entry says "kesehatan jiwa" (never
    "depresi"): offered, though under the suggestion bar."""
    from chatbot.matching.evaluation_sets import DEV_RESIDENT

    docs = faq_docs_from_records(load_json(DEV_RESIDENT)["entries"])
    engine = Engine(faq_docs=docs, hoax_docs=[])
    key = {d.entry_id: d.group for d in docs}
    text = "i feel depressed all the time, where can i get help"
    assert engine.normaliser.read_as("depressed") == ("depresi", "jiwa")
    assert engine.normaliser.read_as("puskesmas") == ()
    t = thresholds()
    # As written (session 28 also reads it through the English dictionary, which
    # lifts it over the bar: "feel", "time", "help").
    as_written = engine.normaliser.analyse(text, translate=False)
    hits = engine.faq.search(as_written)
    assert key[hits[0].entry_id] == "res-jiwa-layanan"
    assert hits[0].score < t.faq.suggest
    related = engine.faq.sharing_rare_words(
        as_written, hits, floor=t.faq.rare_word, beside=t.faq.also_suggest
    )
    assert key[related[0].entry_id] == "res-jiwa-layanan"
    out = engine.answer(text, thresholds=t)
    assert out.kind == "faq_suggestions"
    assert key[out.suggestions[0].entry_id] == "res-jiwa-layanan"


@pytest.mark.parametrize(
    "text",
    [
        # The same rare word in a message that asks nothing.
        "anak diserang tawon gede item kuning pas main di kebon, kena banyak",
        # A question sharing only everyday words with the entries.
        "skor bola tadi malam berapa?",
        # "semarang" is read as the entries' "sembarang" (rare): the resident's own
        # word is everyday, so it does not count.
        "jadwal kereta api dari semarang ke jakarta besok pagi jam berapa?",
    ],
)
def test_no_rare_word_or_no_question_still_falls_back(text):
    engine, _ = _health_office()
    hits = engine.faq.search(text)
    assert hits and hits[0].score < FaqThresholds().suggest
    assert engine.answer(text, thresholds=thresholds()).kind == "fallback"


def test_eval_sets_chatter_gets_no_suggestion_from_a_rare_word():
    chatter = [
        o["text"] for o in load_json(EVAL_SET)["ordinary"] if o.get("topic") != "health"
    ]
    t = thresholds()
    for engine in (_bare_starter(), starter_engine()[0], _health_office()[0]):
        for text in chatter:
            hits = engine.faq.search(text)
            if not hits or hits[0].score < t.faq.suggest:
                assert engine.answer(text, thresholds=t).kind == "fallback", text


def leptospirosis_engine() -> Engine:
    """A fact-check whose narrative opens with true background (the symptoms) before
    the false cure, and the FAQ entries residents ask about (session 24, an outside
    tester: a plain question got "HOAKS" on the narrative's background)."""
    from chatbot.matching.engine import hoax_docs_from_records

    return Engine(
        faq_docs=faq_docs_from_records(
            [
                {
                    "key": "lepto",
                    "question": "Apakah yang dimaksud dengan leptospirosis dan "
                    "bagaimana penularannya?",
                    "answer": "Leptospirosis disebabkan bakteri Leptospira dari urin "
                    "tikus; waspadai demam dan nyeri betis setelah banjir.",
                },
                {
                    "key": "rabies",
                    "question": "Apa yang harus dilakukan apabila seseorang digigit "
                    "hewan penular rabies?",
                    "answer": "Cuci luka gigitan dengan sabun di air mengalir 15 "
                    "menit, lalu segera ke puskesmas untuk vaksin anti rabies.",
                },
            ]
        ),
        hoax_docs=hoax_docs_from_records(
            [
                {
                    "claim": "Minum Air Kelapa Campur Garam Sembuhkan Leptospirosis",
                    "narrative": "Kalau habis kena banjir terus demam dan betis "
                    "sakit, itu kencing tikus. Obatnya gampang, minum air kelapa "
                    "hijau dicampur garam krosok 3 hari pasti sembuh, tidak usah "
                    "ke dokter.",
                    "explanation": "Leptospirosis harus diobati dengan antibiotik.",
                },
                {
                    "claim": "Vaksin Rabies Untuk Manusia Mengandung Virus Hidup",
                    "narrative": "Jangan mau disuntik vaksin anti rabies kalau "
                    "digigit anjing, vaksinnya isi virus hidup, tetangga saya jadi "
                    "gila setelah disuntik.",
                    "explanation": "Vaksin anti rabies berisi virus yang dimatikan.",
                },
            ]
        ),
    )


@pytest.mark.parametrize(
    ("text", "kind", "faq"),
    [
        ("penyakit kencing tikus itu apa", "faq_suggestions", "lepto"),
        (
            "habis banjir terus demam, betis sakit, apa kena kencing tikus?",
            "faq",
            "lepto",
        ),
        ("digigit anjing tetangga harus ngapain dok", "faq_suggestions", "rabies"),
    ],
)
def test_a_question_on_a_narratives_background_gets_the_faq_not_a_verdict(
    text, kind, faq
):
    out = leptospirosis_engine().answer(text, thresholds=thresholds())
    assert out.kind == kind
    shown = [out.faq] if out.faq else list(out.suggestions)
    assert shown[0].group == faq


@pytest.mark.parametrize(
    "text",
    [
        "kencing tikus bisa sembuh pakai air kelapa campur garam?",
        "Kalau habis kena banjir terus demam dan betis sakit itu kencing tikus, obatnya"
        " minum air kelapa hijau dicampur garam krosok 3 hari pasti sembuh!!",
    ],
)
def test_the_claim_itself_still_gets_its_verdict(text):
    out = leptospirosis_engine().answer(text, thresholds=thresholds())
    assert out.kind == "hoax" and out.hoax.on_claim


def coconut_engine() -> Engine:
    """Two fact-checks on the same drink against two diseases, and one on papaya
    leaves (session 25, an outside tester: a COVID forward got the leptospirosis
    verdict; "daun pepaya untuk apa?" got the papaya claim)."""
    from chatbot.matching.engine import hoax_docs_from_records

    return Engine(
        faq_docs=faq_docs_from_records(
            [
                {
                    "key": "isoman-obat",
                    "question": "Obat apa yang diminum saat isolasi mandiri?",
                    "answer": "Minum parasetamol bila demam, vitamin, cukup cairan.",
                }
            ]
        ),
        hoax_docs=hoax_docs_from_records(
            [
                {
                    "key": "covid",
                    "claim": "Minum ramuan air kelapa muda, perasan jeruk nipis, "
                    "garam dan madu menyembuhkan COVID-19.",
                    "explanation": "Tidak ada bukti ramuan ini menyembuhkan COVID-19.",
                },
                {
                    "key": "lepto",
                    "claim": "[SALAH] Air Kelapa Dicampur Garam Bisa Menyembuhkan "
                    "Leptospirosis",
                    "narrative": "Waspada kencing tikus! Obatnya cukup minum air "
                    "kelapa muda dicampur sedikit garam, pasti sembuh. Sebarkan!",
                    "explanation": "Leptospirosis perlu antibiotik dari dokter.",
                },
                {
                    "key": "pepaya",
                    "claim": "[SALAH] Jus Daun Pepaya Menyembuhkan Demam Berdarah "
                    "dalam Sehari",
                    "explanation": "Belum ada bukti daun pepaya menyembuhkan DBD.",
                },
            ]
        ),
    )


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("air kelapa campur garam sembuhkan covid", "covid"),
        ("air kelapa campur garam sembuhkan corona!! sebarkan", "covid"),
        ("air kelapa campur garam sembuhkan leptospirosis", "lepto"),
        ("air kelapa dicampur garam obat kencing tikus, bagikan", "lepto"),
    ],
)
def test_a_forward_gets_the_fact_check_of_the_disease_it_names(text, claim):
    out = coconut_engine().answer(text, thresholds=thresholds())
    assert out.kind == "hoax"
    assert claim_key(out.hoax.entry_id) == claim


def claim_key(entry_id: int) -> str:
    return {1: "covid", 2: "lepto", 3: "pepaya"}[entry_id]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("daun pepaya untuk apa?", "fallback"),
        ("daun pepaya bisa sembuhin dbd?", "hoax_possible"),
        ("apa daun pepaya bisa sembuhkan demam berdarah?", "hoax_possible"),
    ],
)
def test_a_question_asking_for_information_is_not_taken_for_a_claim(text, kind):
    out = coconut_engine().answer(text, thresholds=thresholds())
    assert out.kind == kind
    if kind != "fallback":
        assert claim_key(out.hoax.entry_id) == "pepaya"


def test_a_forward_on_a_disease_no_claim_names_gets_no_verdict():
    """Salted drinks are how diarrhoea is treated at home: a COVID-19 or
    leptospirosis fact-check says nothing of it (an outside tester got "HOAKS")."""
    out = coconut_engine().answer(
        "air kelapa campur garam sembuhkan diare", thresholds=thresholds()
    )
    assert out.kind != "hoax"
