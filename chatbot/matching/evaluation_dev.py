"""Figures on the evaluation set's halves (`evaluate`) and the threshold sweep that
calibrates on the dev half (`calibrate`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .engine import (
    Engine,
    Thresholds,
    faq_docs_from_records,
)
from .evaluation_sets import DEV_QA_SETS, FAQ_STARTER, FaqRates, load_json, split


@dataclass
class Report(FaqRates):
    n_questions: int = 0
    top1: int = 0
    recall3: int = 0
    answered_right: int = 0
    answered_wrong: int = 0
    suggested: int = 0
    n_forwards: int = 0
    hoax_right: int = 0  # auto verdict on the right claim
    hoax_possible_right: int = 0
    flagged: int = 0  # messages with an auto verdict, any claim
    flagged_right: int = 0
    n_negatives: int = 0  # questions + ordinary messages
    negatives_flagged: int = 0
    negatives_possible: int = 0
    n_chatter: int = 0  # ordinary messages that are not health questions
    chatter_answered: int = 0
    by_style: dict = field(default_factory=dict)  # style -> [forwards, auto right]
    misses: list[str] = field(default_factory=list)

    @property
    def hoax_precision(self) -> float:
        return self.pct(self.flagged_right, self.flagged) if self.flagged else 100.0

    @property
    def hoax_recall(self) -> float:
        return self.pct(self.hoax_right, self.n_forwards)

    def style_recall(self, style: str) -> float:
        n, right = self.by_style.get(style, (0, 0))
        return self.pct(right, n)

    def lines(self) -> list[str]:
        q, f = self.n_questions, self.n_forwards
        return [
            f"FAQ top-1 accuracy      {self.faq_top1:5.1f} %  ({self.top1}/{q})",
            f"FAQ recall@3            {self.faq_recall3:5.1f} %  ({self.recall3}/{q})",
            f"  answered, right       {self.pct(self.answered_right, q):5.1f} %"
            f"  wrong {self.pct(self.answered_wrong, q):.1f} %"
            f"  suggestions {self.pct(self.suggested, q):.1f} %",
            f"Hoax precision          {self.hoax_precision:5.1f} %"
            f"  ({self.flagged_right}/{self.flagged} auto verdicts)",
            f"Hoax recall             {self.hoax_recall:5.1f} %  ({self.hoax_right}/{f})"
            f"  +possible {self.pct(self.hoax_possible_right, f):.1f} %",
            *(
                f"  {style:<21} {self.pct(right, n):5.1f} %  ({right}/{n})"
                for style, (n, right) in sorted(self.by_style.items())
            ),
            f"Ordinary/questions flagged hoax {self.negatives_flagged}"
            f"/{self.n_negatives}, possible {self.negatives_possible}",
            f"Chatter/notices/junk given an FAQ answer {self.chatter_answered}"
            f"/{self.n_chatter}",
        ]


def evaluate(
    engine: Engine,
    faq_key: dict[int, str],
    hoax_key: dict[int, str],
    data: dict,
    *,
    thresholds: Thresholds | None = None,
    part: str = "all",
) -> Report:
    t = thresholds or Thresholds()
    r = Report()
    questions = split(data["questions"], part)
    forwards = split(data["forwards"], part)
    ordinary = split(data["ordinary"], part)
    for q in questions:
        r.n_questions += 1
        out = engine.answer(q["text"], language="id", thresholds=t)
        keys = [faq_key[h.entry_id] for h in out.faq_hits]
        if keys[:1] == [q["faq"]]:
            r.top1 += 1
        else:
            r.misses.append(f"faq  {q['faq']:<24} {keys[:3]} <- {q['text']}")
        # What the resident sees: the answer and its related entries, or suggestions.
        if q["faq"] in [faq_key[h.entry_id] for h in out.faq_shown]:
            r.recall3 += 1
        if out.kind == "faq":
            if faq_key[out.faq.entry_id] == q["faq"]:
                r.answered_right += 1
            else:
                r.answered_wrong += 1
        elif out.kind == "faq_suggestions":
            r.suggested += 1
    negatives: Iterable[str] = [q["text"] for q in questions] + [
        o["text"] for o in ordinary
    ]
    chatter = {o["text"] for o in ordinary if o.get("topic") != "health"}
    for text in negatives:
        r.n_negatives += 1
        out = engine.answer(text, language="id", thresholds=t)
        if text in chatter:
            r.n_chatter += 1
            if out.kind == "faq":
                r.chatter_answered += 1
                r.misses.append(
                    f"chatter answered {faq_key[out.faq.entry_id]} <- {text}"
                )
        if out.kind == "hoax":
            r.flagged += 1
            r.negatives_flagged += 1
            r.misses.append(f"false hoax {hoax_key[out.hoax.entry_id]} <- {text}")
        elif out.kind == "hoax_possible":
            r.negatives_possible += 1
    for f in forwards:
        r.n_forwards += 1
        style = r.by_style.setdefault(f.get("style", "forward"), [0, 0])
        style[0] += 1
        out = engine.answer(f["text"], language="id", thresholds=t)
        got = hoax_key[out.hoax.entry_id] if out.hoax else None
        if out.kind == "hoax":
            r.flagged += 1
            if got in f["hoax"]:
                r.flagged_right += 1
                r.hoax_right += 1
                style[1] += 1
            else:
                r.misses.append(f"wrong hoax {got} for {f['hoax']} <- {f['text'][:70]}")
        elif out.kind == "hoax_possible" and got in f["hoax"]:
            r.hoax_possible_right += 1
            r.misses.append(f"possible {got} ({out.hoax.score}) <- {f['text'][:70]}")
        else:
            r.misses.append(f"missed {f['hoax']} ({out.kind}) <- {f['text'][:70]}")
    return r


def calibrate(engine: Engine, faq_key: dict, hoax_key: dict, data: dict) -> dict:
    """Sweep thresholds on the dev half only; returns the chosen values.

    FAQ answer/margin (answer >= 0.40, margin >= 0.04 as priors): maximise right
    answers minus 5x wrong ones (a wrong answer costs more than showing suggestions);
    chatter, notices, off-topic and junk that get an answer count as wrong. FAQ
    suggest: maximise questions whose entry is offered minus 2x non-questions that get
    suggestions.
    Hoax: stay clear of the best-scoring message that is not a hoax forward: auto =
    that score + 0.10 (room for unseen ordinary phrasings), suggest = that score +
    0.02 (no dev ordinary message is even called "possibly related").
    """
    from .faq_index import FaqThresholds, decide_faq

    questions = split(data["questions"], "dev")
    ordinary = split(data["ordinary"], "dev")
    forwards = split(data["forwards"], "dev")
    runs = []
    for q in questions:
        a = engine.normaliser.analyse(q["text"])
        runs.append((engine.faq.search(a), len(set(a.terms)), q["faq"]))
    for o in ordinary:
        if o.get("topic") == "health":
            continue
        a = engine.normaliser.analyse(o["text"])
        runs.append((engine.faq.search(a), len(set(a.terms)), None))

    def answered(t: FaqThresholds) -> tuple[int, int]:
        """Right and wrong outright answers of the runs with thresholds `t`."""
        right = wrong = 0
        for hits, n_terms, key in runs:
            m = decide_faq(hits, t, n_terms=n_terms)
            if m.kind == "answer":
                if key is not None and faq_key[m.best.entry_id] == key:
                    right += 1
                else:
                    wrong += 1
        return right, wrong

    best = None
    # Highest thresholds first: on a tie the more cautious setting wins.
    for answer in [x / 100 for x in range(80, 39, -2)]:
        for margin in [x / 100 for x in range(20, 3, -2)]:
            t = FaqThresholds(
                answer=answer, margin=margin, suggest=0.0, lead_answer=1.0
            )
            right, wrong = answered(t)
            gain = right - 5 * wrong
            if best is None or gain > best[0]:
                best = (gain, answer, margin, right, wrong)
    _, answer, margin, right, wrong = best
    # Then a clear lead just under that bar: the same gain, lower bars and wider
    # leads tried after higher and narrower ones lose ties to them.
    best_lead = (best[0], 1.0, 1.0, right, wrong)
    for lead_answer in [x / 100 for x in range(round(answer * 100) - 1, 24, -1)]:
        for lead_margin in [x / 100 for x in range(30, 9, -1)]:
            t = FaqThresholds(
                answer=answer,
                margin=margin,
                suggest=0.0,
                lead_answer=lead_answer,
                lead_margin=lead_margin,
            )
            lr, lw = answered(t)
            if lr - 5 * lw > best_lead[0]:
                best_lead = (lr - 5 * lw, lead_answer, lead_margin, lr, lw)
    _, lead_answer, lead_margin, right, wrong = best_lead
    # Suggestions matter most for entries nobody has added alternates to yet: the
    # sweep also asks the dev half against the starter FAQ stripped of alternates.
    bare_docs = faq_docs_from_records(
        [dict(r, alternates=[]) for r in load_json(FAQ_STARTER)]
    )
    bare = Engine(faq_docs=bare_docs, hoax_docs=[], synonyms=None)
    bare_key = {d.entry_id: d.group for d in bare_docs}
    sweep = [(hits, n, key, faq_key) for hits, n, key in runs]
    for q in questions:
        a = bare.normaliser.analyse(q["text"])
        sweep.append((bare.faq.search(a), len(set(a.terms)), q["faq"], bare_key))
    for o in ordinary:
        if o.get("topic") == "health":
            continue
        a = bare.normaliser.analyse(o["text"])
        sweep.append((bare.faq.search(a), len(set(a.terms)), None, bare_key))
    # And every development Q&A set as published (no alternates, long answers,
    # small knowledge bases: a health office's first week), alone.
    for _, path in DEV_QA_SETS:
        dev_set = load_json(path)
        dev_docs = faq_docs_from_records(dev_set["entries"])
        dev_engine = Engine(faq_docs=dev_docs, hoax_docs=[])
        dev_key = {d.entry_id: d.group for d in dev_docs}
        for q in dev_set["questions"]:
            a = dev_engine.normaliser.analyse(q["text"])
            sweep.append(
                (dev_engine.faq.search(a), len(set(a.terms)), q["faq"], dev_key)
            )
        for o in ordinary:
            if o.get("topic") == "health":
                continue
            a = dev_engine.normaliser.analyse(o["text"])
            sweep.append((dev_engine.faq.search(a), len(set(a.terms)), None, dev_key))
    best_s = None
    for suggest in [x / 100 for x in range(50, 4, -1)]:
        t = FaqThresholds(
            answer=answer,
            margin=margin,
            suggest=suggest,
            lead_answer=lead_answer,
            lead_margin=lead_margin,
        )
        useful = noise = 0
        for hits, n_terms, key, keys in sweep:
            m = decide_faq(hits, t, n_terms=n_terms)
            if m.kind != "suggestions":
                continue
            if key is None:
                noise += 1
            elif key in [keys[h.entry_id] for h in m.hits]:
                useful += 1
        # Issue 17: no dead ends. A question left with nothing costs more than
        # three suggestions shown to a message that was not a question.
        gain = useful - 0.5 * noise
        if best_s is None or gain > best_s[0]:
            best_s = (gain, suggest)
    negatives = [q["text"] for q in questions] + [o["text"] for o in ordinary]
    top_negative = max(
        (hits[0].score for hits in map(engine.hoax.search, negatives) if hits),
        default=0.0,
    )
    auto = round(top_negative + 0.10, 2)
    hoax_suggest = round(top_negative + 0.02, 2)
    caught = 0
    for f in forwards:
        hits = engine.hoax.search(f["text"])
        caught += bool(
            hits and hits[0].score >= auto and hoax_key[hits[0].entry_id] in f["hoax"]
        )
    return {
        "faq_answer": answer,
        "faq_margin": margin,
        "faq_suggest": best_s[1],
        "faq_lead_answer": lead_answer,
        "faq_lead_margin": lead_margin,
        "faq_dev_right_answers": right,
        "faq_dev_wrong_answers": wrong,
        "hoax_auto": auto,
        "hoax_suggest": hoax_suggest,
        "hoax_dev_top_negative": round(top_negative, 4),
        "hoax_dev_recall_at_auto": round(caught / max(1, len(forwards)), 4),
    }
