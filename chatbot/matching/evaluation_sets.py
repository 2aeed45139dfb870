"""The matcher's evaluation material: the starter set, the evaluation set and its
dev/test halves, the held-out test split."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .engine import (
    Engine,
    faq_docs_from_records,
    hoax_docs_from_records,
)

ROOT = Path(__file__).resolve().parents[2]
FAQ_STARTER = ROOT / "chatbot" / "data" / "faq_starter.json"
HOAX_STARTER = ROOT / "chatbot" / "data" / "hoax_starter.json"
EVAL_SET = ROOT / "tests" / "chatbot" / "data" / "eval_set.json"
# More development material (issue 17): a public body's Q&A as published, on topics
# the starter set lacks, with informal questions. Tuned on, like EVAL_SET.
DEV_OFFICIAL = ROOT / "tests" / "chatbot" / "data" / "dev" / "faq_official.json"
# Session 8: public-health entries beyond COVID-19 (formal and curated, some English)
# and resident questions in everyday words. Tuned on, like EVAL_SET.
DEV_RESIDENT = ROOT / "tests" / "chatbot" / "data" / "dev" / "faq_resident.json"
# Session 9: COVID-era and public-health entries a curator writes next to the starter
# set (words overlapping the starter's, questions different), with resident questions.
DEV_CURATED = ROOT / "tests" / "chatbot" / "data" / "dev" / "faq_covid_curated.json"
# Session 12: a health office's published Q&A beyond COVID-19 (infectious and
# environmental diseases, first aid, sanitation), and services and everyday health
# next to the starter set, each with resident questions. Tuned on, like EVAL_SET.
DEV_HEALTH_OFFICE = (
    ROOT / "tests" / "chatbot" / "data" / "dev" / "faq_health_office.json"
)
DEV_SERVICES = ROOT / "tests" / "chatbot" / "data" / "dev" / "faq_services.json"
# Also session 12: more curated entries next to the starter set (most Indonesian only,
# English questions on them) and family health next to the starter set.
DEV_CURATED_MORE = ROOT / "tests" / "chatbot" / "data" / "dev" / "faq_curated_more.json"
DEV_FAMILY = ROOT / "tests" / "chatbot" / "data" / "dev" / "faq_family_health.json"
# Session 28: a third set of curated entries next to the starter set (COVID-era
# practicalities, the app's services, general public health; 8 with English
# versions), written by someone who had not seen the matcher, and measured once
# before any change of that session (see docs/chatbot-quality.md).
DEV_CURATED_THIRD = (
    ROOT / "tests" / "chatbot" / "data" / "dev" / "faq_curated_third.json"
)
# Session 24: questions on topics no health FAQ covers (trains, prices, documents,
# phones, cooking, pets, taxes), asked against every dev knowledge base: the right
# outcome is a fallback. Written before any experiment; development material.
DEV_OFFTOPIC = ROOT / "tests" / "chatbot" / "data" / "dev" / "offtopic.json"
# The development Q&A sets as the bench reports them: title, file.
DEV_QA_SETS: tuple[tuple[str, Path], ...] = (
    ("official Q&A", DEV_OFFICIAL),
    ("public-health FAQ, resident questions", DEV_RESIDENT),
    ("COVID-era curated FAQ, resident questions", DEV_CURATED),
    ("health office Q&A beyond COVID-19, resident questions", DEV_HEALTH_OFFICE),
    ("services and everyday health, resident questions", DEV_SERVICES),
    ("more curated entries, resident questions", DEV_CURATED_MORE),
    ("family health, resident questions", DEV_FAMILY),
    ("third curated set, resident questions", DEV_CURATED_THIRD),
)


_UNSTRESSED_E = re.compile(r"(?<=^[b-df-hj-np-tv-z])e(?=[b-df-hj-np-tv-z])")


def chat_spelling(text: str) -> str:
    """A question as chat writes it (session 26): in its words of five letters or
    more, the first syllable's unstressed "e" left out ("penyakit" -> "pnyakit",
    "berapa" -> "brapa"), else every third such word's last consonant doubled
    ("demam" -> "demamm"). The dev questions this changes are asked both ways."""
    out, n = [], 0
    for word in text.split():
        if len(word) >= 5 and word.isalpha() and word.islower():
            n += 1
            if _UNSTRESSED_E.search(word):
                word = _UNSTRESSED_E.sub("", word, count=1)
            elif n % 3 == 0 and word[-1] not in "aeiou":
                word += word[-1]
        out.append(word)
    return " ".join(out)


def load_json(path: Path) -> list | dict:
    return json.loads(Path(path).read_text("utf-8"))


def starter_engine() -> tuple[Engine, dict[int, str], dict[int, str]]:
    """Engine over the starter set; maps entry ids back to the records' keys."""
    faq_records = load_json(FAQ_STARTER)
    hoax_records = load_json(HOAX_STARTER)
    faq_docs = faq_docs_from_records(faq_records)
    hoax_docs = hoax_docs_from_records(hoax_records)
    engine = Engine(faq_docs=faq_docs, hoax_docs=hoax_docs)
    faq_key = {d.entry_id: d.group for d in faq_docs}
    hoax_key = {i: r["key"] for i, r in enumerate(hoax_records, start=1)}
    return engine, faq_key, hoax_key


def split(items: list, part: str) -> list:
    """Positions 0, 3, 4, 7, 8, ... calibrate ("dev"), the others are held out
    ("test"): items come in pairs per entry, so each half gets first and second
    items alike."""
    if part == "dev":
        return [x for i, x in enumerate(items) if i % 4 in (0, 3)]
    if part == "test":
        return [x for i, x in enumerate(items) if i % 4 in (1, 2)]
    return items


# --- the held-out test split (issue 17) ---------------------------------------------

TEST_SPLIT = ROOT / "tests" / "chatbot" / "data" / "test_split"
TEST_FAQ_FILES = (TEST_SPLIT / "faq_curated.json", TEST_SPLIT / "faq_official.json")
TEST_HOAX_FILE = TEST_SPLIT / "hoaxes.json"


def held_out_questions() -> list[dict]:
    return [q for path in TEST_FAQ_FILES for q in load_json(path)["questions"]]


class FaqRates:
    """Percentages a report of FAQ questions shows; the report counts `top1`,
    `recall3` and `n_questions`."""

    top1: int
    recall3: int
    n_questions: int

    @staticmethod
    def pct(num: int, den: int) -> float:
        return 100.0 * num / den if den else 0.0

    @property
    def faq_top1(self) -> float:
        return self.pct(self.top1, self.n_questions)

    @property
    def faq_recall3(self) -> float:
        return self.pct(self.recall3, self.n_questions)
