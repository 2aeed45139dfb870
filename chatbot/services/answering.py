"""Answer one message: the single entry point for the app endpoint and the chat
adapters (Telegram, WhatsApp)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.conf import settings

from chatbot import rules
from chatbot.error_codes import ChatbotErrorCode
from chatbot.index import (
    HoaxView,
    Snapshot,
    snapshot_get,
    snapshot_is_current,
    thresholds,
)
from chatbot.matching import Outcome
from chatbot.matching.intents import asks_for_beds
from chatbot.selectors import faq_phrasings_changed_since
from chatbot.services.inbox import group_terms, possible_match_log, unanswered_log
from chatbot.stats import stat_record
from core.exceptions import ApplicationError


@dataclass(frozen=True, slots=True)
class FaqRef:
    id: int
    question: str
    score: float


@dataclass(frozen=True, slots=True)
class HoaxRef:
    id: int
    claim: str
    verdict: str
    score: float


@dataclass(frozen=True, slots=True)
class AnswerResult:
    kind: str  # faq | faq_suggestions | hoax | hoax_possible | fallback
    reply: str  # light markup, see chatbot.richtext.render(reply, channel)
    language: str
    faq: FaqRef | None = None
    # faq_suggestions: the entries it may be; hoax_possible: the FAQ's entries on
    # the question beside the claim.
    suggestions: tuple[FaqRef, ...] = ()
    related: tuple[FaqRef, ...] = ()  # beside an answer: other entries it may be
    hoax: HoaxRef | None = None
    other_hoaxes: tuple[HoaxRef, ...] = ()  # further checked claims in the message
    source_url: str = ""
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The body of POST /api/v1/chatbot/ask."""
        return {
            "kind": self.kind,
            "reply": self.reply,
            "faq": _faq_dict(self.faq) if self.faq else None,
            "suggestions": [_faq_dict(s) for s in self.suggestions],
            "related": [_faq_dict(s) for s in self.related],
            "hoax": (
                {
                    "id": self.hoax.id,
                    "claim": self.hoax.claim,
                    "verdict": self.hoax.verdict,
                    "score": self.hoax.score,
                }
                if self.hoax
                else None
            ),
        }


def _faq_dict(ref: FaqRef) -> dict:
    return {"id": ref.id, "question": ref.question, "score": ref.score}


def _lang(language: str | None) -> str:
    return "en" if (language or "").lower().startswith("en") else "id"


def _claim_view(entry: HoaxView, lang: str) -> rules.ClaimView:
    use_en = lang == "en"
    return rules.ClaimView(
        claim=(entry.claim_en if use_en and entry.claim_en else entry.claim),
        verdict=entry.verdict,
        explanation=(
            entry.explanation_en
            if use_en and entry.explanation_en
            else entry.explanation
        ),
        source_url=entry.source_url,
    )


def message_answer(
    *, text: str, language: str = "id", user=None, channel: str = "api"
) -> AnswerResult:
    """Match a message against the hoax claims and the FAQ and word the reply.

    Raises ApplicationError("too_long") above CHATBOT_MAX_MESSAGE_CHARS. Logs
    unanswered/low-confidence questions and possible hoax matches for curators and
    counts every outcome. `user` is accepted for the adapters; nothing stored here is
    linked to the user.
    """
    lang = _lang(language)
    limit = settings.CHATBOT_MAX_MESSAGE_CHARS
    try:
        text = rules.clean_message(text or "", max_chars=limit)
    except rules.MessageTooLong:
        raise ApplicationError(
            f"Pesan terlalu panjang (maksimal {limit} karakter).",
            code=ChatbotErrorCode.TOO_LONG,
            fields={"text": f"Maksimal {limit} karakter."},
        ) from None
    snapshot = snapshot_get()
    outcome = snapshot.engine.answer(text, language=lang, thresholds=thresholds())
    if outcome.analysis.is_empty:
        return AnswerResult(
            kind="fallback",
            reply=rules.reply_fallback(lang, empty=True),
            language=lang,
        )
    # A question written in the other language is answered in that language.
    lang = outcome.language
    result = _result(outcome, snapshot, lang)
    if asks_for_beds(outcome.analysis):
        result = replace(result, reply=rules.reply_beds_first(result.reply, lang))
    if outcome.emergency and not (result.kind == "faq" and "119" in result.reply):
        # An answer that names 119 already sends there (the danger-sign answer).
        result = replace(result, reply=rules.reply_emergency_first(result.reply, lang))
    _record(result, outcome, text, lang, snapshot)
    return result


