"""Writes to the knowledge base: save, publish, archive. Every change that can alter
what the bot matches bumps the shared index version after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chatbot.index import index_version_bump
from chatbot.models import FaqEntry, HoaxEntry, Status, Synonym


def _stamp(entry: FaqEntry | HoaxEntry) -> None:
    if entry.status == Status.PUBLISHED and entry.published_at is None:
        entry.published_at = timezone.now()


@transaction.atomic
def faq_save(*, entry: FaqEntry, actor=None) -> FaqEntry:
    """Validate and save; an entry published with an answer settles the inbox
    groups it was drafted from."""
    from chatbot.services.inbox import unanswered_settle_drafts

    entry.full_clean()
    _stamp(entry)
    entry.save()
    if entry.status == Status.PUBLISHED:
        unanswered_settle_drafts(faq_ids=[entry.pk], actor=actor)
    index_version_bump()
    return entry


@transaction.atomic
def hoax_save(*, entry: HoaxEntry) -> HoaxEntry:
    entry.full_clean()
    _stamp(entry)
    entry.save()
    index_version_bump()
    return entry


@transaction.atomic
def synonym_save(*, synonym: Synonym) -> Synonym:
    synonym.full_clean()
    synonym.save()
    index_version_bump()
    return synonym


@transaction.atomic
def knowledge_delete(*, instance: FaqEntry | HoaxEntry | Synonym) -> None:
    instance.delete()
    index_version_bump()


@transaction.atomic
def entries_set_status(
    *, entries: Iterable[FaqEntry | HoaxEntry], status: str, actor=None
) -> tuple[int, list[str]]:
    """Publish / archive / back to draft. Each entry is validated (a FAQ needs an
    answer, a hoax an explanation, before publishing) and keeps its history.
    Returns (changed, errors)."""
    changed, errors = 0, []
    for entry in entries:
        if entry.status == status:
            continue
        entry.status = status
        try:
            with transaction.atomic():
                if isinstance(entry, FaqEntry):
                    faq_save(entry=entry, actor=actor)
                else:
                    hoax_save(entry=entry)
        except ValidationError as exc:  # report it, keep the others
            errors.append(f"{entry}: {_message(exc)}")
            continue
        changed += 1
    return changed, errors


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)
