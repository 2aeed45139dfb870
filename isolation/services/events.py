"""Dashboard events: stored in the writer's transaction, pushed after commit.

Each facility numbers its events 1, 2, 3… (``EventCounter``). A dashboard keeps the
last number it applied; on (re)connect it asks for everything after it. The push over
the channel layer is best effort — the stored event is the truth.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from asgiref.sync import async_to_sync
from django.db import IntegrityError, connection, transaction

from core.db import insert_select
from isolation.models import DashboardEvent, EventCounter
from isolation.services.dispatch import layer_breaker

logger = logging.getLogger(__name__)


PUSH_BATCH = 100
# How long the pusher lets events gather before it sends: under load, one channel-layer
# message then carries several events (each message costs Redis round trips here and
# a wake-up in every dashboard's process), for a delay no one watching notices. A
# dashboard may then get an event live that its replay already held: the consumer
# sends each sequence number once.
PUSH_LINGER_S = 0.1


def facility_group(facility_id: int) -> str:
    return f"isolation.dashboard.{facility_id}"


@dataclass
class NewEvent:
    facility_id: int
    kind: str
    payload: dict
    isolation_id: int | None = None
    alert_id: int | None = None
    extra: dict = field(default_factory=dict)


def _bump(facility_id: int, n: int) -> int | None:
    """One round trip: add n and read the new value back (PostgreSQL, SQLite 3.35+)."""
    table = connection.ops.quote_name(EventCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + %s WHERE facility_id = %s "
            "RETURNING last_seq",
            [n, facility_id],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _reserve(counts: dict[int, int]) -> dict[int, int]:
    """Hand out ``counts[f]`` consecutive numbers per facility; return the first."""
    if len(counts) == 1:
        ((facility_id, n),) = counts.items()
        last = _bump(facility_id, n)
        if last is None:
            try:
                with transaction.atomic():
                    EventCounter.objects.create(facility_id=facility_id, last_seq=0)
            except IntegrityError:  # created concurrently
                pass
            last = _bump(facility_id, n)
        return {facility_id: last - n + 1}
    ids = sorted(counts)
    EventCounter.objects.bulk_create(
        [EventCounter(facility_id=f, last_seq=0) for f in ids], ignore_conflicts=True
    )
    # Lock in primary-key order so two bulk writers cannot deadlock.
    counters = list(
        EventCounter.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    )
    first = {}
    for counter in counters:
        first[counter.pk] = counter.last_seq + 1
        counter.last_seq += counts[counter.pk]
    EventCounter.objects.bulk_update(counters, ["last_seq"], batch_size=1000)
    return first


def event_ctes(
    item: NewEvent, *, payload_sql: str = "%s", after: str = ""
) -> tuple[str, list, DashboardEvent]:
    """Two parts of a data-modifying ``WITH`` that number and store one event
    (PostgreSQL): ``c`` bumps the facility's counter (created at 1 when missing; its
    row stays locked until commit, so numbers follow commit order) and ``ev`` stores
    the event, ``RETURNING id, seq``. A writer that stores its own rows in the same
    statement names them in ``after`` (for ``FROM``) and may refer to them in
    ``payload_sql``, where ``%s`` is the payload. Returns the SQL, its parameters and
    the unsaved event."""
    event = DashboardEvent(
        facility_id=item.facility_id,
        kind=item.kind,
        isolation_id=item.isolation_id,
        alert_id=item.alert_id,
        payload=item.payload,
    )
    qn = connection.ops.quote_name
    counter = qn(EventCounter._meta.db_table)
    key = qn(EventCounter._meta.pk.column)
    insert, params = insert_select(
        event, refs={"seq": "c.last_seq", "payload": payload_sql}
    )
    sql = (
        f"c AS (INSERT INTO {counter} ({key}, last_seq) VALUES (%s, 1) "
        f"ON CONFLICT ({key}) DO UPDATE SET last_seq = {counter}.last_seq + 1 "
        "RETURNING last_seq), "
        f"ev AS ({insert} FROM c{', ' + after if after else ''} RETURNING id, seq)"
    )
    return sql, [item.facility_id, *params], event


def event_stored(event: DashboardEvent, pk: int, seq: int) -> DashboardEvent:
    """The event of `event_ctes` once its statement ran; its push follows commit."""
    event.pk, event.seq = pk, seq
    event._state.adding = False
    event._state.db = connection.alias
    frames = [event_frame(event)]
    transaction.on_commit(lambda: events_push(frames), robust=True)
    return event


def _record_one(item: NewEvent) -> DashboardEvent:
    """PostgreSQL, one event: number it and store it in one statement."""
    sql, params, event = event_ctes(item)
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {sql} SELECT id, seq FROM ev", params)
        pk, seq = cursor.fetchone()
    return event_stored(event, pk, seq)


def events_record(items: Iterable[NewEvent]) -> list[DashboardEvent]:
    """Store events (inside the caller's transaction) and push them after commit."""
    items = list(items)
    if not items:
        return []
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events_record must run inside the writer's transaction")
    if len(items) == 1 and connection.vendor == "postgresql":
        return [_record_one(items[0])]
    counts: dict[int, int] = defaultdict(int)
    for item in items:
        counts[item.facility_id] += 1
    next_seq = _reserve(counts)
    rows = []
    for item in items:
        rows.append(
            DashboardEvent(
                facility_id=item.facility_id,
                seq=next_seq[item.facility_id],
                kind=item.kind,
                isolation_id=item.isolation_id,
                alert_id=item.alert_id,
                payload=item.payload,
            )
        )
        next_seq[item.facility_id] += 1
    DashboardEvent.objects.bulk_create(rows, batch_size=2000)
    frames = [event_frame(row) for row in rows]
    transaction.on_commit(lambda: events_push(frames), robust=True)
    return rows


def event_frame(event: DashboardEvent) -> dict:
    return {
        "facility_id": event.facility_id,
        "seq": event.seq,
        "kind": event.kind,
        "isolation_id": event.isolation_id,
        "alert_id": event.alert_id,
        "payload": event.payload,
        "created_at": event.created_at.isoformat(),
    }


async def _send(layer, frames: list[dict]) -> int:
    # One channel-layer message per facility and batch: a scan that raises thousands
    # of alerts costs a few sends, not one per event.
    batches: dict[int, list[dict]] = defaultdict(list)
    for frame in frames:
        batches[frame["facility_id"]].append(frame)
    sent = 0
    for facility_id, batch in batches.items():
        for start in range(0, len(batch), PUSH_BATCH):
            chunk = batch[start : start + PUSH_BATCH]
            await layer.group_send(
                facility_group(facility_id),
                {"type": "dashboard.events", "events": chunk},
            )
            sent += len(chunk)
    return sent


def _push_failed(count: int, exc: Exception) -> None:
    layer_breaker.trip()
    logger.warning(
        "could not push %d dashboard events (%s); dashboards will replay",
        count,
        type(exc).__name__,
    )


class _Pusher:
    """One background thread per process with its own event loop.

    Requests hand their frames over and return at once; the thread keeps the
    channel layer's Redis connections open and sends in commit order.
    """

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._busy = 0
        self._idle = threading.Condition()

    def submit(self, frames: list[dict]) -> None:
        with self._lock:
            # A forked worker inherits the object but not the thread.
            if self._thread is None or self._pid != os.getpid():
                self._queue = queue.SimpleQueue()
                self._busy = 0
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._run, name="isolation-dashboard-push", daemon=True
                )
                self._thread.start()
        with self._idle:
            self._busy += 1
        self._queue.put(frames)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until every submitted batch was sent or given up (tests, shutdown)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def _done(self, batches: int) -> None:
        with self._idle:
            self._busy -= batches
            self._idle.notify_all()

    def _run(self) -> None:
        from channels.layers import get_channel_layer

        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        pending = self._queue
        while True:
            frames = list(pending.get())
            batches = 1
            # Sleep through the linger, then take what gathered: waiting on the queue
            # instead would wake this thread (and take the GIL from the requests)
            # once per event.
            time.sleep(PUSH_LINGER_S)
            while len(frames) < 1000:
                try:
                    frames += pending.get_nowait()
                except queue.Empty:
                    break
                batches += 1
            try:
                if not layer_breaker.is_open:
                    # Looked up each time: settings (tests) may swap the layer.
                    loop.run_until_complete(_send(get_channel_layer(), frames))
            except Exception as exc:  # Redis down: replay covers it
                _push_failed(len(frames), exc)
            finally:
                self._done(batches)