def _refs(hits, snapshot: Snapshot) -> tuple[FaqRef, ...]:
    return tuple(
        FaqRef(id=h.entry_id, question=snapshot.faq[h.entry_id].question, score=h.score)
        for h in hits
        if h.entry_id in snapshot.faq
    )


def _result(outcome: Outcome, snapshot: Snapshot, lang: str) -> AnswerResult:
    if outcome.kind in ("hoax", "hoax_possible"):
        entries = snapshot.hoax
        hits = [h for h in outcome.hoaxes or (outcome.hoax,) if h.entry_id in entries]
        if hits:
            best = hits[0]
            entry = entries[best.entry_id]
            view = _claim_view(entry, lang)
            ref = HoaxRef(
                id=best.entry_id,
                claim=view.claim,
                verdict=entry.verdict,
                score=best.score,
            )
            reply, other_refs = rules.reply_hoax_possible(view, lang), ()
            suggestions = _refs(outcome.suggestions, snapshot)
            if outcome.kind == "hoax":
                others = [h for h in hits[1:] if h.score >= thresholds().hoax.auto]
                views = [_claim_view(entries[h.entry_id], lang) for h in others]
                reply = rules.reply_hoax(view, views, lang)
                other_refs = tuple(
                    HoaxRef(
                        id=h.entry_id, claim=v.claim, verdict=v.verdict, score=h.score
                    )
                    for h, v in zip(others, views, strict=True)
                )
            return AnswerResult(
                kind=outcome.kind,
                reply=reply,
                language=lang,
                hoax=ref,
                other_hoaxes=other_refs,
                suggestions=suggestions if outcome.kind == "hoax_possible" else (),
                source_url=entry.source_url,
            )
    if outcome.kind == "faq" and outcome.faq.entry_id in snapshot.faq:
        entry = snapshot.faq[outcome.faq.entry_id]
        return AnswerResult(
            kind="faq",
            reply=entry.answer,
            language=lang,
            faq=FaqRef(
                id=outcome.faq.entry_id,
                question=entry.question,
                score=outcome.faq.score,
            ),
            related=_refs(outcome.related, snapshot),
            source_url=entry.source_url,
        )
    if outcome.kind == "faq_suggestions":
        refs = _refs(outcome.suggestions, snapshot)
        if refs:
            return AnswerResult(
                kind="faq_suggestions",
                reply=rules.reply_suggestions([r.question for r in refs], lang),
                language=lang,
                suggestions=refs,
            )
    return AnswerResult(
        kind="fallback", reply=rules.reply_fallback(lang), language=lang
    )


# An entry saved this long before an index was read may still be missing from it
# (its transaction committed after the read, or another server's clock is ahead).
INDEX_LAG_MARGIN = timedelta(seconds=5)


def _answered_since_built(snapshot: Snapshot, terms) -> bool:
    """Whether an entry saved since this index was built now has the question as one
    of its phrasings (a curator just added it): the index that answers it is being
    rebuilt, so the question is not one for the inbox again."""
    if snapshot.built_at is None or snapshot_is_current(snapshot):
        return False
    phrasings = faq_phrasings_changed_since(snapshot.built_at - INDEX_LAG_MARGIN)
    if not phrasings:
        return False
    topic = group_terms(terms)
    analyse = snapshot.engine.normaliser.analyse
    for _, phrasing in phrasings:
        other = analyse(phrasing).terms
        if other and rules.same_question(group_terms(other), topic):
            return True
    return False


def _record(
    result: AnswerResult,
    outcome: Outcome,
    text: str,
    lang: str,
    snapshot: Snapshot | None = None,
) -> None:
    a = outcome.analysis
    best_faq = outcome.faq_hits[0] if outcome.faq_hits else None
    if result.kind == "faq":
        stat_record("faq", faq_id=result.faq.id)
    elif result.kind == "hoax":
        stat_record("hoax", hoax_id=result.hoax.id)
        for other in result.other_hoaxes:
            stat_record("hoax", hoax_id=other.id)
    elif result.kind == "hoax_possible":
        stat_record("hoax_possible", hoax_id=result.hoax.id)
        possible_match_log(
            text=text,
            terms=a.terms,
            urls=a.urls,
            hoax_id=result.hoax.id,
            score=result.hoax.score,
        )
    else:
        stat_record(result.kind)
        if snapshot is not None and _answered_since_built(snapshot, a.terms):
            return
        unanswered_log(
            text=text,
            terms=a.terms,
            language=lang,
            kind="low_confidence" if result.kind == "faq_suggestions" else "unanswered",
            best_faq_id=best_faq.entry_id if best_faq else None,
            best_score=best_faq.score if best_faq else 0.0,
        )
