"""FAQ and hoax figures on the held-out test split (material written apart from the
matcher)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .engine import (
    Engine,
    Thresholds,
)
from .evaluation_sets import FaqRates


@dataclass
class SplitReport(FaqRates):
    """FAQ and hoax figures on material written apart from the matcher."""

    n_questions: int = 0
    top1: int = 0
    # recall@3: the right entry among the (at most 3) entries the resident sees: the
    # answer and its related entries, or the suggestions. `ranked3`: among the
    # ranking's first 3, shown or not (a fallback offers a health worker instead).
    recall3: int = 0
    ranked3: int = 0
    right_language: int = 0  # every entry shown is in it
    shown: int = 0  # questions given an answer or suggestions
    # ... of them written in a known language (a question may carry none: eval_set's
    # do not, and the rule is then not judged on it).
    language_known: int = 0
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

    @property
    def language_rate(self) -> float:
        if not self.language_known:
            return 100.0
        return self.pct(self.right_language, self.language_known)

    @property
    def language_ok(self) -> bool:
        """The language rule held for every question shown, and every one said its
        language (a split without languages does not pass by default)."""
        return self.language_known == self.shown == self.right_language

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
                f"FAQ recall@3            {self.faq_recall3:5.1f} %  ({self.recall3}/{q}"
                ", shown: the answer and its related entries, or a suggestion)",
                f"  in the ranking's top 3 {self.pct(self.ranked3, q):4.1f} %"
                f"  ({self.ranked3}/{q}, shown or not)",
                f"  answered right {self.answered_right}, wrong {self.answered_wrong}"
                f", suggestions {self.suggested}, fallback {self.fallback}"
                f", taken for a hoax {self.faq_flagged_hoax}",
                (
                    f"  in the asked language {self.language_rate:5.1f} %"
                    f"  ({self.right_language}/{self.language_known} shown)"
                    if self.language_known or not self.shown
                    else "  in the asked language: not judged (the questions carry"
                    " no language)"
                ),
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
    question is asked with `channel_language` and must be shown in its own
    (`language`; a question without one is not judged on the language rule)."""
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
        r.ranked3 += out.kind != "hoax" and q["faq"] in keys[:3]
        shown = out.faq_shown
        seen = q["faq"] in [faq_key[h.entry_id] for h in shown]
        r.recall3 += seen
        if shown:
            r.shown += 1
        if shown and q.get("language"):
            r.language_known += 1
            # In the asked language wherever the entry is written in it.
            if all(
                faq_language[h.entry_id] == q["language"]
                or not engine.faq.has_version(h.group, q["language"])
                for h in shown
            ):
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
        if not right_top or not seen:
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
