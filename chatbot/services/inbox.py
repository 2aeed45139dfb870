"""Curator inboxes: unanswered questions, possible hoax matches, reported messages."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone

from chatbot import rules
from chatbot.error_codes import ChatbotErrorCode
from chatbot.models import (
    FaqEntry,
    HoaxEntry,
    HoaxReport,
    PossibleHoaxMatch,
    Status,
    UnansweredQuestion,
)
from core.exceptions import ApplicationError

MAX_STORED_CHARS = 4000
MAX_EXAMPLES = 5
GROUP_WINDOW_DAYS = 90
GROUP_CANDIDATES = 2000


# Question words say *that* something is asked, not *what*: "jam buka puskesmas kapan"
# and "puskesmas buka jam berapa" are one question. Grouping compares terms without them.
QUESTION_WORDS = frozenset(
    {
        "apa",
        "apakah",
        "bagaimana",
        "gimana",
        "gmn",
        "berapa",
        "brp",
        "kapan",
        "dimana",
        "mana",
        "siapa",
        "kenapa",
        "mengapa",
        "knp",
        "kah",
        "sih",
        "ya",
        "yah",
        "dong",
        "kak",
        "min",
        "what",
        "when",
        "where",
        "how",
        "why",
        "which",
    }
)


def group_terms(terms: Sequence[str]) -> list[str]:
    """The terms that say what a question is about (all of them if only question
    words are left)."""
    kept = [t for t in terms if t not in QUESTION_WORDS]
    return kept or list(terms)


def _stored(text: str) -> str:
    return rules.redact(text)[:MAX_STORED_CHARS]


# --- unanswered questions ---------------------------------------------------------------


# One group lookup-or-create at a time per subject (PostgreSQL): two copies of a
# question asked at the same moment must not both miss the other and open two rows.
# The lock is keyed by the question's most specific term, so unrelated questions
# never wait for each other (the bot logs inside its message's transaction).
UNANSWERED_LOCK_ID = 7_330_302


def _lock_groups(terms: Sequence[str]) -> None:
    if connection.vendor == "postgresql":
        topic = group_terms(terms) or list(terms)
        anchor = max(topic, key=len) if topic else ""
        # crc32 is stable across processes (hash() is salted); folded into int4.
        subject = zlib.crc32(anchor.encode("utf-8")) - 2**31
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [UNANSWERED_LOCK_ID, subject]
            )


def _anchors(topic: Sequence[str]) -> set[str]:
    """Terms a paraphrase's group must contain one of: the most specific (longest)
    term and every other long one, so finding the group does not hang on one word."""
    return {max(topic, key=len)} | {t for t in topic if len(t) >= 5}


def _group_find(
    open_rows, *, key: str, terms: Sequence[str], language: str, best_faq_id, now
) -> UnansweredQuestion | None:
    # The language and the closest entry come from the matching index (the words
    # each language's entries use): while it is being rebuilt after an edit the
    # same question can come in under another language or closest entry. Neither
    # may keep it out of its group; the same language is only preferred.
    same_language_first = Case(
        When(language=language, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    group = (
        open_rows.filter(terms=key)
        .order_by(same_language_first, "-last_seen_at")
        .first()
    )
    if group is not None:
        return group
    topic = group_terms(terms) or list(terms)
    near = Q()
    for anchor in _anchors(topic):
        near |= Q(terms__contains=anchor)
    if best_faq_id is not None:
        near |= Q(best_faq_id=best_faq_id)
    recent = (
        open_rows.filter(
            near, last_seen_at__gte=now - timedelta(days=GROUP_WINDOW_DAYS)
        )
        .order_by(same_language_first, "-last_seen_at")
        .values_list("id", "terms", "best_faq_id")[:GROUP_CANDIDATES]
    )
    for pk, other, other_best in recent:
        if rules.same_question(
            group_terms(other.split()) or other.split(),
            topic,
            best_a=other_best,
            best_b=best_faq_id,
        ):
            return open_rows.get(pk=pk)
    return None


@transaction.atomic
def unanswered_log(
    *,
    text: str,
    terms: Sequence[str],
    language: str,
    kind: str,
    best_faq_id: int | None = None,
    best_score: float = 0.0,
) -> UnansweredQuestion | None:
    """Count a question the bot could not answer, in the group of similar ones."""
    if not terms:
        return None
    now = timezone.now()
    # The normalised terms are stored too: no NIK or phone number in them either.
    terms = [t for t in (rules.redact(t) for t in terms) if t != "[angka]"] or [
        "[angka]"
    ]
    key = " ".join(terms)[:500]
    _lock_groups(terms)
    open_rows = UnansweredQuestion.objects.filter(state=UnansweredQuestion.State.OPEN)
    group = _group_find(
        open_rows,
        key=key,
        terms=terms,
        language=language,
        best_faq_id=best_faq_id,
        now=now,
    )
    stored = _stored(text)
    if group is None:
        if (
            best_faq_id is not None
            and not FaqEntry.objects.filter(pk=best_faq_id).exists()
        ):
            # The in-memory index can still hold an entry deleted since its last
            # refresh (CHATBOT_INDEX_CHECK_SECONDS): no suggestion rather than a 500.
            best_faq_id = None
        return UnansweredQuestion.objects.create(
            text=stored,
            terms=key,
            language=language,
            kind=kind,
            best_faq_id=best_faq_id,
            best_score=round(best_score, 4),
        )
    UnansweredQuestion.objects.filter(pk=group.pk).update(
        count=F("count") + 1, last_seen_at=now
    )
    if stored != group.text and stored not in group.examples:
        if len(group.examples) < MAX_EXAMPLES:
            group.examples = [*group.examples, stored[:500]]
            group.save(update_fields=["examples"])
    group.refresh_from_db()
    return group


def _handle(
    questions: Sequence[UnansweredQuestion], *, state: str, faq: FaqEntry | None, actor
) -> int:
    values = {"state": state, "handled_by": _user(actor), "handled_at": timezone.now()}
    if faq is not None or state == UnansweredQuestion.State.RESOLVED:
        values["resolved_faq"] = faq
    return UnansweredQuestion.objects.filter(pk__in=[q.pk for q in questions]).update(
        **values
    )


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def unanswered_to_draft_faq(*, question: UnansweredQuestion, actor=None) -> FaqEntry:
    """One click: a draft FAQ entry from an unanswered question (and its examples as
    alternate phrasings); the curator writes the answer and publishes it.

    The group stays open, linked to the draft, until the draft is published with
    an answer (`unanswered_settle_drafts`) or the curator closes it. Clicking again
    gives the same draft."""
    from chatbot.services.knowledge import faq_save

    question = UnansweredQuestion.objects.select_for_update().get(pk=question.pk)
    if question.draft_faq_id is not None:
        return question.draft_faq
    if question.state != UnansweredQuestion.State.OPEN:
        raise ApplicationError(
            "Pertanyaan ini sudah ditangani.",
            code=ChatbotErrorCode.ALREADY_REVIEWED,
            status=409,
        )
    alternates = [e for e in question.examples if e and e != question.text]
    entry = FaqEntry(
        question=question.text[:500],
        language=question.language if question.language in ("id", "en") else "id",
        status=Status.DRAFT,
        alternates=[a[:500] for a in alternates],
        tags=["dari-pertanyaan-warga"],
    )
    entry._change_reason = "Draf dari pertanyaan warga"
    if _user(actor) is not None:
        entry._history_user = actor
    faq_save(entry=entry, actor=actor)
    question.draft_faq = entry
    question.save(update_fields=["draft_faq"])
    return entry


def unanswered_settle_drafts(
    *, faq_ids: Sequence[int] | None = None, actor=None
) -> int:
    """Groups waiting for a draft made from them are handled once that entry is
    published with an answer (by the admin, a bulk action or an import)."""
    rows = UnansweredQuestion.objects.filter(
        state=UnansweredQuestion.State.OPEN,
        draft_faq__status=Status.PUBLISHED,
    ).exclude(draft_faq__answer="")
    if faq_ids is not None:
        rows = rows.filter(draft_faq_id__in=list(faq_ids))
    return rows.update(
        state=UnansweredQuestion.State.RESOLVED,
        resolved_faq=F("draft_faq"),
        handled_by=_user(actor),
        handled_at=timezone.now(),
    )


@transaction.atomic
def unanswered_close(*, questions: Sequence[UnansweredQuestion], actor=None) -> int:
    """The curator marks groups handled by hand (with their draft, if any)."""
    n = 0
    rows = UnansweredQuestion.objects.select_for_update().filter(
        pk__in=[q.pk for q in questions], state=UnansweredQuestion.State.OPEN
    )
    for question in rows:
        n += _handle(
            [question],
            state=UnansweredQuestion.State.RESOLVED,
            faq=question.draft_faq,
            actor=actor,
        )
    return n


@transaction.atomic
def unanswered_add_alternate(
    *, questions: Sequence[UnansweredQuestion], faq: FaqEntry, actor=None
) -> FaqEntry:
    """One click: these questions become alternate phrasings of an existing entry."""
    from chatbot.services.knowledge import faq_save

    faq = FaqEntry.objects.select_for_update().get(pk=faq.pk)
    phrasings = list(faq.alternates)
    for q in questions:
        for text in (q.text, *q.examples):
            text = " ".join(text.split())[:500]
            if text and text != faq.question and text not in phrasings:
                phrasings.append(text)
    faq.alternates = phrasings
    faq._change_reason = "Rumusan lain dari pertanyaan warga"
    if _user(actor) is not None:
        faq._history_user = actor
    faq_save(entry=faq, actor=actor)
    _handle(questions, state=UnansweredQuestion.State.RESOLVED, faq=faq, actor=actor)
    return faq


@transaction.atomic
def unanswered_dismiss(*, questions: Sequence[UnansweredQuestion], actor=None) -> int:
    return _handle(
        questions, state=UnansweredQuestion.State.DISMISSED, faq=None, actor=actor
    )


# --- possible hoax matches ----------------------------------------------------------------


def possible_match_log(
    *,
    text: str,
    terms: Sequence[str],
    urls: Sequence[str],
    hoax_id: int,
    score: float,
) -> PossibleHoaxMatch:
    """Queue "possibly related" for a curator's yes/no; repeats only count up."""
    fp = rules.fingerprint(terms, urls)
    now = timezone.now()
    for _attempt in range(2):
        updated = PossibleHoaxMatch.objects.filter(
            fingerprint=fp, hoax_id=hoax_id
        ).update(count=F("count") + 1, last_seen_at=now)
        if updated:
            return PossibleHoaxMatch.objects.get(fingerprint=fp, hoax_id=hoax_id)
        try:
            with transaction.atomic():
                return PossibleHoaxMatch.objects.create(
                    text=_stored(text),
                    fingerprint=fp,
                    hoax_id=hoax_id,
                    score=round(score, 4),
                )
        except IntegrityError:
            continue  # created concurrently: count it on the next pass
    return PossibleHoaxMatch.objects.get(fingerprint=fp, hoax_id=hoax_id)


