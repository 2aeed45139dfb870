"""The periodic set-based scans: missed check-ins and isolations due for release
raise alerts; patients late for a check-in get a reminder."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.services.notifications import notify
from isolation import content, display, rules
from isolation.models import Alert, CheckIn, DashboardEvent, Isolation
from isolation.services.events import NewEvent, events_record

logger = logging.getLogger(__name__)

BATCH = 5000  # isolations read per query


def _single_run(name: str, timeout: int = 600):
    """Skip a scan while another copy runs (beat overlap, redelivered task)."""

    class _Lock:
        def __enter__(self) -> bool:
            self.acquired = cache.add(f"isolation:lock:{name}", 1, timeout=timeout)
            return self.acquired

        def __exit__(self, *exc) -> None:
            if self.acquired:
                cache.delete(f"isolation:lock:{name}")

    return _Lock()


def _active_timezones() -> list[str]:
    return list(
        Isolation.objects.filter(status=Isolation.Status.ACTIVE)
        .values_list("timezone", flat=True)
        .distinct()
        .order_by()
    )


ALERTS_PER_EVENT = 200


def _insert_slot_alerts(
    candidates: QuerySet,
    *,
    kind: str,
    slot_date: dt.date | None,
    slot: str,
    created_at: dt.datetime,
) -> int:
    """INSERT ... SELECT the alerts of a scan, then one dashboard event per facility
    (per ALERTS_PER_EVENT alerts) listing them. Set-based: no row-by-row Python.

    ``candidates`` selects isolations (``pk``, and ``estimated_end`` when
    ``slot_date`` is None). Rows a concurrent run inserted first are skipped by the
    unique key and not returned, so they get no second event.
    """
    columns = ["pk"] if slot_date is not None else ["pk", "estimated_end"]
    sub_sql, sub_params = candidates.values(*columns).query.sql_with_params()
    table = connection.ops.quote_name(Alert._meta.db_table)
    date_sql = "%s" if slot_date is not None else "c.estimated_end"
    date_params = [slot_date] if slot_date is not None else []
    sql = (
        f"INSERT INTO {table} (isolation_id, kind, checkin_id, slot_date, slot, "
        "reasons, created_at, delivered_at, acknowledged_by_id, acknowledged_at, "
        f"note) SELECT c.pk, %s, NULL, {date_sql}, %s, %s, %s, NULL, NULL, NULL, '' "
        f"FROM ({sub_sql}) c WHERE TRUE ON CONFLICT DO NOTHING "
        "RETURNING id, isolation_id, slot_date"
    )
    # Prepared as the ORM would (SQLite stores datetimes as UTC text, and the
    # sweep's created_at filter compares that text).
    created = Alert._meta.get_field("created_at").get_db_prep_value(
        created_at, connection
    )
    params = [kind, *date_params, slot, "[]", created, *sub_params]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            inserted = cursor.fetchall()
        if not inserted:
            return 0
        who: dict[int, tuple[int, str, str]] = {}
        isolation_ids = [row[1] for row in inserted]
        for start in range(0, len(isolation_ids), BATCH):
            for pk, facility_id, name, zone in Isolation.objects.filter(
                pk__in=isolation_ids[start : start + BATCH]
            ).values_list("pk", "facility_id", "patient__full_name", "timezone"):
                who[pk] = (facility_id, name, zone)
        by_facility: dict[int, list[dict]] = defaultdict(list)
        label = content.ALERT_LABELS[kind]["id"]
        # One creation time for the whole scan: one label per zone.
        when = {
            zone: display.wall_time(created_at, zone)
            for _, _, zone in set(who.values())
        }
        for alert_id, isolation_id, day in inserted:
            facility_id, name, zone = who[isolation_id]
            by_facility[facility_id].append(
                {
                    "alert_id": alert_id,
                    "isolation_id": isolation_id,
                    "kind": kind,
                    "kind_label": label,
                    "patient_name": name,
                    "reasons": [],
                    "reason_labels": [],
                    "slot_date": str(day),
                    "slot": slot,
                    "created_at": created_at.isoformat(),
                    "created_at_label": when[zone],
                    "zone_label": display.zone_label(zone),
                }
            )
        events_record(
            NewEvent(
                facility_id=facility_id,
                kind=DashboardEvent.Kind.ALERTS,
                payload={"alerts": alerts[start : start + ALERTS_PER_EVENT]},
            )
            for facility_id, alerts in by_facility.items()
            for start in range(0, len(alerts), ALERTS_PER_EVENT)
        )
    return len(inserted)


def missed_checkins_flag(*, now: dt.datetime | None = None) -> int:
    """Two due slots in a row without a check-in -> one missed alert.

    One set-based INSERT ... SELECT per time zone: the two last closed slots are the
    same for every patient of a zone. While a missed alert is open no new one is
    raised; the alert is keyed by the later slot, so a re-run creates nothing new.
    """
    now = now or timezone.now()
    with _single_run("missed") as acquired:
        if not acquired:
            return 0
        created = 0
        for tz_name in _active_timezones():
            tz = ZoneInfo(tz_name)
            prev, last = rules.last_closed_slots(now, tz)
            in_pair = Q(slot_date=prev.day, slot=prev.slot) | Q(
                slot_date=last.day, slot=last.slot
            )
            candidates = (
                Isolation.objects.filter(
                    status=Isolation.Status.ACTIVE,
                    timezone=tz_name,
                    started_at__lte=prev.expected_by(tz),
                )
                .exclude(
                    Exists(
                        CheckIn.objects.filter(
                            isolation_id=OuterRef("pk"), late=False
                        ).filter(in_pair)
                    )
                )
                .exclude(
                    Exists(
                        Alert.objects.filter(
                            isolation_id=OuterRef("pk"), kind=Alert.Kind.MISSED
                        ).filter(
                            Q(acknowledged_at__isnull=True)
                            | Q(slot_date=last.day, slot=last.slot)
                        )
                    )
                )
                .order_by()
            )
            created += _insert_slot_alerts(
                candidates,
                kind=Alert.Kind.MISSED,
                slot_date=last.day,
                slot=last.slot,
                created_at=now,
            )
        if created:
            logger.info("raised %d missed check-in alerts", created)
        return created


def release_due_flag(*, now: dt.datetime | None = None) -> int:
    """Isolations whose estimated end has come -> one "ready for release" task."""
    now = now or timezone.now()
    with _single_run("release") as acquired:
        if not acquired:
            return 0
        created = 0
        for tz_name in _active_timezones():
            today = now.astimezone(ZoneInfo(tz_name)).date()
            due = (
                Isolation.objects.filter(
                    status=Isolation.Status.ACTIVE,
                    timezone=tz_name,
                    estimated_end__lte=today,
                )
                .exclude(
                    Exists(
                        Alert.objects.filter(
                            isolation_id=OuterRef("pk"),
                            kind=Alert.Kind.RELEASE_DUE,
                            slot_date=OuterRef("estimated_end"),
                        )
                    )
                )
                .order_by()
            )
            created += _insert_slot_alerts(
                due,
                kind=Alert.Kind.RELEASE_DUE,
                slot_date=None,
                slot=rules.MORNING,
                created_at=now,
            )
        return created


def checkin_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind patients whose slot is past its expected time, never 21:00-06:00."""
    now = now or timezone.now()
    sent = 0
    for tz_name in _active_timezones():
        tz = ZoneInfo(tz_name)
        slot = rules.slot_to_remind(now, tz)
        if slot is None:
            continue
        waiting = (
            Isolation.objects.filter(
                status=Isolation.Status.ACTIVE,
                timezone=tz_name,
                started_at__lte=slot.expected_by(tz),
            )
            .exclude(
                Exists(
                    CheckIn.objects.filter(
                        isolation_id=OuterRef("pk"),
                        slot_date=slot.day,
                        slot=slot.slot,
                    )
                )
            )
            .select_related("patient")
        )
        for isolation in waiting.iterator(chunk_size=500):
            with transaction.atomic():
                created = notify(
                    user=isolation.patient,
                    kind="isolation.reminder",
                    text=content.reminder_text(slot.slot),
                    dedupe_key=f"isolation:reminder:{isolation.pk}:{slot.day}:{slot.slot}",
                    data={"isolation_id": isolation.pk, "slot": slot.slot},
                )
            sent += bool(created)
    return sent
