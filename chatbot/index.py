"""The in-memory matching index of this process, kept in step with the database.

Every process (web workers, bot workers) holds its own `Engine`. A version token in the
shared cache (Redis in production) changes after any publish/archive/edit; a process
notices within CHATBOT_INDEX_CHECK_SECONDS and rebuilds, by default in a background
thread while it keeps answering with the previous index. Without the token (cache
flushed, first start) the version is derived from the database, so all processes agree.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import Count, Max
from django.utils import timezone

from chatbot.matching import Engine, FaqDoc, HoaxDoc, HoaxThresholds, Thresholds
from chatbot.matching.faq_index import FaqThresholds
from core.longlived import freeze_after_build

logger = logging.getLogger(__name__)

VERSION_KEY = "chatbot:index-version"


@dataclass(frozen=True, slots=True)
class FaqView:
    question: str
    answer: str
    source_url: str


@dataclass(frozen=True, slots=True)
class HoaxView:
    claim: str
    claim_en: str
    verdict: str
    explanation: str
    explanation_en: str
    source_url: str


@dataclass(frozen=True)
class Snapshot:
    """The engine plus what replies show of each published entry, so answering a
    message needs no database query."""

    engine: Engine
    faq: dict[int, FaqView]
    hoax: dict[int, HoaxView]
    # When the rows were read: entries changed after it are not in this index yet.
    built_at: datetime | None = None


@dataclass
class _State:
    snapshot: Snapshot | None = None
    version: str | None = None
    checked_at: float = 0.0
    building: bool = False


_state = _State()
_lock = threading.Lock()


def thresholds() -> Thresholds:
    return Thresholds(
        faq=FaqThresholds(
            answer=settings.CHATBOT_FAQ_ANSWER_THRESHOLD,
            margin=settings.CHATBOT_FAQ_MARGIN,
            suggest=settings.CHATBOT_FAQ_SUGGEST_THRESHOLD,
            lead_answer=settings.CHATBOT_FAQ_LEAD_ANSWER,
            lead_margin=settings.CHATBOT_FAQ_LEAD_MARGIN,
        ),
        hoax=HoaxThresholds(
            auto=settings.CHATBOT_HOAX_AUTO_THRESHOLD,
            suggest=settings.CHATBOT_HOAX_SUGGEST_THRESHOLD,
        ),
    )


def index_version_bump() -> None:
    """Tell every process to rebuild, once the current transaction commits."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))


def _database_version() -> str:
    from chatbot.models import FaqEntry, HoaxEntry, Synonym

    parts = []
    for model in (FaqEntry, HoaxEntry, Synonym):
        agg = model.objects.aggregate(
            n=Count("id"), last=Max("updated_at"), top=Max("id")
        )
        parts.append(f"{agg['n']}:{agg['top']}:{agg['last']}")
    return "db-" + hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _database_version(), None)
        version = cache.get(VERSION_KEY) or _database_version()
    return version


def snapshot_build() -> Snapshot:
    """A fresh engine over what is published now."""
    from chatbot.models import FaqEntry, HoaxEntry, Status, Synonym

    built_at = timezone.now()
    faq_rows = list(
        FaqEntry.objects.filter(status=Status.PUBLISHED)
        .order_by("id")
        .values(
            "id", "question", "language", "key", "alternates", "answer", "source_url"
        )
    )
    hoax_rows = list(
        HoaxEntry.objects.filter(status=Status.PUBLISHED)
        .order_by("id")
        .values(
            "id",
            "claim",
            "claim_en",
            "narrative",
            "variants",
            "verdict",
            "explanation",
            "explanation_en",
            "source_url",
        )
    )
    faq_docs = [
        FaqDoc(
            entry_id=e["id"],
            question=e["question"],
            language=e["language"],
            group=e["key"],
            alternates=tuple(e["alternates"] or ()),
            answer=e["answer"],
        )
        for e in faq_rows
    ]
    hoax_docs = [
        HoaxDoc(
            entry_id=e["id"],
            claim=e["claim"],
            claim_en=e["claim_en"] or "",
            variants=((e["narrative"],) if e["narrative"] else ())
            + tuple(e["variants"] or ()),
            explanation=e["explanation"],
            urls=(e["source_url"],) if e["source_url"] else (),
        )
        for e in hoax_rows
    ]
    synonyms = dict(
        Synonym.objects.filter(is_active=True).values_list("term", "canonical")
    )
    return Snapshot(
        engine=Engine(faq_docs=faq_docs, hoax_docs=hoax_docs, synonyms=synonyms),
        faq={
            e["id"]: FaqView(e["question"], e["answer"], e["source_url"])
            for e in faq_rows
        },
        hoax={
            e["id"]: HoaxView(
                e["claim"],
                e["claim_en"],
                e["verdict"],
                e["explanation"],
                e["explanation_en"],
                e["source_url"],
            )
            for e in hoax_rows
        },
        built_at=built_at,
    )


def _rebuild(version: str) -> None:
    try:
        snapshot = snapshot_build()
        with _lock:
            _state.snapshot, _state.version = snapshot, version
        snapshot = None
        # Requests still holding the replaced index finish within moments; then it
        # can be freed, and the new one kept out of full collections.
        time.sleep(2)
        freeze_after_build()
    except Exception:  # the old index keeps serving; the next check retries
        logger.exception("chatbot index rebuild failed")
    finally:
        _state.building = False
        connections.close_all()  # this thread's connections; it ends now


def snapshot_get() -> Snapshot:
    """This process's index, rebuilt when the shared version moved on."""
    now = time.monotonic()
    snapshot = _state.snapshot
    if (
        snapshot is not None
        and now - _state.checked_at < settings.CHATBOT_INDEX_CHECK_SECONDS
    ):
        return snapshot
    _state.checked_at = now
    version = current_version()
    if snapshot is not None and version == _state.version:
        return snapshot
    if snapshot is None or not settings.CHATBOT_INDEX_REBUILD_IN_BACKGROUND:
        with _lock:
            if _state.snapshot is None or _state.version != version:
                started = time.perf_counter()
                snapshot = None  # the replaced index must be collectable
                _state.snapshot, _state.version = snapshot_build(), version
                freeze_after_build()
                logger.info(
                    "chatbot index built in %.2fs", time.perf_counter() - started
                )
            return _state.snapshot
    with _lock:
        if _state.building:
            return snapshot
        _state.building = True
    threading.Thread(
        target=_rebuild, args=(version,), name="chatbot-index", daemon=True
    ).start()
    return snapshot


def snapshot_is_current(snapshot: Snapshot) -> bool:
    """Whether no edit has been saved since this index was built (asks the shared
    version now, not at the last periodic check)."""
    return snapshot is _state.snapshot and _state.version == current_version()


def engine_get() -> Engine:
    return snapshot_get().engine


def index_reset() -> None:
    """Forget this process's index (tests)."""
    with _lock:
        _state.snapshot, _state.version, _state.checked_at = None, None, 0.0
