"""Every PSC 119 read, scoped to the caller: an operator sees their kab/kota's
escalations only (others are 404), a resident their own."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.beds import rules as bed_rules
from core.beds.selectors import referral_hospitals_ranked
from core.exceptions import NotFound
from core.models import Escalation, PscEvent, PscEventCounter, Region, User
from core.psc import content, rules
from core.psc.error_codes import PscErrorCode

REPLAY_LIMIT = 500
DANGER_LABELS = {
    "severe_breathing_difficulty": {"id": "Sesak napas berat"},
    "chest_pain": {"id": "Nyeri dada"},
    "confusion": {"id": "Bingung / sulit dibangunkan"},
    "bluish_lips": {"id": "Bibir atau wajah kebiruan"},
}
QUEUE_LIMIT = 500
# The case history's steps, as the console names them.
STEP_LABELS = {
    "create": "Eskalasi masuk",
    "take": "Diambil",
    "call": "Sudah ditelepon",
    "note": "Catatan",
    "dispatch": "Ambulans berangkat",
    "refer": "Dirujuk",
    "resolve": "Selesai",
    "cancel": "Dibatalkan",
}
HEALTH_SOURCE_LABELS = {"selfcheck": "cek mandiri", "checkin": "laporan isolasi"}
LOCATION_SOURCE_LABELS = {"gps": "GPS"}


def api_time(moment: dt.datetime | None) -> str | None:
    """A time as the rest of the API writes it (DRF): ISO 8601 in UTC with "Z". The
    operator's JSON and console frames are built here, not by DRF fields."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def console_group(region_code: str) -> str:
    return f"psc.console.{region_code}"


def _waiting(escalation: Escalation, now: dt.datetime) -> bool:
    return rules.waiting_too_long(
        status=escalation.status,
        created_at=escalation.created_at,
        taken_at=escalation.taken_at,
        now=now,
    )


def queue_item(escalation: Escalation, *, now: dt.datetime) -> dict:
    """What the queue shows of a case: no name, phone or health values."""
    district = escalation.district
    taker = escalation.taken_by
    return {
        "id": escalation.pk,
        "status": escalation.status,
        "status_label": Escalation.Status(escalation.status).label,
        "urgency": escalation.urgency,
        "source": escalation.source,
        "source_label": Escalation.Source(escalation.source).label,
        "trigger": escalation.trigger,
        "district": district.name if district is not None else "",
        "created_at": api_time(escalation.created_at),
        "taken_at": api_time(escalation.taken_at),
        "taken_by": (taker.full_name or f"operator #{taker.pk}") if taker else None,
        "dispatched_at": api_time(escalation.dispatched_at),
        "waiting_too_long": _waiting(escalation, now),
    }


def escalation_frame(event: PscEvent) -> dict:
    return {
        "seq": event.seq,
        "kind": event.kind,
        "escalation_id": event.escalation_id,
        "item": event.payload,
        "at": api_time(event.created_at),
    }


def _operator_qs(operator: User) -> QuerySet[Escalation]:
    return Escalation.objects.filter(region_id=operator.psc_region_id).select_related(
        "district", "region", "taken_by", "referred_to"
    )


def escalation_queue(
    *, operator: User, status: str = "open", now: dt.datetime | None = None
) -> list[Escalation]:
    """The operator's kab/kota: open cases by urgency and waiting time; or closed ones
    (latest first); or all."""
    now = now or timezone.now()
    qs = _operator_qs(operator)
    if status == "open":
        rows = list(qs.filter(status__in=rules.OPEN_STATUSES)[:QUEUE_LIMIT])
        rows.sort(
            key=lambda e: rules.queue_key(
                status=e.status, urgency=e.urgency, created_at=e.created_at
            )
        )
        return rows
    if status == "closed":
        qs = qs.filter(status__in=rules.CLOSED_STATUSES)
    return list(qs.order_by("-created_at")[:QUEUE_LIMIT])


def escalation_get_for_operator(*, operator: User, escalation_id: int) -> Escalation:
    escalation = (
        _operator_qs(operator)
        .select_related("resident__profile", "facility", "created_by")
        .filter(pk=escalation_id)
        .first()
    )
    if escalation is None:
        raise NotFound(
            content.text(PscErrorCode.ESCALATION_NOT_FOUND),
            code=PscErrorCode.ESCALATION_NOT_FOUND,
        )
    return escalation


def escalation_get_for_resident(*, resident: User, escalation_id: int) -> Escalation:
    escalation = (
        Escalation.objects.select_related("referred_to", "taken_by", "region")
        .filter(pk=escalation_id, resident=resident)
        .first()
    )
    if escalation is None:
        raise NotFound(
            content.text(PscErrorCode.ESCALATION_NOT_FOUND),
            code=PscErrorCode.ESCALATION_NOT_FOUND,
        )
    return escalation


def escalations_for_resident(*, resident: User) -> QuerySet[Escalation]:
    return Escalation.objects.filter(resident=resident).select_related(
        "referred_to", "region"
    )


