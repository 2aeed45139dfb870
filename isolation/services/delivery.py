"""Alert delivery: the outbox rows for a facility's health workers (danger alerts
urgent, one by one; missed and release-due as digests) and the sweep that retries."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import User
from core.rules import initials
from core.services.notifications import notify
from isolation import content
from isolation.models import Alert
from isolation.services.events import events_push_stored

BATCH = 5000  # alerts one sweep takes


def _ids_key(ids: Iterable[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:16]


def alerts_deliver(*, alert_ids: Iterable[int]) -> int:
    """Deliver stored alerts to the facility's health workers; idempotent.

    Danger alerts go out one by one, urgent (no quiet hours). Missed and release-due
    alerts are summarised per facility, respecting quiet hours. The outbox rows and
    ``delivered_at`` commit together, so a crash either delivers nothing or all.
    """
    alert_ids = list(alert_ids)
    if not alert_ids:
        return 0
    with transaction.atomic():
        qs = Alert.objects.select_related(
            "isolation__facility", "isolation__patient"
        ).filter(pk__in=alert_ids, delivered_at__isnull=True)
        if settings.IS_POSTGRES:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        else:
            qs = qs.select_for_update()
        alerts = list(qs.order_by("pk"))
        if not alerts:
            return 0
        by_facility: dict[int, list[Alert]] = defaultdict(list)
        for alert in alerts:
            by_facility[alert.isolation.facility_id].append(alert)
        workers_of: dict[int, list[User]] = defaultdict(list)
        for worker in User.objects.select_related("facility__district").filter(
            role=User.Role.HEALTH_WORKER,
            is_active=True,
            facility_id__in=list(by_facility),
        ):
            workers_of[worker.facility_id].append(worker)
        for facility_id, facility_alerts in by_facility.items():
            facility = facility_alerts[0].isolation.facility
            _notify_facility(facility.name, facility_alerts, workers_of[facility_id])
        now = timezone.now()
        Alert.objects.filter(pk__in=[a.pk for a in alerts]).update(delivered_at=now)
        delivered = [a.pk for a in alerts]
        transaction.on_commit(
            lambda: events_push_stored(alert_ids=delivered), robust=True
        )
    return len(delivered)


def _notify_facility(facility: str, alerts: list[Alert], workers: list[User]) -> None:
    danger = [a for a in alerts if a.kind == Alert.Kind.DANGER]
    missed = [a for a in alerts if a.kind == Alert.Kind.MISSED]
    release = [a for a in alerts if a.kind == Alert.Kind.RELEASE_DUE]
    for worker in workers:
        for alert in danger:
            notify(
                user=worker,
                kind="isolation.alert.danger",
                text=content.danger_alert_text(
                    facility=facility,
                    initials=initials(alert.isolation.patient.full_name),
                ),
                urgent=True,
                subject=alert.isolation.patient,
                dedupe_key=f"isolation:alert:{alert.pk}",
                data={"alert_id": alert.pk, "isolation_id": alert.isolation_id},
            )
        if missed:
            notify(
                user=worker,
                kind="isolation.alert.missed",
                text=content.missed_digest_text(facility=facility, count=len(missed)),
                dedupe_key=f"isolation:missed:{_ids_key(a.pk for a in missed)}",
                data={"alert_ids": [a.pk for a in missed]},
            )
        if release:
            notify(
                user=worker,
                kind="isolation.alert.release_due",
                text=content.release_digest_text(facility=facility, count=len(release)),
                dedupe_key=f"isolation:release:{_ids_key(a.pk for a in release)}",
                data={"alert_ids": [a.pk for a in release]},
            )


def alerts_deliver_pending(
    *, now: dt.datetime | None = None, min_age: dt.timedelta = dt.timedelta(seconds=30)
) -> int:
    """The outbox sweep: deliver alerts whose immediate delivery did not happen."""
    now = now or timezone.now()
    ids = list(
        Alert.objects.filter(delivered_at__isnull=True, created_at__lte=now - min_age)
        .order_by("created_at")
        .values_list("pk", flat=True)[:BATCH]
    )
    total = 0
    for start in range(0, len(ids), 500):
        total += alerts_deliver(alert_ids=ids[start : start + 500])
    return total
