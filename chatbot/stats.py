"""Match counters, buffered per process and written in batches.

Every answer counts (entry matched, unanswered, ...). One database write per message
would dominate the cost of answering, so counts collect in memory and are upserted at
most every CHATBOT_STATS_FLUSH_SECONDS (and at exit).
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import threading
import time
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.rules import WIB_ZONE

logger = logging.getLogger(__name__)

# Curators read counts by Indonesian (WIB) day, whichever process counted them (a
# webhook request, a Celery worker, all on UTC).
REPORTING_TZ = WIB_ZONE


def reporting_day() -> dt.date:
    return timezone.localdate(timezone=REPORTING_TZ)


_buffer: Counter[tuple] = Counter()
_lock = threading.Lock()
_last_flush = time.monotonic()


def stat_record(kind: str, *, faq_id: int | None = None, hoax_id: int | None = None):
    global _last_flush
    day = reporting_day()
    with _lock:
        _buffer[(day, kind, faq_id, hoax_id)] += 1
        due = time.monotonic() - _last_flush >= settings.CHATBOT_STATS_FLUSH_SECONDS
        if due:
            _last_flush = time.monotonic()
    if due:
        stats_flush()


def stats_flush() -> int:
    """Write buffered counts (one read, one bulk update, one bulk insert); returns how
    many counters were written."""
    from chatbot.models import MatchStat

    with _lock:
        pending = dict(_buffer)
        _buffer.clear()
    if not pending:
        return 0
    try:
        with transaction.atomic():
            faq_ids = {k[2] for k in pending if k[2]}
            hoax_ids = {k[3] for k in pending if k[3]}
            rows = (
                MatchStat.objects.select_for_update()
                .filter(day__in={k[0] for k in pending})
                .filter(
                    Q(faq_id__in=faq_ids)
                    | Q(hoax_id__in=hoax_ids)
                    | Q(faq__isnull=True, hoax__isnull=True)
                )
            )
            existing = {(r.day, r.kind, r.faq_id, r.hoax_id): r for r in rows}
            changed, new = [], []
            for (day, kind, faq_id, hoax_id), n in pending.items():
                row = existing.get((day, kind, faq_id, hoax_id))
                if row is None:
                    new.append(
                        MatchStat(
                            day=day, kind=kind, faq_id=faq_id, hoax_id=hoax_id, count=n
                        )
                    )
                else:
                    row.count += n
                    changed.append(row)
            MatchStat.objects.bulk_update(changed, ["count"], batch_size=500)
            MatchStat.objects.bulk_create(new, batch_size=500)
    except IntegrityError:
        # Another process created a row first, or an entry was deleted: one by one.
        for key, n in pending.items():
            _add_one(key, n)
    return len(pending)


def _add_one(key: tuple, n: int) -> None:
    from chatbot.models import MatchStat

    day, kind, faq_id, hoax_id = key
    lookup = {"day": day, "kind": kind, "faq_id": faq_id, "hoax_id": hoax_id}
    try:
        with transaction.atomic():
            if not MatchStat.objects.filter(**lookup).update(count=F("count") + n):
                MatchStat.objects.create(count=n, **lookup)
    except IntegrityError:
        logger.warning("chatbot stat for a deleted entry dropped")


def _flush_at_exit() -> None:
    try:
        stats_flush()
    except Exception:  # the database may already be gone at interpreter exit
        logger.warning("chatbot stats not flushed at exit")


atexit.register(_flush_at_exit)
