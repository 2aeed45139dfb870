"""One message in, one decision out: hoax check first, then the FAQ.

Pure: the indexes are built from plain records, thresholds are passed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .emergency import (
    low_oxygen_reading,
    reports_emergency,
    signs_named,
    words_beside_signs,
)
from .faq_index import (
    FaqDoc,
    FaqHit,
    FaqIndex,
    FaqThresholds,
    decide_faq,
    related_hits,
)
from .hoax_index import (
    HoaxDoc,
    HoaxHit,
    HoaxIndex,
    HoaxMatch,
    HoaxThresholds,
    asks_about_claim,
    decide_hoax,
)
from .hoax_verdict import open_question, own_question
from .normalise import Analysis, Normaliser, detect_language, stem

KINDS = ("faq", "faq_suggestions", "hoax", "hoax_possible", "fallback")
SHORT_MESSAGE_TERMS = 8
# A message reporting a danger sign with this many words besides it (and whom it
# happens to) is about a subject of its own (session 27, development material).
OWN_SUBJECT_WORDS = 2


@dataclass(frozen=True, slots=True)
class Thresholds:
    faq: FaqThresholds = field(default_factory=FaqThresholds)
    hoax: HoaxThresholds = field(default_factory=HoaxThresholds)


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str
    analysis: Analysis
    language: str = "id"  # the language the reply is in (detected or given)
    faq: FaqHit | None = None
    suggestions: tuple[FaqHit, ...] = ()
    # Beside an answer: the next entries over the suggestions' floor (no dead end
    # when the answer is not the one asked for).
    related: tuple[FaqHit, ...] = ()
    hoax: HoaxHit | None = None
    hoaxes: tuple[HoaxHit, ...] = ()  # every claim above the suggest bar, best first
    faq_hits: tuple[FaqHit, ...] = ()  # top FAQ candidates, whatever the decision
    # The message reports a danger sign happening now (`emergency.reports_emergency`).
    emergency: bool = False

    @property
    def faq_shown(self) -> tuple[FaqHit, ...]:
        """The FAQ entries the resident sees: the answer and its related entries, or
        the suggestions, also those beside a possibly related claim (at most 3; none
        beside a verdict or a fallback)."""
        if self.kind == "faq":
            return (self.faq, *self.related)
        if self.kind in ("faq_suggestions", "hoax_possible"):
            return self.suggestions
        return ()


class Engine:
    def __init__(
        self,
        *,
        faq_docs: Iterable[FaqDoc],
        hoax_docs: Iterable[HoaxDoc],
        synonyms: Mapping[str, str] | None = None,
        use_lsh: bool = True,
    ) -> None:
        self.normaliser = Normaliser(synonyms)
        self.faq = FaqIndex(faq_docs, normaliser=self.normaliser)
        self.hoax = HoaxIndex(hoax_docs, normaliser=self.normaliser, use_lsh=use_lsh)
        self._common = self.faq.common_terms()
        self.hoax.topic_terms = self._common

    def _on_own_subject(self, a: Analysis, hits: list[FaqHit]) -> bool:
        """Whether a message that reports a danger sign is about a subject of its
        own that the best entry knows, sign included ("orang pingsan boleh dikasih
        teh manis?" and a first-aid entry, "anak step pas panas tinggi" and a febrile
        seizure entry): its ranking stands. A bare report ("I am short of breath",
        "my mom finds it hard to breathe and she has covid") is none: its other
        words are few, or but one beside the knowledge base's common ones
        ("covid", "anak") and the best entry does not hold it."""
        beside = words_beside_signs(a)
        if not hits or len(beside) < OWN_SUBJECT_WORDS:
            return False
        own = {stem(w) for w in beside} - self._common
        return self.faq.answer_names_signs(hits[0], signs_named(a) - {"oxygen"}) and (
            len(own) >= OWN_SUBJECT_WORDS or self.faq.holds_any(hits[0], own)
        )

    def answer(
        self, text: str, *, language: str = "id", thresholds: Thresholds | None = None
    ) -> Outcome:
        t = thresholds or Thresholds()
        a = self.normaliser.analyse(text)
        if a.is_empty:
            return Outcome(kind="fallback", analysis=a)
        # Answer in the language the question is written in, whatever the setting.
        language = detect_language(a.written, self.faq.language_words) or language
        # A short message that quotes a claim ("vaksin ada chipnya") is as good as
        # a question about it: worth showing the claim, never a verdict on its own;
        # not when it asks for information ("daun pepaya untuk apa?").
        short = len(set(a.terms)) <= SHORT_MESSAGE_TERMS and not open_question(a.words)
        hoax = decide_hoax(
            self.hoax.search(a, explain_below=t.hoax.suggest),
            t.hoax,
            asks_about_claim=short or asks_about_claim(a.words),
        )
        if hoax.kind == "hoax":
            return Outcome(
                kind="hoax",
                analysis=a,
                language=language,
                hoax=hoax.best,
                hoaxes=hoax.hits,
            )
        hits = self.faq.search(a, language=language, limit=3)
        exact = self.faq.says_exactly(a, hits[0] if hits else None)
        faq = decide_faq(hits, t.faq, n_terms=len(set(a.terms)), exact=exact)
        if faq.kind != "answer":
            filled = self.faq.second_opinion(a, hits, language=language)
            if filled is not hits:
                hits = filled
                faq = decide_faq(hits, t.faq, n_terms=len(set(a.terms)))
        top = tuple(hits)
        emergency = reports_emergency(a)
        danger = self.faq.emergency_hit(hits, language) if emergency else None
        low_oxygen = emergency and low_oxygen_reading(a)
        if danger is not None and (
            # A reading under 95 % is the emergency itself, whatever else it asks.
            (low_oxygen and (faq.kind != "answer" or faq.best.group != danger.group))
            or (
                faq.kind != "answer"
                and (
                    (hits and hits[0].group == danger.group)
                    or not self._on_own_subject(a, hits)
                )
            )
            # A bare report ("my son's lips look bluish", "bibir anak saya
            # kebiruan") that an entry whose answer never says 119 would answer
            # (symptoms in children): 119 first, that entry beside it. An entry
            # that sends to 119 itself (first aid for someone not breathing) keeps
            # its answer.
            or (
                faq.kind == "answer"
                and faq.best.group != danger.group
                and len(words_beside_signs(a)) < OWN_SUBJECT_WORDS
                and not self.faq.sends_to_119(faq.best)
            )
        ):
            # Someone reports a danger sign and the FAQ knows no better answer:
            # the danger-sign answer (119, the emergency room) straight away, the
            # entries the words point to beside it.
            others = tuple(h for h in hits if h.group != danger.group)
            return Outcome(
                kind="faq",
                analysis=a,
                language=language,
                faq=danger,
                related=tuple(h for h in others if h.score >= t.faq.also_suggest)[:2],
                faq_hits=(danger, *others),
                emergency=True,
            )
        if faq.kind == "answer":
            return Outcome(
                kind="faq",
                analysis=a,
                language=language,
                faq=faq.best,
                related=related_hits(hits, t.faq),
                faq_hits=top,
                emergency=emergency,
            )
        if (
            hoax.kind == "possible"
            and (
                hoax.best.score < t.hoax.suggest  # only as a question about it
                or hoax.best.explained >= hoax.best.score  # only its explanation
            )
            and hits
            and hits[0].score >= t.faq.answer
        ):
            # The question is one the FAQ knows well: its answers come first.
            hoax = HoaxMatch(kind="none")
        if (
            hoax.kind == "possible"
            and not hoax.best.on_claim
            and a.asks
            and hits
            and hits[0].score >= t.faq.suggest
        ):
            # A question that shares a narrative's background but none of the
            # claim's own words ("digigit anjing tetangga harus ngapain dok" and a
            # rabies-vaccine forward): the FAQ's entries on it, not the claim.
            hoax = HoaxMatch(kind="none")
        if (
            hoax.kind == "possible"
            and own_question(a.written, asks=a.asks or _asks_is_that(a.written))
            and hits
            and hits[0].score >= t.faq.suggest
        ):
            # A resident's own question ("my kid has fever after vaccine, is that
            # normal?", "anak saya demam habis vaksin, wajar ga?"): the FAQ's
            # entries on it, not a claim to check.
            hoax = HoaxMatch(kind="none")
        if hoax.kind == "possible":
            # The claim first, and the FAQ's entries on the question beside it.
            return Outcome(
                kind="hoax_possible",
                analysis=a,
                language=language,
                hoax=hoax.best,
                hoaxes=hoax.hits,
                suggestions=(
                    tuple(h for h in hits if h.score >= t.faq.also_suggest)
                    if hits and hits[0].score >= max(t.faq.suggest, t.faq.beside_claim)
                    else ()
                ),
                faq_hits=top,
                emergency=emergency,
            )
        if faq.kind == "suggestions":
            return Outcome(
                kind="faq_suggestions",
                analysis=a,
                language=language,
                suggestions=faq.hits,
                faq_hits=top,
                emergency=emergency,
            )
        if a.asks:
            # No dead end for a question on an entry's own rare subject ("tawon",
            # "mimisan") that scores low on everything else.
            related = self.faq.sharing_rare_words(
                a, hits, floor=t.faq.rare_word, beside=t.faq.also_suggest
            )
            if related:
                return Outcome(
                    kind="faq_suggestions",
                    analysis=a,
                    language=language,
                    suggestions=related,
                    faq_hits=top,
                    emergency=emergency,
                )
        return Outcome(
            kind="fallback",
            analysis=a,
            language=language,
            faq_hits=top,
            emergency=emergency,
        )


def _asks_is_that(written: tuple[str, ...]) -> bool:
    """ "... is that normal", written without a question mark."""
    return ("is", "that") in zip(written, written[1:], strict=False)


def faq_docs_from_records(records: Iterable[Mapping]) -> list[FaqDoc]:
    """Starter/import records -> FaqDocs (ids are positions; tests and benches)."""
    docs = []
    for i, r in enumerate(records, start=1):
        alternates = r.get("alternates") or ()
        if isinstance(alternates, str):
            alternates = [a for a in alternates.split("|") if a.strip()]
        docs.append(
            FaqDoc(
                entry_id=i,
                question=r["question"],
                language=r.get("language", "id"),
                group=r.get("key", ""),
                alternates=tuple(alternates),
                answer=r.get("answer", ""),
            )
        )
    return docs


def hoax_docs_from_records(records: Iterable[Mapping]) -> list[HoaxDoc]:
    docs = []
    for i, r in enumerate(records, start=1):
        variants = list(r.get("variants") or ())
        if r.get("narrative"):
            variants.insert(0, r["narrative"])
        docs.append(
            HoaxDoc(
                entry_id=i,
                claim=r["claim"],
                claim_en=r.get("claim_en") or "",
                variants=tuple(variants),
                urls=tuple(u for u in [r.get("source_url", "")] if u),
                explanation=r.get("explanation", ""),
            )
        )
    return docs
