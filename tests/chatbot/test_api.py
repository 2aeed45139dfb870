"""POST /api/v1/chatbot/ask and /reports."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from chatbot.models import HoaxReport, MatchStat, PossibleHoaxMatch, UnansweredQuestion

ASK = "/api/v1/chatbot/ask"
REPORTS = "/api/v1/chatbot/reports"
CHIP_FORWARD = (
    "SEBARKAN!!! dari grup sebelah 😱 vaksin covid19 berisi microchip yg disuntikkan "
    "buat melacak & mengendalikan penduduk. https://bit.ly/abc"
)

pytestmark = pytest.mark.django_db


def ask(client, text, **extra):
    return client.post(ASK, {"text": text, **extra}, format="json")


def test_it_answers_a_faq_with_slang_and_typos(api_client, starter):
    r = ask(api_client, "isoman brp hari sih min?")
    assert r.status_code == 200
    body = r.json()
    assert body["kind"] == "faq"
    assert body["faq"]["question"] == "Berapa lama isolasi mandiri?"
    assert 0 < body["faq"]["score"] <= 1
    assert "10 hari" in body["reply"]
    assert body["suggestions"] == [] and body["hoax"] is None


def test_it_answers_in_english_when_asked(api_client, starter):
    # Words of either language: the request's language decides.
    body = ask(api_client, "isolasi covid?", language="en").json()
    assert [s["question"] for s in body["suggestions"]][:2] == [
        "How long do I need to self-isolate?",
        "Who can self-isolate at home?",
    ]


def test_it_takes_the_language_from_the_request_headers(api_client, starter):
    r = api_client.post(
        ASK, {"text": "isolasi covid?"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    suggested = r.json()["suggestions"][0]["question"]
    assert suggested == "How long do I need to self-isolate?"


def test_an_indonesian_question_is_answered_in_indonesian_in_english(
    api_client, starter
):
    """The question's own language wins over the app's (session 24: "berapa lama
    isolasi mandiri?" from an English app got the English answer)."""
    for text in ("berapa lama isolasi mandiri?", "isoman brp hari?"):
        body = ask(api_client, text, language="en").json()
        assert body["faq"]["question"] == "Berapa lama isolasi mandiri?", text
        assert "10 hari" in body["reply"]


def test_it_offers_suggestions_when_unsure(api_client, starter):
    body = ask(api_client, "vaksin").json()
    assert body["kind"] == "faq_suggestions"
    assert len(body["suggestions"]) in (1, 2, 3)
    assert body["faq"] is None
    assert "1. " in body["reply"]
    group = UnansweredQuestion.objects.get()
    assert group.kind == "low_confidence"


def test_an_answer_lists_the_related_entries_under_it(api_client, starter):
    from chatbot.models import FaqEntry

    body = ask(api_client, "berapa lama isoman?").json()
    assert body["kind"] == "faq"
    # The next two ranked entries both clear the floor for this question.
    assert len(body["related"]) == 2
    ids = [body["faq"]["id"], *(r["id"] for r in body["related"])]
    assert len(set(ids)) == len(ids)
    entries = FaqEntry.objects.in_bulk(ids)
    # Each in the language asked, with the question as shown.
    for r in body["related"]:
        assert entries[r["id"]].language == "id"
        assert r["question"] == entries[r["id"]].question
        assert 0 < r["score"] <= body["faq"]["score"]


def test_every_reply_has_the_related_list(api_client, starter):
    assert ask(api_client, "vaksin").json()["related"] == []
    assert ask(api_client, CHIP_FORWARD).json()["related"] == []


def test_it_gives_the_verdict_for_a_hoax_forward(api_client, starter):
    body = ask(api_client, CHIP_FORWARD).json()
    assert body["kind"] == "hoax"
    assert body["hoax"]["verdict"] == "hoax"
    assert "microchip" in body["hoax"]["claim"]
    assert body["reply"].startswith("❌ *HOAKS*")
    assert body["faq"] is None


def test_it_answers_the_hoax_first_when_a_message_is_both(api_client, starter):
    body = ask(api_client, "berapa lama isoman? " + CHIP_FORWARD).json()
    assert body["kind"] == "hoax"


def test_it_queues_a_possible_match_for_the_curators(api_client, starter):
    first = ask(api_client, "apa bener vaksin bikin mandul?").json()
    ask(api_client, "apa bener vaksin bikin mandul??")
    assert first["kind"] == "hoax_possible"
    assert "mungkin berkaitan" in first["reply"]
    match = PossibleHoaxMatch.objects.get()
    assert (match.count, match.state) == (2, "pending")
    assert match.hoax_id == first["hoax"]["id"]


def test_a_question_on_an_entrys_rare_word_gets_it_offered(api_client, starter):
    # Under the suggestion bar on score, but "thermometer" (rare in everyday
    # language) is a word of the isolation supplies entry: offered, and logged.
    body = ask(api_client, "thermometer digital yang bagus merek apa").json()
    assert body["kind"] == "faq_suggestions"
    # The entry sharing the rare word first; beside it, any other from the second
    # suggestion's floor up.
    assert body["suggestions"][0]["question"] == (
        "Apa saja yang perlu disiapkan untuk isolasi mandiri?"
    )
    assert len(body["suggestions"]) <= 3
    assert UnansweredQuestion.objects.get().kind == "low_confidence"
    # The same words without a question: nothing to offer.
    assert ask(api_client, "thermometer digital merek baru").json()["kind"] == (
        "fallback"
    )


def test_it_falls_back_and_groups_unanswered_questions(api_client, starter):
    for text in [
        "kapan puskesmas tembalang buka hari minggu",
        "puskesmas tembalang buka hari minggu kapan?",
        "kapan puskesmas tembalang buka hr minggu",
    ]:
        # Plausibly related entries are offered; the question is still logged.
        assert ask(api_client, text).json()["kind"] in ("fallback", "faq_suggestions")
    group = UnansweredQuestion.objects.get()
    assert group.count == 3
    assert len(group.examples) == 2


def test_it_counts_matches_per_entry(api_client, starter):
    faq_id = ask(api_client, "isoman brp hari?").json()["faq"]["id"]
    ask(api_client, "berapa hari isoman?")
    assert MatchStat.objects.get(kind="faq", faq_id=faq_id).count == 2


@pytest.mark.parametrize("text", ["", "   "])
def test_it_rejects_empty_text(api_client, text):
    r = ask(api_client, text)
    assert r.status_code == 400
    assert "text" in r.json()["error"]["fields"]


def test_it_requires_the_text_field(api_client):
    r = api_client.post(ASK, {}, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["text"]


def test_it_rejects_text_above_the_cap_with_a_clear_error(api_client, starter):
    r = ask(api_client, "sebarkan " * 12_000)  # ~100 KB
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "too_long"
    assert "4000" in r.json()["error"]["message"]


def test_it_answers_emoji_only_with_a_prompt(api_client, starter):
    body = ask(api_client, "😀😂🙏🙏").json()
    assert body["kind"] == "fallback"
    assert not UnansweredQuestion.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "\u202e\u200b\ufeff zero-width and bidi",
        "ÿþ\x7f\x1b[31m binary-ish",
        "<script>alert(1)</script>",
        "'; DROP TABLE chatbot_faqentry; --",
    ],
)
def test_it_never_fails_on_junk(api_client, starter, text):
    r = api_client.post(
        ASK,
        json.dumps({"text": text}, ensure_ascii=True),
        content_type="application/json",
    )
    assert r.status_code == 200
    assert r.json()["kind"] in ("faq", "faq_suggestions", "fallback", "hoax_possible")