def escalation_detail(
    escalation: Escalation, *, now: dt.datetime | None = None
) -> dict:
    """The case as an operator needs it: contact, place, the minimum health data,
    nearest referral hospitals with free beds of the needed kind, and the steps."""
    now = now or timezone.now()
    resident = escalation.resident
    health = escalation.health or {}
    kinds = bed_rules.needed_bed_kinds(
        spo2=health.get("spo2"), danger_signs=health.get("danger_signs") or ()
    )
    location = _location(escalation)
    origin = (
        (escalation.latitude, escalation.longitude)
        if escalation.latitude is not None and not location["doubtful"]
        else None
    )
    hospitals = referral_hospitals_ranked(
        origin=origin,
        kinds=kinds,
        area=None if origin else f"{escalation.region_id}.",
        limit=5,
        now=now,
    )
    return {
        **queue_item(escalation, now=now),
        "contact": {
            "name": resident.full_name,
            "phone": resident.phone,
        },
        "location": location,
        "health": {**health, "at": _stored_time(health.get("at"))}
        if health
        else health,
        "health_label": HEALTH_SOURCE_LABELS.get(
            health.get("kind"), health.get("kind") or ""
        ),
        "risk_level_label": _risk_label(health.get("risk_level")),
        "danger_sign_labels": [
            DANGER_LABELS.get(sign, {}).get("id", sign)
            for sign in health.get("danger_signs") or ()
        ],
        "note": escalation.note,
        "facility": {"id": escalation.facility_id, "name": escalation.facility.name}
        if escalation.facility_id
        else None,
        "referred_to": {
            "id": escalation.referred_to_id,
            "name": escalation.referred_to.name,
        }
        if escalation.referred_to_id
        else None,
        "hospitals": hospitals,
        "steps": [
            {
                "action": a.action,
                "action_label": STEP_LABELS.get(a.action, a.action),
                "status": a.status,
                "status_label": _status_label(a.status),
                "note": a.note,
                "actor": (a.actor.full_name if a.actor else ""),
                "at": api_time(a.created_at),
            }
            for a in escalation.actions.select_related("actor")
        ],
        "ack_seconds": (escalation.taken_at - escalation.created_at).total_seconds()
        if escalation.taken_at
        else None,
        "dispatch_seconds": (
            escalation.dispatched_at - escalation.created_at
        ).total_seconds()
        if escalation.dispatched_at
        else None,
    }


def _location(escalation: Escalation) -> dict:
    """Where the case is, and whether a shared GPS point lies far from the kab/kota
    it was sent to (a point Sigap could not place routes by the resident's other
    places): the operator then sees "lokasi diragukan" with the distance, and the
    hospitals are ranked within the kab/kota, not around the point."""
    from core.areas.selectors import area_distance_m

    distance_m = None
    if escalation.location_source == "gps" and escalation.latitude is not None:
        distance_m = area_distance_m(
            code=escalation.region_id,
            lat=escalation.latitude,
            lng=escalation.longitude,
        )
    doubtful = rules.location_doubtful(distance_m=distance_m)
    distance_km = round(distance_m / 1000) if distance_m is not None else None
    return {
        "lat": escalation.latitude,
        "lng": escalation.longitude,
        "source": escalation.location_source,
        "source_label": LOCATION_SOURCE_LABELS.get(
            escalation.location_source, escalation.location_source
        ),
        "district": escalation.district_id,
        "region": escalation.region_id,
        "distance_km": distance_km,
        "doubtful": doubtful,
        # The console is Indonesian: thousands with a dot ("1.174 km").
        "doubt_label": (
            f"Lokasi diragukan: titik GPS {f'{distance_km:,}'.replace(',', '.')} km "
            f"dari {escalation.region.name}; pastikan lokasi lewat telepon."
        )
        if doubtful
        else "",
    }


def _stored_time(value: str | None) -> str | None:
    """A time kept as text in the case's health copy, written the API's way."""
    if not value:
        return value
    try:
        return api_time(dt.datetime.fromisoformat(value))
    except ValueError:
        return value


def _status_label(status: str) -> str:
    try:
        return Escalation.Status(status).label
    except ValueError:
        return status


def _risk_label(level: str | None) -> str:
    from selfcheck.content import RISK_LEVEL_LABELS

    if not level:
        return ""
    return RISK_LEVEL_LABELS.get(level, {}).get("id", level)


def last_event_seq(*, operator: User) -> int:
    counter = PscEventCounter.objects.filter(region_id=operator.psc_region_id).first()
    return counter.last_seq if counter else 0


def events_after(
    *, operator: User, after: int, limit: int = REPLAY_LIMIT
) -> list[PscEvent]:
    return list(
        PscEvent.objects.filter(
            region_id=operator.psc_region_id, seq__gt=after
        ).order_by("seq")[:limit]
    )


def response_times_daily(
    *, area: Region, date_from: dt.date, date_to: dt.date
) -> list[dict]:
    """Per kab/kota and local day: escalations, times to acknowledge and dispatch."""
    tz = area.tz
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    prefix = f"{area.code}."
    qs = Escalation.objects.filter(
        Q(region_id=area.code) | Q(region__code__startswith=prefix),
        created_at__gte=start,
        created_at__lt=end,
    ).values("region_id", "created_at", "taken_at", "dispatched_at", "status")
    groups: dict[tuple[str, dt.date], list] = defaultdict(list)
    for row in qs:
        groups[(row["region_id"], row["created_at"].astimezone(tz).date())].append(row)
    names = dict(
        Region.objects.filter(code__in={k[0] for k in groups}).values_list(
            "code", "name"
        )
    )
    return [
        {
            "date": day.isoformat(),
            "regency": {"code": code, "name": names.get(code, "")},
            **rules.response_figures(groups[(code, day)]),
        }
        for code, day in sorted(groups, key=lambda k: (k[1], k[0]))
    ]