@transaction.atomic
def possible_match_review(
    *, match: PossibleHoaxMatch, confirmed: bool, actor
) -> PossibleHoaxMatch:
    """Yes: the message becomes a known variant of the claim (so the next copy gets
    the verdict straight away). No: it stays out of the queue."""
    from chatbot.services.knowledge import hoax_save

    match = PossibleHoaxMatch.objects.select_for_update().get(pk=match.pk)
    if match.state != PossibleHoaxMatch.State.PENDING:
        raise ApplicationError(
            "Sudah ditinjau.", code=ChatbotErrorCode.ALREADY_REVIEWED, status=409
        )
    if confirmed:
        hoax = HoaxEntry.objects.select_for_update().get(pk=match.hoax_id)
        variant = " ".join(match.text.split())[:500]
        if variant and variant not in hoax.variants:
            hoax.variants = [*hoax.variants, variant]
            hoax._change_reason = "Varian dari pesan warga (kurator: Ya)"
            hoax_save(entry=hoax)
    match.state = (
        PossibleHoaxMatch.State.CONFIRMED
        if confirmed
        else PossibleHoaxMatch.State.REJECTED
    )
    match.reviewed_by = actor
    match.reviewed_at = timezone.now()
    match.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    return match


# --- reported messages -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportResult:
    report: HoaxReport
    created: bool
    known: HoaxEntry | None  # already checked: the verdict can be shown right away