@pytest.mark.parametrize("escaped", ["a\\u0000b", "\\ud83d junk \\udc00"])
def test_it_rejects_nul_and_lone_surrogates_cleanly(api_client, escaped):
    r = api_client.post(
        ASK, '{"text": "' + escaped + '"}', content_type="application/json"
    )
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["text"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "application/json"),
        (b"text=halo", "application/x-www-form-urlencoded"),
        (b'{"text": ["a", "b"]}', "application/json"),
        (b'{"text": "halo", "language": "fr"}', "application/json"),
        (b'{"text": "halo", "extra": 1}', "application/json"),
    ],
)
def test_it_returns_400_for_malformed_requests(api_client, body, content_type):
    r = api_client.generic("POST", ASK, body, content_type=content_type)
    assert r.status_code in (400, 415)
    assert "error" in r.json()


def test_it_stores_html_as_text_and_shows_it_escaped(
    api_client, curator_client, starter
):
    ask(api_client, "<b>kapan</b> <script>alert('x')</script> posyandu tembalang buka")
    page = curator_client.get("/admin/chatbot/unansweredquestion/")
    assert page.status_code == 200
    assert b"<script>alert" not in page.content
    assert b"&lt;script&gt;" in page.content


def test_it_redacts_long_numbers_before_storing(api_client, starter):
    ask(api_client, "nik saya 3374101234567890 kapan jadwal posyandu tembalang")
    stored = UnansweredQuestion.objects.get().text
    assert "3374101234567890" not in stored and "[angka]" in stored


