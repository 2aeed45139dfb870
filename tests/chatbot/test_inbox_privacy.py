"""Inbox services, statistics and the privacy exporter/eraser."""

from __future__ import annotations

import pytest

from chatbot import rules
from chatbot.models import HoaxReport, MatchStat, UnansweredQuestion
from chatbot.richtext import render, to_plain, to_telegram_html
from chatbot.services import hoax_report_create, unanswered_log
from chatbot.stats import stat_record, stats_flush
from core.services.privacy import user_erase, user_export

pytestmark = pytest.mark.django_db


def log(text, terms):
    return unanswered_log(text=text, terms=terms, language="id", kind="unanswered")


def test_similar_questions_share_a_group_and_different_ones_do_not():
    a = log("kapan posyandu buka", ("kapan", "posyandu", "buka"))
    b = log("posyandu buka kapan?", ("posyandu", "buka", "kapan"))
    c = log("harga cabai", ("harga", "cabai"))
    assert a.pk == b.pk != c.pk
    assert UnansweredQuestion.objects.get(pk=a.pk).count == 2


def test_a_question_without_content_is_not_logged():
    assert log("halo min", ()) is None
    assert not UnansweredQuestion.objects.exists()


def test_it_buffers_and_flushes_match_counts(settings):
    settings.CHATBOT_STATS_FLUSH_SECONDS = 3600
    stats_flush()
    stat_record("fallback")
    stat_record("fallback")
    assert not MatchStat.objects.exists()
    assert stats_flush() == 1
    stat_record("fallback")
    stats_flush()
    assert MatchStat.objects.get(kind="fallback").count == 3


def test_the_reporter_can_export_and_erase_their_reports(alice, bob, starter):
    text = "Air rebusan daun pepaya menyembuhkan omicron, sebarkan"
    hoax_report_create(text=text, user=alice, note="dari grup")
    hoax_report_create(text="Minyak kayu putih diminum mencegah covid", user=alice)
    hoax_report_create(text=text, user=bob)  # bob reported the same message
    exported = user_export(user=alice)["chatbot_reports"]
    assert {r["text"] for r in exported} == {
        text,
        "Minyak kayu putih diminum mencegah covid",
    }
    user_erase(user=alice)
    assert not HoaxReport.objects.filter(reporter=alice).exists()
    shared = HoaxReport.objects.get(fingerprint__isnull=False, count=2)
    assert shared.reporter is None and shared.note == ""
    assert HoaxReport.objects.count() == 1  # alice's own report is gone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nik 3374101234567890", "nik [angka]"),
        ("hp +62 812-3456-7890 ya", "hp [angka] ya"),
        ("jam 10 sampai 11", "jam 10 sampai 11"),
        ("kode 123456 tidak bisa", "kode [angka] tidak bisa"),
        ("kode link 123 456", "kode link [angka]"),
        ("tahun 2021, 12345 dosis", "tahun 2021, 12345 dosis"),
    ],
)
def test_it_redacts_identifying_numbers(text, expected):
    assert rules.redact(text) == expected


def test_it_cleans_control_characters_and_caps_the_length():
    assert rules.clean_message(" a\x00b\x07c ", max_chars=10) == "a b c"
    with pytest.raises(rules.MessageTooLong):
        rules.clean_message("x" * 11, max_chars=10)


def test_it_renders_answers_for_each_channel():
    text = "*Tetap di rumah* & _pakai masker_ <b>"
    assert to_telegram_html(text) == (
        "<b>Tetap di rumah</b> &amp; <i>pakai masker</i> &lt;b&gt;"
    )
    assert to_plain(text) == "Tetap di rumah & pakai masker <b>"
    assert render(text, "whatsapp") == text


def test_it_words_replies_in_both_languages():
    claim = rules.ClaimView("Klaim", "misleading", "Penjelasan", "https://x.org")
    assert "MENYESATKAN" in rules.reply_hoax(claim, [], "id")
    assert "MISLEADING" in rules.reply_hoax(claim, [], "en")
    assert rules.reply_suggestions(["A?", "B?"], "en").startswith("Did you mean:")
    assert "119" in rules.reply_fallback("id")


def test_a_question_keeps_no_nik_in_its_terms_either():
    question = log(
        "nik saya 3374105508950001 kapan vaksin",
        ("nik", "3374105508950001", "kapan", "vaksin"),
    )
    question.refresh_from_db()
    assert "3374105508950001" not in question.text
    assert "3374105508950001" not in question.terms


@pytest.mark.django_db(transaction=True)  # the foreign key is checked at commit
def test_a_suggestion_deleted_meanwhile_is_dropped_not_a_500():
    question = unanswered_log(
        text="kapan posyandu buka",
        terms=("kapan", "posyandu", "buka"),
        language="id",
        kind="low_confidence",
        best_faq_id=999_999,
        best_score=0.4,
    )
    assert UnansweredQuestion.objects.get(pk=question.pk).best_faq_id is None
