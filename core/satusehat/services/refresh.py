"""Outbox refresh: a row for every reportable case and measured check-in; a row whose
fingerprint changed becomes pending."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from core.db import many, update_values
from core.models import Case
from core.satusehat.services.records import (
    Org,
    Row,
    State,
    case_day,
    case_fingerprint,
    case_labs,
    case_reportable,
    case_source_integrator,
    cases_with_reports,
)


@dataclass
class RefreshResult:
    scanned: int = 0
    new: int = 0
    changed: int = 0

    def as_dict(self) -> dict:
        return {"scanned": self.scanned, "new": self.new, "changed": self.changed}


def outbox_refresh(
    *, since: dt.date | None = None, changed_after: dt.datetime | None = None
) -> RefreshResult:
    """Rows for every reportable case and measured isolation check-in (changed on or
    after `since` / after `changed_after`; all when neither is given); rows whose
    content changed become pending."""
    result = RefreshResult()
    org = Org.load()
    cases = Case.objects.order_by("id")
    if since:
        cases = cases.filter(updated_at__date__gte=since)
    if changed_after:
        cases = cases.filter(updated_at__gte=changed_after)
    ids = list(cases.values_list("id", flat=True))
    for i in range(0, len(ids), 2000):
        _refresh_cases(ids[i : i + 2000], org, result)
    _refresh_checkins(since, changed_after, org, result)
    return result


def _refresh_cases(case_ids: list[int], org: Org, result: RefreshResult) -> None:
    cases, reports = cases_with_reports(case_ids)
    existing = {
        row.object_id: row
        for row in Row.objects.filter(
            kind=Row.Kind.CASE, object_id__in=many(case_ids, integers=True)
        )
    }
    _apply(
        Row.Kind.CASE,
        existing,
        (
            (
                pk,
                pk,
                case["kelurahan_id"],
                case_day(case),
                case_fingerprint(
                    case,
                    case_labs(reports[pk]),
                    org.for_integrator(case_source_integrator(case, reports[pk])),
                ),
            )
            for pk, case in cases.items()
            if case_reportable(case) or pk in existing
        ),
        result,
    )


def _refresh_checkins(since, changed_after, org: Org, result: RefreshResult) -> None:
    from isolation.models import CheckIn

    checkins = CheckIn.objects.filter(
        Q(temperature__isnull=False)
        | Q(spo2__isnull=False)
        | Q(breathing_rate__isnull=False)
    ).order_by("id")
    if since:
        checkins = checkins.filter(created_at__date__gte=since)
    if changed_after:
        checkins = checkins.filter(created_at__gte=changed_after)
    rows = list(
        checkins.values_list(
            "id",
            "slot_date",
            "temperature",
            "spo2",
            "breathing_rate",
            "isolation__facility_id",
            "isolation__patient__profile__home_village_id",
            "isolation__facility__district_id",
        )
    )
    for i in range(0, len(rows), 2000):
        chunk = rows[i : i + 2000]
        existing = {
            row.object_id: row
            for row in Row.objects.filter(
                kind=Row.Kind.CHECKIN,
                object_id__in=many([r[0] for r in chunk], integers=True),
            )
        }
        _apply(
            Row.Kind.CHECKIN,
            existing,
            (
                (
                    pk,
                    None,
                    village or district or "",
                    day,
                    hashlib.sha256(
                        f"{temp}|{spo2}|{rate}|{org.for_facility(facility)}".encode()
                    ).hexdigest()[:32],
                )
                for pk, day, temp, spo2, rate, facility, village, district in chunk
            ),
            result,
        )


def _apply(kind: str, existing: dict, wanted: Iterable[tuple], result) -> None:
    now = timezone.now()
    create: list[Row] = []
    update: list[Row] = []
    for object_id, case_id, kelurahan, day, fingerprint in wanted:
        result.scanned += 1
        row = existing.get(object_id)
        if row is None:
            create.append(
                Row(
                    kind=kind,
                    object_id=object_id,
                    case_id=case_id,
                    kelurahan=kelurahan,
                    day=day,
                    fingerprint=fingerprint,
                    created_at=now,
                    updated_at=now,
                )
            )
            continue
        if (row.fingerprint, row.kelurahan, row.day) == (fingerprint, kelurahan, day):
            continue
        row.fingerprint, row.kelurahan, row.day = fingerprint, kelurahan, day
        row.updated_at = now
        if row.sent_fingerprint != fingerprint and row.status in (
            State.SENT,
            State.PERMANENT,
        ):
            # New content: due again, with a fresh count of attempts.
            row.status, row.attempts, row.next_attempt_at = State.PENDING, 0, None
            result.changed += 1
        update.append(row)
    Row.objects.bulk_create(create, ignore_conflicts=True, batch_size=1000)
    result.new += len(create)
    columns = (
        "fingerprint", "kelurahan", "day", "status", "attempts", "next_attempt_at",
        "updated_at",
    )  # fmt: skip
    update_values(
        Row, columns, [(row.pk, *(getattr(row, c) for c in columns)) for row in update]
    )
