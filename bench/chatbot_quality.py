"""Chatbot quality on the held-out evaluation set (tests/chatbot/data/eval_set.json).

    .venv/bin/python bench/chatbot_quality.py [--calibrate] [--misses]

Indexes the shipped starter set (chatbot/data/*.json) and reports, with the thresholds
in settings (CHATBOT_* environment variables): FAQ top-1 accuracy and recall@3 on 182
paraphrased questions (slang, typos, short and long, some English), hoax precision and
recall on 174 forwards (86 mutated copies of the circulating text, 88 retold in other
words, some with two claims) plus 268 messages that must not be flagged (the questions
and 86 ordinary messages). Figures for the calibration (dev) half, the held-out (test)
half and both. Targets: FAQ top-1 >= 90 %, hoax precision >= 98 % with recall >= 90 %.

--calibrate re-runs the threshold sweep on the dev half and prints the chosen values
(they are the defaults in core/settings.py). --misses lists every miss.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()

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
    if args.calibrate:
        chosen = calibrate(engine, faq_key, hoax_key, data)
        print("\ncalibration on the dev half:")
        for key, value in chosen.items():
            print(f"  {key:28} {value}")
    if args.misses:
        print("\nmisses (whole set):")
        print("\n".join("  " + m for m in total.misses))
    print(f"\n{time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
