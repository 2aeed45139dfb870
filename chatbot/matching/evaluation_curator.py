"""A curator working the unanswered inbox, simulated: top-1 on later phrasings as
the curator adds alternates (issue 17)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .engine import (
    Engine,
    Thresholds,
    faq_docs_from_records,
    hoax_docs_from_records,
)
from .evaluation_held_out import SplitReport


def paraphrase_halves(questions: list[dict]) -> tuple[list[dict], list[dict]]:
    """Each entry's phrasings split in two: the first half is asked before the
    curator works the inbox, the rest after. Entries asked only once are left out:
    nothing could be learned for them."""
    by_entry: dict[str, list[dict]] = {}
    for q in questions:
        by_entry.setdefault(q["faq"], []).append(q)
    before: list[dict] = []
    after: list[dict] = []
    for group in by_entry.values():
        if len(group) < 2:
            continue
        half = (len(group) + 1) // 2
        before += group[:half]
        after += group[half:]
    return before, after


@dataclass(frozen=True)
class CuratorStep:
    groups: int  # inbox groups the curator turned into alternates
    alternates: int  # questions added as alternates
    top1: float  # week 2: every later phrasing
    recall3: float
    answered_right: float
    curated_top1: float  # week 2, only the entries the curator added alternates to
    curated_top1_before: float  # the same questions before the curator's work
    n_curated: int


def curator_loop(
    faq_records: list[dict],
    questions: list[dict],
    *,
    group_same: Callable[..., bool],
    topic: Callable[[tuple[str, ...]], list[str]] | None = None,
    steps: Iterable[int] = (0, 5, 10, 20, 40, 80),
    thresholds: Thresholds | None = None,
    hoax_records: list[dict] | None = None,
) -> list[CuratorStep]:
    """A curator works the unanswered inbox (issue 17).

    Residents ask each entry in several phrasings (paraphrase groups of the
    evaluation material). Week 1 asks the first half of every entry's phrasings:
    what is not answered outright (suggestions or fallback, as
    services.answering logs it) lands in the inbox, grouped as the inbox does
    (`group_same` on the `topic` terms, with the matcher's nearest entry, per
    language). The curator turns the N largest groups into alternates of the
    entry they ask about, in the question's language. Week 2 asks the other
    phrasings of the same entries, never seen: top-1 there must rise with N."""
    t = thresholds or Thresholds()
    topic = topic or list
    week1, week2 = paraphrase_halves(questions)
    hoax_docs = hoax_docs_from_records(hoax_records or [])

    def build(records: list[dict]) -> tuple[Engine, dict[int, str]]:
        docs = faq_docs_from_records(records)
        return Engine(faq_docs=docs, hoax_docs=hoax_docs), {
            d.entry_id: d.group for d in docs
        }

    engine, key_of = build(faq_records)
    languages = {r.get("language", "id") for r in faq_records}
    inbox: list[dict] = []  # {"language", "best", "topic", "questions"}
    for q in week1:
        out = engine.answer(q["text"], language="id", thresholds=t)
        if out.kind not in ("faq_suggestions", "fallback"):
            continue
        language = q.get("language") or out.language
        if language not in languages:
            language = "id"
        best = key_of[out.faq_hits[0].entry_id] if out.faq_hits else None
        terms = topic(out.analysis.terms) or list(out.analysis.terms)
        for g in inbox:
            if g["language"] == language and group_same(
                g["topic"], terms, best_a=g["best"], best_b=best
            ):
                g["questions"].append(q)
                break
        else:
            inbox.append(
                {"language": language, "best": best, "topic": terms, "questions": [q]}
            )
    inbox.sort(key=lambda g: len(g["questions"]), reverse=True)
    first_right = {
        i
        for i, q in enumerate(week2)
        if [
            key_of[h.entry_id]
            for h in engine.answer(q["text"], language="id", thresholds=t).faq_hits[:1]
        ]
        == [q["faq"]]
    }
    rows: list[CuratorStep] = []
    for n in steps:
        records = [
            dict(r, alternates=list(r.get("alternates") or ())) for r in faq_records
        ]
        added = 0
        curated: set[str] = set()
        for g in inbox[:n]:
            # The curator reads the group and picks the entry it asks about.
            asked = [q["faq"] for q in g["questions"]]
            key = max(asked, key=asked.count)  # ties: the first asked
            target = next(
                (
                    r
                    for r in records
                    if r.get("key") == key and r.get("language", "id") == g["language"]
                ),
                None,
            ) or next(r for r in records if r.get("key") == key)
            for q in g["questions"]:
                if q["faq"] == key:
                    target["alternates"].append(q["text"])
                    added += 1
            curated.add(key)
        engine, key_of = build(records)
        top1 = recall3 = right = curated_n = curated_top1 = curated_before = 0
        for i, q in enumerate(week2):
            out = engine.answer(q["text"], language="id", thresholds=t)
            keys = [key_of[h.entry_id] for h in out.faq_hits[:3]]
            hit = keys[:1] == [q["faq"]]
            top1 += hit
            recall3 += q["faq"] in [key_of[h.entry_id] for h in out.faq_shown]
            right += out.kind == "faq" and key_of[out.faq.entry_id] == q["faq"]
            if q["faq"] in curated:
                curated_n += 1
                curated_top1 += hit
                curated_before += i in first_right
        rows.append(
            CuratorStep(
                groups=min(n, len(inbox)),
                alternates=added,
                top1=SplitReport.pct(top1, len(week2)),
                recall3=SplitReport.pct(recall3, len(week2)),
                answered_right=SplitReport.pct(right, len(week2)),
                curated_top1=SplitReport.pct(curated_top1, curated_n),
                curated_top1_before=SplitReport.pct(curated_before, curated_n),
                n_curated=curated_n,
            )
        )
        if n >= len(inbox):
            break
    return rows