def test_it_throttles_anonymous_askers(api_client, throttle_rates, starter):
    throttle_rates(chatbot="3/min")
    # Fixed one-minute windows: start at the top of a minute so the four asks
    # cannot straddle two windows on a slow machine.
    with time_machine.travel(dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)):
        codes = [ask(api_client, "isoman brp hari").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


# --- reports ---------------------------------------------------------------------------


def test_it_takes_a_report_of_an_unknown_message(api_client, starter):
    r = api_client.post(
        REPORTS,
        {
            "text": "Minum air rebusan daun pepaya bikin kebal omicron, sebarkan!",
            "note": "dari grup RT",
        },
        format="json",
    )
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "received" and body["hoax"] is None
    report = HoaxReport.objects.get(pk=body["id"])
    assert report.reporter is None and report.note == "dari grup RT"


def test_it_counts_a_repeated_report_once(api_client, alice, auth_client, starter):
    text = "Minum air rebusan daun pepaya bikin kebal omicron, sebarkan!"
    first = auth_client(alice).post(REPORTS, {"text": text}, format="json").json()
    again = api_client.post(REPORTS, {"text": text + " 🙏"}, format="json").json()
    assert again["status"] == "already_reported" and again["id"] == first["id"]
    report = HoaxReport.objects.get()
    assert (report.count, report.reporter) == (2, alice)


def test_it_tells_the_reporter_when_the_claim_is_already_checked(api_client, starter):
    body = api_client.post(REPORTS, {"text": CHIP_FORWARD}, format="json").json()
    assert body["hoax"]["verdict"] == "hoax"
    assert "sudah diperiksa" in body["reply"]


@pytest.mark.parametrize(
    "payload", [{}, {"text": ""}, {"text": "🙏🙏"}, {"text": "x" * 4001}]
)
def test_it_rejects_empty_or_oversized_reports(api_client, payload, starter):
    r = api_client.post(REPORTS, payload, format="json")
    assert r.status_code == 400
    assert r.json()["error"]["fields"]["text"]


def test_it_counts_matches_by_indonesian_day(api_client, starter):
    # 17:30 UTC on the 2nd is 00:30 WIB on the 3rd: the curators' day.
    with time_machine.travel(dt.datetime(2026, 3, 2, 17, 30, tzinfo=dt.UTC)):
        ask(api_client, "isoman brp hari?")
    assert MatchStat.objects.get(kind="faq").day == dt.date(2026, 3, 3)


@pytest.mark.parametrize(
    "text",
    [
        "I can't breathe, what should I do",
        "my father is 70 and his oxygen is 88, what do I do",
    ],
)
def test_it_answers_an_english_emergency_with_119(api_client, starter, text):
    r = api_client.post(ASK, {"text": text}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    body = r.json()
    assert body["kind"] == "faq"
    assert "*119*" in body["reply"] and "ext. 9" not in body["reply"]
    assert body["reply"].startswith("Go to the emergency room")


def test_it_puts_119_first_when_a_danger_sign_finds_no_answer(api_client):
    # No knowledge base at all: nothing to answer with, 119 all the same.
    body = ask(api_client, "my brother fainted and is unconscious").json()
    assert body["kind"] == "fallback"
    assert body["reply"].startswith("🚑") and "ext. 9" not in body["reply"]


def test_it_stores_zero_width_separated_words_readably(api_client, starter):
    text = "kapan\u200bpuskesmas\u200btembalang\u200bbuka\u200bhari\u200bminggu"
    ask(api_client, text)
    assert UnansweredQuestion.objects.get().text == (
        "kapan puskesmas tembalang buka hari minggu"
    )


def test_it_answers_a_parent_s_own_question_from_the_faq(api_client, starter):
    body = ask(api_client, "my kid has fever after vaccine is that normal").json()
    assert body["kind"] in ("faq", "faq_suggestions")
    assert not PossibleHoaxMatch.objects.exists()


def test_it_points_a_question_for_free_beds_to_the_bed_search(api_client, starter):
    body = ask(api_client, "Where is the nearest hospital with ICU beds?").json()
    assert body["reply"].startswith("🏥") and "Find a hospital" in body["reply"]
