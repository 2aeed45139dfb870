"""Chatbot quality: development split, held-out test split, new entries, curator loop.

    .venv/bin/python bench/chatbot_quality.py [--calibrate] [--misses] [--dev-only]

Development split (tuned on): tests/chatbot/data/eval_set.json against the starter set.
Test split (only measured, issue 17): tests/chatbot/data/test_split/ - 36 FAQ entries a
curator writes, 20 published as an official Q&A, 60 fact-check entries, imported
with import_faq / import_hoaxes next to the starter set ("test split") and into an
empty knowledge base ("new entries"), then asked by 123 resident questions, 114
forwards and 60 ordinary messages. Needs DATABASE_URL (migrated first if it is a
scratch database; the imports run in a transaction that is rolled back). Besides
recall@3 (the ranking), each Q&A row reports how often the right entry is shown
(the answer, or one of the suggestions). Last: a curator working the unanswered
inbox, on the dev questions and on the test split's: each entry's phrasings are a
paraphrase group, the first half asked before the curator turns the inbox's N
largest groups into alternates, the rest after (week-2 top-1 overall and on the
curated entries).

Development Q&A material (tuned on): tests/chatbot/data/dev/faq_official.json (a
ministry's Q&A on COVID-19 topics the starter set lacks) and, from session 8,
tests/chatbot/data/dev/faq_resident.json (33 public-health entries beyond COVID-19,
formal and curated, 7 with English versions, asked by 116 resident questions) and,
from session 9, tests/chatbot/data/dev/faq_covid_curated.json (34 COVID-era and
public-health entries a curator writes next to the starter set, 11 with English
versions, asked by 113 resident questions), each alone (new entries, empty KB) and
next to the starter set.

Indexes the shipped starter set (chatbot/data/*.json) and reports, with the thresholds
in settings (CHATBOT_* environment variables): FAQ top-1 accuracy and recall@3 on 182
paraphrased questions (slang, typos, short and long, some English), hoax precision and
recall on 174 forwards (86 mutated copies of the circulating text, 88 retold in other
words, some with two claims) plus 268 messages that must not be flagged (the questions
and 86 ordinary messages). Figures for the calibration (dev) half, the held-out (test)
half and both. Targets: FAQ top-1 >= 90 %, hoax precision >= 98 % with recall >= 90 %.

From session 26 the dev Q&A questions with a word chat spells otherwise (an
unstressed "e" left out, a last letter doubled: `evaluation_sets.chat_spelling`) are
also asked in that spelling, each set alone, next to the same questions as written.

--calibrate re-runs the threshold sweep on the dev half (answer bar and margin, the
clear lead just under the bar, suggest) and prints the chosen values
(they are the defaults in core/settings.py). --misses lists every miss of the
development material; the test split's misses are never printed (it is measured, not
read).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds channels.py and chatbot.py: never let them shadow the packages.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")


def record(**figure) -> None:
    """harness.record (bench/harness.py, loaded by path: bench/ stays off sys.path)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "harness", ROOT / "bench" / "harness.py"
    )
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    harness.record(bench="chatbot_quality", **figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--dev-only", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()

    from chatbot.index import thresholds
    from chatbot.matching.evaluation import (
        EVAL_SET,
        calibrate,
        evaluate,
        load_json,
        starter_engine,
    )

    started = time.perf_counter()
    engine, faq_key, hoax_key = starter_engine()
    data = load_json(EVAL_SET)
    t = thresholds()
    print(
        f"starter set: {len(engine.faq)} FAQ answers ({engine.faq.n_phrasings} "
        f"phrasings, id+en), {len(engine.hoax)} hoax entries; evaluation: "
        f"{len(data['questions'])} questions, {len(data['forwards'])} forwards, "
        f"{len(data['ordinary'])} ordinary messages"
    )
    print(
        f"thresholds: FAQ answer {t.faq.answer} (margin {t.faq.margin}), suggest "
        f"{t.faq.suggest}; hoax auto {t.hoax.auto}, suggest {t.hoax.suggest}"
    )
    reports = {}
    for part, title in (
        ("dev", "calibration half"),
        ("test", "held-out half"),
        ("all", "whole set"),
    ):
        report = evaluate(engine, faq_key, hoax_key, data, thresholds=t, part=part)
        reports[part] = report
        print(f"\n== {title} ({part})")
        print("\n".join(report.lines()))
    total = reports["all"]
    ok = total.faq_top1 >= 90 and total.hoax_precision >= 98 and total.hoax_recall >= 90
    print(
        f"\ntargets (whole set): FAQ top-1 {total.faq_top1:.1f} % (>= 90), hoax "
        f"precision {total.hoax_precision:.1f} % (>= 98), recall "
        f"{total.hoax_recall:.1f} % (>= 90) -> {'ok' if ok else 'MISSES TARGET'}"
    )
    for figure, value, target in (
        ("whole set: FAQ top-1", total.faq_top1, 90),
        ("whole set: hoax precision", total.hoax_precision, 98),
        ("whole set: hoax recall", total.hoax_recall, 90),
    ):
        record(
            figure=figure,
            result=value,
            unit="%",
            target=f">= {target} %",
            ok=value >= target,
        )
    dev_new = dev_new_entries(data, t)
    print("\n== development split as new entries (starter FAQ without alternates)")
    print("\n".join(dev_new.lines()))
    alternates = dev_alternates(t)
    print(
        "\n== development: the starter FAQ's alternates asked against the starter FAQ"
        " without them"
    )
    print("\n".join(alternates.lines()))
    from chatbot.matching.evaluation import DEV_QA_SETS

    for name, path in DEV_QA_SETS:
        for title, report in dev_official(t, path):
            print(f"\n== development {name} ({title})")
            print("\n".join(report.lines()))
            if args.misses:
                print("\n".join("  " + m for m in report.misses))
    print_chat_spelling(dev_chat_spelling(t))
    print_offtopic(dev_offtopic(t))
    from chatbot.matching.evaluation import FAQ_STARTER, curator_loop

    bare = [dict(r, alternates=[]) for r in load_json(FAQ_STARTER)]
    print(
        "\n== curator loop, development split (starter FAQ without alternates; each"
        " entry's phrasings: first half asked in week 1, the rest in week 2)"
    )
    print_curator_loop(
        curator_loop(bare, data["questions"], **inbox_rule(), thresholds=t)
    )
    if args.calibrate:
        chosen = calibrate(engine, faq_key, hoax_key, data)
        print("\ncalibration on the dev half:")
        for key, value in chosen.items():
            print(f"  {key:28} {value}")
    if args.misses:
        print("\nmisses, starter alternates against the starter FAQ without them:")
        print("\n".join("  " + m for m in alternates.misses))
        print("\nmisses (whole set):")
        print("\n".join("  " + m for m in total.misses))
        print("\nmisses, starter FAQ without alternates:")
        print("\n".join("  " + m for m in dev_new.misses))
    if not args.dev_only:
        test_split(t)
    print(f"\n{time.perf_counter() - started:.1f} s")


def inbox_rule() -> dict:
    """How the unanswered inbox groups questions (chatbot.services.inbox)."""
    from chatbot.rules import same_question
    from chatbot.services.inbox import group_terms

    return {"group_same": same_question, "topic": group_terms}


def print_curator_loop(rows) -> None:
    print(
        "   N groups  alternates  week-2 top-1  recall@3  answered right"
        "  curated entries: top-1 before -> after"
    )
    for r in rows:
        print(
            f"   {r.groups:8d}  {r.alternates:10d}  {r.top1:10.1f} %  {r.recall3:6.1f} %"
            f"  {r.answered_right:12.1f} %  {r.curated_top1_before:5.1f} -> "
            f"{r.curated_top1:5.1f} % ({r.n_curated} questions)"
        )


def dev_new_entries(data, t):
    """The dev questions against the starter FAQ stripped of its alternates: what a
    freshly written entry faces (tuning material for the new-entries case)."""
    from chatbot.matching import Engine
    from chatbot.matching.engine import faq_docs_from_records
    from chatbot.matching.evaluation import FAQ_STARTER, evaluate_faq_split, load_json

    records = [dict(r, alternates=[]) for r in load_json(FAQ_STARTER)]
    docs = faq_docs_from_records(records)
    engine = Engine(faq_docs=docs, hoax_docs=[])
    key = {d.entry_id: d.group for d in docs}
    lang = {d.entry_id: d.language for d in docs}
    # eval_set's questions carry no language (some are English): the language rule
    # is judged on the Q&A sets and the test split, which say each question's.
    return evaluate_faq_split(engine, key, lang, data["questions"], thresholds=t)


def dev_alternates(t):
    """Every alternate the team wrote for the starter FAQ, asked as a resident's
    question against the starter FAQ stripped of its alternates (277 questions,
    id and en): the widest development check that a change generalises."""
    from chatbot.matching import Engine
    from chatbot.matching.engine import faq_docs_from_records
    from chatbot.matching.evaluation import FAQ_STARTER, evaluate_faq_split, load_json

    records = load_json(FAQ_STARTER)
    questions = [
        {"text": a, "faq": r["key"], "language": r.get("language", "id")}
        for r in records
        for a in r.get("alternates") or ()
    ]
    docs = faq_docs_from_records([dict(r, alternates=[]) for r in records])
    engine = Engine(faq_docs=docs, hoax_docs=[])
    return evaluate_faq_split(
        engine,
        {d.entry_id: d.group for d in docs},
        {d.entry_id: d.language for d in docs},
        questions,
        thresholds=t,
    )


def dev_official(t, path):
    """A dev Q&A set (`evaluation_sets.DEV_QA_SETS`) as published, alone and
    next to the starter set (pure engine: the import path itself is exercised by the
    test split)."""
    from chatbot.matching import Engine
    from chatbot.matching.engine import faq_docs_from_records, hoax_docs_from_records
    from chatbot.matching.evaluation import (
        FAQ_STARTER,
        HOAX_STARTER,
        evaluate_faq_split,
        load_json,
    )

    dev = load_json(path)
    hoax_docs = hoax_docs_from_records(load_json(HOAX_STARTER))
    for title, records in (
        ("new entries, alone", dev["entries"]),
        ("next to the starter set", load_json(FAQ_STARTER) + dev["entries"]),
    ):
        docs = faq_docs_from_records(records)
        engine = Engine(faq_docs=docs, hoax_docs=hoax_docs)
        report = evaluate_faq_split(
            engine,
            {d.entry_id: d.group for d in docs},
            {d.entry_id: d.language for d in docs},
            dev["questions"],
            thresholds=t,
        )
        yield title, report


def dev_chat_spelling(t) -> list[tuple[str, int, int, int, int]]:
    """The dev Q&A questions that `evaluation_sets.chat_spelling` changes, asked as
    written and in chat spelling, each set alone: (how asked, questions, top-1,
    shown, answered wrong)."""
    from chatbot.matching import Engine
    from chatbot.matching.engine import faq_docs_from_records, hoax_docs_from_records
    from chatbot.matching.evaluation import (
        DEV_QA_SETS,
        HOAX_STARTER,
        chat_spelling,
        evaluate_faq_split,
        load_json,
    )

    hoax_docs = hoax_docs_from_records(load_json(HOAX_STARTER))
    written, chat = [0, 0, 0, 0], [0, 0, 0, 0]
    for _, path in DEV_QA_SETS:
        dev = load_json(path)
        docs = faq_docs_from_records(dev["entries"])
        engine = Engine(faq_docs=docs, hoax_docs=hoax_docs)
        keys = {d.entry_id: d.group for d in docs}
        languages = {d.entry_id: d.language for d in docs}
        changed = [q for q in dev["questions"] if chat_spelling(q["text"]) != q["text"]]
        for total, questions in (
            (written, changed),
            (chat, [dict(q, text=chat_spelling(q["text"])) for q in changed]),
        ):
            r = evaluate_faq_split(engine, keys, languages, questions, thresholds=t)
            for i, n in enumerate((r.n_questions, r.top1, r.recall3, r.answered_wrong)):
                total[i] += n
    return [("as written", *written), ("in chat spelling", *chat)]


def print_chat_spelling(rows) -> None:
    print(
        "\n== development: the dev Q&A questions with a word chat spells otherwise"
        " (an unstressed e left out, a last letter doubled), each set alone"
    )
    for how, n, top1, shown, wrong in rows:
        print(
            f"  {how:<17} {n} questions  top-1 {top1}  shown {shown}"
            f"  answered wrong {wrong}"
        )


def dev_offtopic(t) -> tuple[int, int, dict[str, int]]:
    """The dev off-topic questions (`evaluation_sets.DEV_OFFTOPIC`) asked against
    each dev knowledge base: the starter FAQ without alternates, and each dev Q&A set
    alone and next to the starter set. Returns (questions, knowledge bases, outcome
    counts)."""
    from chatbot.matching import Engine
    from chatbot.matching.engine import faq_docs_from_records, hoax_docs_from_records
    from chatbot.matching.evaluation import (
        DEV_OFFTOPIC,
        DEV_QA_SETS,
        FAQ_STARTER,
        HOAX_STARTER,
        load_json,
    )

    questions = load_json(DEV_OFFTOPIC)["questions"]
    starter = load_json(FAQ_STARTER)
    hoax_docs = hoax_docs_from_records(load_json(HOAX_STARTER))
    bases = [([dict(r, alternates=[]) for r in starter], [])]
    for _, path in DEV_QA_SETS:
        entries = load_json(path)["entries"]
        bases += [(entries, hoax_docs), (starter + entries, hoax_docs)]
    counts: dict[str, int] = {}
    for records, hoaxes in bases:
        engine = Engine(faq_docs=faq_docs_from_records(records), hoax_docs=hoaxes)
        for q in questions:
            kind = engine.answer(q["text"], language="id", thresholds=t).kind
            counts[kind] = counts.get(kind, 0) + 1
    return len(questions), len(bases), counts


def print_offtopic(result) -> None:
    n, bases, counts = result
    total = n * bases
    print(
        f"\n== development: {n} off-topic questions (trains, prices, documents,"
        f" phones, pets, taxes) against the {bases} dev knowledge bases above,"
        f" {total:,} messages; the right outcome is a fallback"
    )
    for kind, title in (
        ("faq", "answered (wrong)"),
        ("faq_suggestions", "given suggestions"),
        ("hoax_possible", "given a possible claim"),
        ("hoax", "given a hoax verdict"),
        ("fallback", "fallback (right)"),
    ):
        count = counts.get(kind, 0)
        print(f"  {title:<24} {count:5d}  ({100.0 * count / total:.1f} %)")


def test_split(t) -> None:
    """Only ever measured: aggregate figures, never the items it misses."""
    from django.core.management import call_command

    from chatbot.matching.evaluation import (
        FAQ_STARTER,
        HOAX_STARTER,
        TEST_FAQ_FILES,
        TEST_HOAX_FILE,
        curator_loop,
        evaluate_faq_split,
        evaluate_hoax_split,
        held_out_questions,
        load_json,
    )
    from chatbot.quality import imported_engine

    # The imports go through the real models: a scratch database gets its tables.
    call_command("migrate", interactive=False, verbosity=0)
    questions = held_out_questions()
    hoax_data = load_json(TEST_HOAX_FILE)
    scenarios = {
        "test split (starter set + test entries, imported)": (
            (FAQ_STARTER, *TEST_FAQ_FILES),
            (HOAX_STARTER, TEST_HOAX_FILE),
        ),
        "new entries (only the test entries, imported into an empty KB)": (
            TEST_FAQ_FILES,
            (TEST_HOAX_FILE,),
        ),
    }
    summary = []
    for title, (faq_files, hoax_files) in scenarios.items():
        kb = imported_engine(faq_files=faq_files, hoax_files=hoax_files)
        print(
            f"\n== {title}: {len(kb.engine.faq)} FAQ answers, "
            f"{len(kb.engine.hoax)} hoax entries"
        )
        report = evaluate_faq_split(
            kb.engine, kb.faq_key, kb.faq_language, questions, thresholds=t
        )
        evaluate_hoax_split(
            kb.engine, kb.hoax_key, hoax_data, thresholds=t, report=report
        )
        print("\n".join(report.lines()))
        # The same questions from a chat set to English (session 24: the language
        # rule was only judged from Indonesian chats).
        english_chat = evaluate_faq_split(
            kb.engine,
            kb.faq_key,
            kb.faq_language,
            questions,
            thresholds=t,
            channel_language="en",
        )
        print(
            f"  in the asked language, chat set to English "
            f"{english_chat.language_rate:5.1f} %  ({english_chat.right_language}/"
            f"{english_chat.language_known} shown)"
        )
        for name, path in (
            ("curated", TEST_FAQ_FILES[0]),
            ("official", TEST_FAQ_FILES[1]),
        ):
            part = evaluate_faq_split(
                kb.engine,
                kb.faq_key,
                kb.faq_language,
                load_json(path)["questions"],
                thresholds=t,
            )
            print(
                f"  {name:<9} top-1 {part.faq_top1:5.1f} %  recall@3 "
                f"{part.faq_recall3:5.1f} %  ({part.n_questions} questions)"
            )
        ok = (
            report.faq_top1 >= 90
            and report.faq_recall3 >= 97
            and report.language_ok
            and english_chat.language_ok
            and report.claim_right >= 85
            and report.claim_wrong <= 2
            and report.ordinary_flagged == 0
        )
        summary.append((title.split(" (")[0], report, english_chat, ok))
    faq_records = [r for path in TEST_FAQ_FILES for r in load_json(path)["entries"]]
    print(
        "\n== curator loop (new entries): each entry's phrasings, first half asked in"
        " week 1; its unanswered questions grouped as the inbox does, the N largest"
        " groups become alternates; the other phrasings asked in week 2"
    )
    print_curator_loop(
        curator_loop(faq_records, questions, **inbox_rule(), thresholds=t)
    )
    print(
        "\ntargets: FAQ top-1 >= 90 %, recall@3 >= 97 %, asked language 100 %, "
        "forwards right claim >= 85 %, wrong <= 2 %, ordinary flagged 0"
    )
    for name, r, en, ok in summary:
        language = min(r.language_rate, en.language_rate)
        print(
            f"  {name:<12} top-1 {r.faq_top1:5.1f}  recall@3 {r.faq_recall3:5.1f}  "
            f"language {language:5.1f}  right claim {r.claim_right:5.1f}  "
            f"wrong {r.claim_wrong:4.1f}  ordinary flagged {r.ordinary_flagged}"
            f"  -> {'ok' if ok else 'MISSES TARGET'}"
        )
        record(
            figure=f"{name}: FAQ top-1 and 5 more",
            result=r.faq_top1,
            unit="%",
            target=">= 90 % + 5 more (see its log)",
            ok=ok,
            note="targets: recall@3 >= 97 %, language 100 %, right claim >= 85 %, "
            "wrong <= 2 %, ordinary flagged 0; measured: "
            f"recall@3 {r.faq_recall3:.1f} %, language {language:.1f} % (both"
            " chat languages), "
            f"right claim {r.claim_right:.1f} %, wrong {r.claim_wrong:.1f} %, "
            f"ordinary flagged {r.ordinary_flagged}",
        )


if __name__ == "__main__":
    main()
