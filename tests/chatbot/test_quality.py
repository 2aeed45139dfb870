"""The issue's quality targets on the held-out evaluation set (no database)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from rapidfuzz import fuzz

from chatbot.index import thresholds
from chatbot.matching.evaluation import (
    EVAL_SET,
    FAQ_STARTER,
    HOAX_STARTER,
    calibrate,
    evaluate,
    load_json,
    starter_engine,
)


@pytest.fixture(scope="module")
def engine():
    return starter_engine()


@pytest.fixture(scope="module")
def data():
    return load_json(EVAL_SET)


def test_it_ships_the_starter_set_the_issue_asks_for():
    faq = load_json(FAQ_STARTER)
    hoaxes = load_json(HOAX_STARTER)
    indonesian = {f["key"] for f in faq if f["language"] == "id"}
    english = {f["key"] for f in faq if f["language"] == "en"}
    assert len(indonesian) >= 40 and english == indonesian
    assert all(f["status"] == "published" and f["alternates"] for f in faq)
    assert len(hoaxes) >= 30
    assert all(h["verdict"] in ("hoax", "misleading", "fact") for h in hoaxes)
    assert all(h["explanation"] and h["source_url"] for h in hoaxes)


def test_it_keeps_the_evaluation_set_apart_from_what_is_indexed(data):
    assert len(data["questions"]) >= 150
    assert len(data["forwards"]) >= 80
    assert len(data["ordinary"]) >= 80

    def surface(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.casefold()))

    indexed = set()
    for f in load_json(FAQ_STARTER):
        indexed |= {surface(t) for t in [f["question"], *f["alternates"]]}
    for h in load_json(HOAX_STARTER):
        indexed |= {surface(t) for t in [h["claim"], h["claim_en"], *h["variants"]]}
    claims = {surface(h["claim"]) for h in load_json(HOAX_STARTER)}
    # Paraphrases, not copies: questions and retold forwards differ clearly from
    # everything indexed; mutated forwards derive from the claim text only (never a
    # variant) and never equal it.
    too_close = []
    for item in data["questions"] + data["forwards"]:
        text = surface(item["text"])
        assert text not in indexed
        others = indexed - claims if item.get("style") == "mutated" else indexed
        too_close += [(text, i) for i in others if fuzz.ratio(text, i) >= 85]
    assert not too_close


def test_it_meets_the_quality_targets(engine, data):
    report = evaluate(*engine, data, thresholds=thresholds())
    assert report.faq_top1 >= 90.0, report.misses
    assert report.faq_recall3 >= 95.0, report.misses
    assert report.hoax_precision >= 98.0, report.misses
    assert report.hoax_recall >= 90.0, report.misses
    assert report.negatives_flagged == 0


@pytest.mark.parametrize("part", ["dev", "test"])
def test_it_holds_up_on_each_half(engine, data, part):
    report = evaluate(*engine, data, thresholds=thresholds(), part=part)
    assert report.faq_top1 >= 90.0, report.misses
    assert report.hoax_precision >= 98.0, report.misses
    assert report.style_recall("mutated") >= 95.0, report.misses
    assert report.hoax_recall >= 85.0, report.misses


def test_it_never_gives_a_wrong_faq_answer_on_the_held_out_half(engine, data):
    report = evaluate(*engine, data, thresholds=thresholds(), part="test")
    assert report.answered_wrong <= 1


def test_the_settings_hold_the_calibrated_thresholds(engine, data):
    chosen = calibrate(*engine, data)
    assert chosen["faq_answer"] == settings.CHATBOT_FAQ_ANSWER_THRESHOLD
    assert chosen["faq_margin"] == settings.CHATBOT_FAQ_MARGIN
    assert chosen["faq_suggest"] == settings.CHATBOT_FAQ_SUGGEST_THRESHOLD
    assert chosen["hoax_auto"] == settings.CHATBOT_HOAX_AUTO_THRESHOLD
    assert chosen["hoax_suggest"] == settings.CHATBOT_HOAX_SUGGEST_THRESHOLD