@transaction.atomic
def hoax_report_create(
    *, text: str, user=None, note: str = "", language: str = "id", channel: str = "api"
) -> ReportResult:
    """A user reports a suspicious message for the curators."""
    from chatbot.index import engine_get, thresholds

    limit = settings.CHATBOT_MAX_MESSAGE_CHARS
    try:
        text = rules.clean_message(text or "", max_chars=limit)
    except rules.MessageTooLong:
        raise ApplicationError(
            f"Pesan terlalu panjang (maksimal {limit} karakter).",
            code=ChatbotErrorCode.TOO_LONG,
            fields={"text": f"Maksimal {limit} karakter."},
        ) from None
    engine = engine_get()
    a = engine.normaliser.analyse(text)
    if a.is_empty:
        raise ApplicationError(
            "Pesan yang dilaporkan kosong.",
            fields={"text": "Tempel isi pesan yang ingin dilaporkan."},
        )
    hits = engine.hoax.search(a)
    best = hits[0] if hits else None
    known = None
    if best is not None and best.score >= thresholds().hoax.auto:
        known = HoaxEntry.objects.filter(
            pk=best.entry_id, status=Status.PUBLISHED
        ).first()
    fp = rules.fingerprint(a.terms, a.urls)
    user = user if getattr(user, "is_authenticated", False) else None
    existing = (
        HoaxReport.objects.select_for_update()
        .filter(fingerprint=fp, state=HoaxReport.State.OPEN)
        .first()
    )
    if existing is not None:
        existing.count = F("count") + 1
        existing.last_reported_at = timezone.now()
        existing.save(update_fields=["count", "last_reported_at"])
        existing.refresh_from_db()
        return ReportResult(report=existing, created=False, known=known)
    report = HoaxReport(
        text=_stored(text),
        fingerprint=fp,
        urls=list(a.urls),
        note=rules.redact(" ".join((note or "").split()))[:500],
        language="en" if language == "en" else "id",
        channel=channel[:16],
        reporter=user,
        best_match_id=best.entry_id if best else None,
        best_score=round(best.score, 4) if best else 0.0,
    )
    report.full_clean()
    report.save()
    return ReportResult(report=report, created=True, known=known)


@transaction.atomic
def hoax_report_link(*, reports: Sequence[HoaxReport], hoax: HoaxEntry, actor) -> int:
    return HoaxReport.objects.filter(pk__in=[r.pk for r in reports]).update(
        state=HoaxReport.State.LINKED,
        hoax=hoax,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
    )


@transaction.atomic
def hoax_report_dismiss(*, reports: Sequence[HoaxReport], actor) -> int:
    return HoaxReport.objects.filter(pk__in=[r.pk for r in reports]).update(
        state=HoaxReport.State.DISMISSED, reviewed_by=actor, reviewed_at=timezone.now()
    )


@transaction.atomic
def hoax_report_to_draft(*, report: HoaxReport, actor) -> HoaxEntry:
    """One click: a draft hoax entry from a reported message; the curator adds the
    verdict's explanation and publishes."""
    from chatbot.services.knowledge import hoax_save

    entry = HoaxEntry(
        claim=report.text[:2000],
        verdict=HoaxEntry.Verdict.HOAX,
        status=Status.DRAFT,
        variants=[u[:500] for u in report.urls],
        tags=["laporan-warga"],
    )
    hoax_save(entry=entry)
    hoax_report_link(reports=[report], hoax=entry, actor=actor)
    return entry
