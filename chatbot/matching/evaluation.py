"""Quality figures of the matcher on the held-out evaluation set (pure, no Django).

Used by bench/chatbot_quality.py and by the quality tests; the evaluation texts are
never indexed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .engine import (
    Engine,
    Thresholds,
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


@dataclass
class Report:
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

    def pct(self, num: int, den: int) -> float:
        return 100.0 * num / den if den else 0.0

    @property
    def faq_top1(self) -> float:
        return self.pct(self.top1, self.n_questions)

    @property
    def faq_recall3(self) -> float:
        return self.pct(self.recall3, self.n_questions)

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
        if q["faq"] in keys[:3]:
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
    best = None
    # Highest thresholds first: on a tie the more cautious setting wins.
    for answer in [x / 100 for x in range(80, 39, -2)]:
        for margin in [x / 100 for x in range(20, 3, -2)]:
            t = FaqThresholds(
                answer=answer, margin=margin, suggest=0.0, lead_answer=1.0
            )
            right = wrong = 0
            for hits, n_terms, key in runs:
                m = decide_faq(hits, t, n_terms=n_terms)
                if m.kind == "answer":
                    if key is not None and faq_key[m.best.entry_id] == key:
                        right += 1
                    else:
                        wrong += 1
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
            lr = lw = 0
            for hits, n_terms, key in runs:
                m = decide_faq(hits, t, n_terms=n_terms)
                if m.kind == "answer":
                    if key is not None and faq_key[m.best.entry_id] == key:
                        lr += 1
                    else:
                        lw += 1
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
    # And a public body's Q&A as published (no alternates, long answers), alone.
    dev_official = load_json(DEV_OFFICIAL)
    official_docs = faq_docs_from_records(dev_official["entries"])
    official = Engine(faq_docs=official_docs, hoax_docs=[])
    official_key = {d.entry_id: d.group for d in official_docs}
    for q in dev_official["questions"]:
        a = official.normaliser.analyse(q["text"])
        sweep.append(
            (official.faq.search(a), len(set(a.terms)), q["faq"], official_key)
        )
    for o in ordinary:
        if o.get("topic") == "health":
            continue
        a = official.normaliser.analyse(o["text"])
        sweep.append((official.faq.search(a), len(set(a.terms)), None, official_key))
    best_s = None
    for suggest in [x / 100 for x in range(50, 9, -1)]:
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


# --- the held-out test split (issue 17) ---------------------------------------------

TEST_SPLIT = ROOT / "tests" / "chatbot" / "data" / "test_split"
TEST_FAQ_FILES = (TEST_SPLIT / "faq_curated.json", TEST_SPLIT / "faq_official.json")
TEST_HOAX_FILE = TEST_SPLIT / "hoaxes.json"


@dataclass
class SplitReport:
    """FAQ and hoax figures on material written apart from the matcher."""

    n_questions: int = 0
    top1: int = 0
    recall3: int = 0
    right_language: int = 0  # the entry shown (answer or first suggestion) is in it
    shown: int = 0  # questions given an answer or suggestions
    answered_right: int = 0
    answered_wrong: int = 0
    suggested: int = 0
    fallback: int = 0
    faq_flagged_hoax: int = 0
    n_forwards: int = 0
    verdict_right: int = 0
    possible_right: int = 0
    wrong_claim: int = 0
    by_style: dict = field(default_factory=dict)  # style -> [n, right claim]
    n_ordinary: int = 0
    ordinary_flagged: int = 0
    ordinary_possible: int = 0
    # Never in the repr: a failing assertion must not show held-out items.
    misses: list[str] = field(default_factory=list, repr=False)

    @staticmethod
    def pct(num: int, den: int) -> float:
        return 100.0 * num / den if den else 0.0

    @property
    def faq_top1(self) -> float:
        return self.pct(self.top1, self.n_questions)

    @property
    def faq_recall3(self) -> float:
        return self.pct(self.recall3, self.n_questions)

    @property
    def language_rate(self) -> float:
        return self.pct(self.right_language, self.shown) if self.shown else 100.0

    @property
    def claim_right(self) -> float:
        return self.pct(self.verdict_right + self.possible_right, self.n_forwards)

    @property
    def claim_wrong(self) -> float:
        return self.pct(self.wrong_claim, self.n_forwards)

    def lines(self) -> list[str]:
        q, f = self.n_questions, self.n_forwards
        out = []
        if q:
            out += [
                f"FAQ top-1               {self.faq_top1:5.1f} %  ({self.top1}/{q})",
                f"FAQ recall@3            {self.faq_recall3:5.1f} %  ({self.recall3}/{q})",
                f"  answered right {self.answered_right}, wrong {self.answered_wrong}"
                f", suggestions {self.suggested}, fallback {self.fallback}"
                f", taken for a hoax {self.faq_flagged_hoax}",
                f"  in the asked language {self.language_rate:5.1f} %"
                f"  ({self.right_language}/{self.shown} shown)",
            ]
        if f:
            out += [
                f"Forwards, right claim   {self.claim_right:5.1f} %"
                f"  ({self.verdict_right} verdict + {self.possible_right} possible"
                f" /{f})",
                f"Forwards, wrong claim   {self.claim_wrong:5.1f} %"
                f"  ({self.wrong_claim}/{f})",
                *(
                    f"  {style:<21} {self.pct(right, n):5.1f} %  ({right}/{n})"
                    for style, (n, right) in sorted(self.by_style.items())
                ),
                f"Ordinary flagged hoax   {self.ordinary_flagged}/{self.n_ordinary}"
                f", possible {self.ordinary_possible}",
            ]
        return out


def evaluate_faq_split(
    engine: Engine,
    faq_key: dict[int, str],
    faq_language: dict[int, str],
    questions: list[dict],
    *,
    thresholds: Thresholds | None = None,
    report: SplitReport | None = None,
    channel_language: str = "id",
) -> SplitReport:
    """Residents write in their own language whatever the channel's setting: every
    question is asked with `channel_language` and must be shown in its own."""
    t = thresholds or Thresholds()
    r = report or SplitReport()
    for q in questions:
        r.n_questions += 1
        out = engine.answer(q["text"], language=channel_language, thresholds=t)
        keys = [faq_key[h.entry_id] for h in out.faq_hits]
        if out.kind == "hoax":
            r.faq_flagged_hoax += 1
        right_top = out.kind != "hoax" and keys[:1] == [q["faq"]]
        r.top1 += right_top
        r.recall3 += out.kind != "hoax" and q["faq"] in keys[:3]
        shown = (
            [out.faq]
            if out.kind == "faq"
            else list(out.suggestions)
            if out.kind == "faq_suggestions"
            else []
        )
        if shown:
            r.shown += 1
            if all(faq_language[h.entry_id] == q["language"] for h in shown):
                r.right_language += 1
            else:
                r.misses.append(f"language {q['language']} <- {q['text']}")
        if out.kind == "faq":
            if faq_key[out.faq.entry_id] == q["faq"]:
                r.answered_right += 1
            else:
                r.answered_wrong += 1
        elif out.kind == "faq_suggestions":
            r.suggested += 1
        elif out.kind == "fallback":
            r.fallback += 1
        if not right_top:
            r.misses.append(f"faq {q['faq']:<22} {out.kind} {keys[:3]} <- {q['text']}")
    return r


def evaluate_hoax_split(
    engine: Engine,
    hoax_key: dict[int, str],
    data: dict,
    *,
    thresholds: Thresholds | None = None,
    report: SplitReport | None = None,
) -> SplitReport:
    t = thresholds or Thresholds()
    r = report or SplitReport()
    for f in data["forwards"]:
        r.n_forwards += 1
        style = r.by_style.setdefault(f.get("style", "forward"), [0, 0])
        style[0] += 1
        out = engine.answer(f["text"], language="id", thresholds=t)
        got = hoax_key.get(out.hoax.entry_id) if out.hoax else None
        if out.kind in ("hoax", "hoax_possible") and got in f["hoax"]:
            style[1] += 1
            if out.kind == "hoax":
                r.verdict_right += 1
            else:
                r.possible_right += 1
        elif out.kind in ("hoax", "hoax_possible"):
            r.wrong_claim += 1
            r.misses.append(f"wrong {out.kind} {got} for {f['hoax']} <- {f['text']}")
        else:
            r.misses.append(f"missed {f['hoax']} ({out.kind}) <- {f['text']}")
    for o in data["ordinary"]:
        r.n_ordinary += 1
        out = engine.answer(o["text"], language="id", thresholds=t)
        if out.kind == "hoax":
            r.ordinary_flagged += 1
            r.misses.append(f"flagged {hoax_key.get(out.hoax.entry_id)} <- {o['text']}")
        elif out.kind == "hoax_possible":
            r.ordinary_possible += 1
            r.misses.append(
                f"possible {hoax_key.get(out.hoax.entry_id)} <- {o['text']}"
            )
    return r


def held_out_questions() -> list[dict]:
    return [q for path in TEST_FAQ_FILES for q in load_json(path)["questions"]]


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
    from .normalise import detect_language

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
        language = q.get("language") or detect_language(out.analysis.words) or "id"
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
            recall3 += q["faq"] in keys
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