_pusher = _Pusher()


def events_push_wait_idle(timeout: float = 30.0) -> bool:
    return _pusher.wait_idle(timeout)


def events_push(frames: list[dict]) -> int:
    """Send stored events to the facility groups; returns how many were handed on.

    Never raises and never blocks a request on Redis: with Redis down the event is
    already stored, and dashboards recover it by replay (reconnect, gap detection or
    periodic sync).
    """
    from channels.layers import InMemoryChannelLayer, get_channel_layer

    layer = get_channel_layer()
    if layer is None or not frames or layer_breaker.is_open:
        return 0
    if not isinstance(layer, InMemoryChannelLayer):
        _pusher.submit(frames)
        return len(frames)
    # The in-memory layer (development, tests) lives on the server's own event
    # loop; it must be reached from there.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:  # called from async code's thread: cannot block here; replay covers it
        logger.info("dashboard push skipped inside a running event loop")
        return 0
    try:
        return async_to_sync(_send)(layer, frames)
    except Exception as exc:
        _push_failed(len(frames), exc)
        return 0


def events_push_stored(*, alert_ids: Iterable[int]) -> int:
    """Push again the stored events of some alerts (delivery retries)."""
    events = DashboardEvent.objects.filter(
        alert_id__in=list(alert_ids), kind=DashboardEvent.Kind.ALERT
    ).order_by("facility_id", "seq")
    return events_push([event_frame(e) for e in events])
