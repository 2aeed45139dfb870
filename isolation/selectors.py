"""Reads, already scoped to what the actor may see.

A health worker sees their own facility's isolations only; anything else is "not
found" (404), never "forbidden", so the existence of another facility's patient is
not revealed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.exceptions import NotFound
from core.models import Facility, User
from isolation import display, rules
from isolation.error_codes import IsolationErrorCode
from isolation.messages import message
from isolation.models import (
    Alert,
    CheckIn,
    DashboardEvent,
    EventCounter,
    Isolation,
    IsolationRequest,
    Note,
)
from selfcheck.selectors import assessment_summaries_for_requests

BOARD_LIMIT = 1000
# Each one's last known value is on the board, not only the latest report's.
LAST_KNOWN_VITALS = ("temperature", "spo2", "breathing_rate")
REPLAY_LIMIT = 1000

#: The orders the health workers' lists are paged in (by cursor: the names are real
#: fields or annotations of the selectors below, the last one unique).
REQUEST_PENDING_ORDER = ("created_at", "pk")
#: Danger first, newest first within a kind (`danger_rank`: alerts_open_for_board).
ALERT_BOARD_ORDER = ("danger_rank", "-created_at", "-pk")
#: rules.urgency_key field by field (annotated by isolations_by_urgency).
BOARD_ORDER = (
    "open_danger_rank",
    "open_missed_rank",
    "status_rank",
    "spo2_rank",
    "release_rank",
    "oldest_open_alert_at",
    "pk",
)
# Where a patient without an open alert sorts: after every real alert time (a cursor
# cannot hold a null).
_NO_OPEN_ALERT = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)


def referral_facilities() -> QuerySet[Facility]:
    """Where a patient may be referred: active hospitals and referral facilities."""
    return Facility.objects.filter(
        Q(kind=Facility.Kind.HOSPITAL) | Q(is_referral=True), is_active=True
    ).order_by("-is_referral", "name")


def active_isolation_facility_id(*, patient: User) -> int | None:
    """The puskesmas monitoring the patient's active isolation, if any."""
    isolation = (
        Isolation.objects.filter(patient=patient, status=Isolation.Status.ACTIVE)
        .only("facility_id")
        .first()
    )
    return isolation.facility_id if isolation else None


def _facility_id(actor: User) -> int:
    if not actor.is_authenticated or actor.role != User.Role.HEALTH_WORKER:
        raise NotFound(message("data_not_found"))
    if not actor.facility_id:
        raise NotFound(message("data_not_found"))
    return actor.facility_id


def isolation_get_for_worker(
    *, actor: User, isolation_id: int, lock: bool = False
) -> Isolation:
    qs = Isolation.objects.select_related(
        "patient", "facility__district", "referral_facility"
    ).filter(facility_id=_facility_id(actor))
    if lock:
        qs = qs.select_for_update(of=("self",))
    isolation = qs.filter(pk=isolation_id).first()
    if isolation is None:
        raise NotFound(
            message("isolation_not_found"), code=IsolationErrorCode.NOT_FOUND
        )
    return isolation


def alert_get_for_worker(*, actor: User, alert_id: int, lock: bool = False) -> Alert:
    qs = Alert.objects.select_related("isolation__patient", "acknowledged_by").filter(
        isolation__facility_id=_facility_id(actor)
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    alert = qs.filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(message("alert_not_found"))
    return alert


def request_get_for_worker(
    *, actor: User, request_id: int, lock: bool = False
) -> IsolationRequest:
    qs = IsolationRequest.objects.select_related("patient", "facility").filter(
        facility_id=_facility_id(actor)
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    request = qs.filter(pk=request_id).first()
    if request is None:
        raise NotFound(message("request_not_found"))
    return request


def requests_pending_for_worker(*, actor: User) -> QuerySet[IsolationRequest]:
    return (
        IsolationRequest.objects.select_related("patient")
        .filter(facility_id=_facility_id(actor), status=IsolationRequest.Status.PENDING)
        .order_by(*REQUEST_PENDING_ORDER)
    )


def requests_describe(requests: list[IsolationRequest]) -> list[IsolationRequest]:
    """Requests the worker may see (requests_pending_for_worker), each with its
    `reason_label` and, when made from a self-check, that self-check's summary as
    `assessment` (level, date, reasons, main answers; the requester's own only)."""
    summaries = assessment_summaries_for_requests(
        (r.patient_id, r.assessment_id) for r in requests
    )
    for r in requests:
        r.assessment = summaries.get(r.assessment_id)
        r.reason_label = Isolation.Reason(r.reason).label
        if r.assessment is not None:
            r.reason_label = f"Cek mandiri: {r.assessment['risk_level_label'].lower()}"
    return requests


def requests_for_patient(*, patient: User) -> QuerySet[IsolationRequest]:
    return IsolationRequest.objects.select_related("facility").filter(patient=patient)


def alerts_open_for_worker(*, actor: User) -> QuerySet[Alert]:
    return (
        Alert.objects.select_related("isolation__patient")
        .filter(
            isolation__facility_id=_facility_id(actor),
            isolation__status=Isolation.Status.ACTIVE,
            acknowledged_at__isnull=True,
        )
        .order_by("created_at")
    )


def alerts_open_for_board(*, actor: User) -> QuerySet[Alert]:
    """What the board lists: danger alerts first, newest first within a kind; a live
    alert lands in the same place (dashboard.js)."""
    return (
        alerts_open_for_worker(actor=actor)
        .annotate(danger_rank=_rank(Q(kind=Alert.Kind.DANGER)))
        .order_by(*ALERT_BOARD_ORDER)
    )


def _rank(condition) -> Case:
    """0 where `condition` holds, else 1: "these first" as a field a cursor holds."""
    return Case(
        When(condition, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def last_event_seq(*, actor: User) -> int:
    counter = EventCounter.objects.filter(pk=_facility_id(actor)).first()
    return counter.last_seq if counter else 0


def events_after(*, actor: User, after: int, limit: int = REPLAY_LIMIT) -> list:
    return list(
        DashboardEvent.objects.filter(
            facility_id=_facility_id(actor), seq__gt=after
        ).order_by("seq")[:limit]
    )


# --- the board ------------------------------------------------------------------------


@dataclass
class BoardRow:
    isolation: Isolation
    today_status: str
    day: int
    days: int
    release_due: bool
    last_checkin: CheckIn | None
    spo2_trend: str
    temperature_trend: str
    open_alerts: list[Alert] = field(default_factory=list)
    sort_key: tuple = ()
    vitals: list[dict] = field(default_factory=list)

    @property
    def open_danger(self) -> int:
        return sum(1 for a in self.open_alerts if a.kind == Alert.Kind.DANGER)


def isolations_by_urgency(
    *, actor: User, now: dt.datetime | None = None
) -> QuerySet[Isolation]:
    """The facility's active isolations, most urgent first: rules.urgency_key
    computed by the database (BOARD_ORDER), so the board can be paged by cursor and
    cut at BOARD_LIMIT keeping the most urgent; what board_row needs is prefetched.

    "Today" is each patient's own day (WIB/WITA/WIT): one date per zone present."""
    now = now or timezone.now()
    active = Isolation.objects.filter(
        facility_id=_facility_id(actor), status=Isolation.Status.ACTIVE
    )
    zones = active.order_by("timezone").values_list("timezone", flat=True).distinct()
    today, missed = {}, []
    for zone in zones:
        today[zone] = now.astimezone(ZoneInfo(zone)).date()
        bound = rules.missed_if_started_by(day=today[zone], now=now, tz=ZoneInfo(zone))
        if bound is not None:
            missed.append(Q(timezone=zone, started_at__lte=bound))
    open_alerts = Alert.objects.filter(
        isolation=OuterRef("pk"), acknowledged_at__isnull=True
    )
    checkins_today = CheckIn.objects.filter(
        isolation=OuterRef("pk"), slot_date=OuterRef("board_today")
    )
    rank = rules.STATUS_RANK
    status_rank = Case(
        When(
            Exists(checkins_today.filter(unwell=True)),
            then=Value(rank[rules.SEEN_NOT_OK]),
        ),
        When(Exists(checkins_today), then=Value(rank[rules.SEEN_OK])),
        *[When(q, then=Value(rank[rules.MISSED])) for q in missed],
        default=Value(rank[rules.NOT_DUE]),
        output_field=IntegerField(),
    )
    last_spo2 = (
        CheckIn.objects.filter(isolation=OuterRef("pk"))
        .order_by("-measured_at", "-pk")
        .values("spo2")[:1]
    )
    oldest_open_alert = open_alerts.order_by("created_at").values("created_at")[:1]
    last_known = {}
    for name in LAST_KNOWN_VITALS:
        reported = CheckIn.objects.filter(
            isolation=OuterRef("pk"), **{f"{name}__isnull": False}
        ).order_by("-measured_at", "-pk")
        last_known[f"known_{name}"] = Subquery(reported.values(name)[:1])
        last_known[f"known_{name}_at"] = Subquery(reported.values("measured_at")[:1])
    window_start = (now - dt.timedelta(days=2)).date()
    return (
        active.annotate(
            board_today=Case(
                *[When(timezone=zone, then=Value(day)) for zone, day in today.items()],
                default=Value(now.date()),
                output_field=DateField(),
            )
        )
        .annotate(
            open_danger_rank=_rank(Exists(open_alerts.filter(kind=Alert.Kind.DANGER))),
            open_missed_rank=_rank(Exists(open_alerts.filter(kind=Alert.Kind.MISSED))),
            status_rank=status_rank,
            spo2_rank=Coalesce(
                Subquery(last_spo2),
                Value(rules.NO_SPO2_RANK),
                output_field=IntegerField(),
            ),
            release_rank=_rank(Q(estimated_end__lte=F("board_today"))),
            oldest_open_alert_at=Coalesce(
                Subquery(oldest_open_alert),
                Value(_NO_OPEN_ALERT),
                output_field=DateTimeField(),
            ),
            **last_known,
        )
        .select_related("patient")
        .prefetch_related(
            Prefetch(
                "checkins",
                queryset=CheckIn.objects.order_by("-measured_at", "-pk")[:3],
                to_attr="latest_checkins",
            ),
            Prefetch(
                "checkins",
                queryset=CheckIn.objects.filter(slot_date__gte=window_start).only(
                    "isolation_id", "slot_date", "unwell"
                ),
                to_attr="recent_checkins",
            ),
            Prefetch(
                "alerts",
                queryset=Alert.objects.filter(acknowledged_at__isnull=True).order_by(
                    "created_at", "pk"
                ),
                to_attr="open_alerts",
            ),
        )
        .order_by(*BOARD_ORDER)
    )


def isolation_board(*, actor: User, now: dt.datetime | None = None) -> list[BoardRow]:
    """The facility's active patients, most urgent first (the BOARD_LIMIT most
    urgent), as the dashboard shows them."""
    now = now or timezone.now()
    isolations = isolations_by_urgency(actor=actor, now=now)[:BOARD_LIMIT]
    return sorted(board_rows(isolations, now=now), key=lambda row: row.sort_key)


def board_rows(isolations, *, now: dt.datetime) -> list[BoardRow]:
    """One board row per isolation (from isolations_by_urgency), in the order given."""
    return [board_row(isolation, now=now) for isolation in isolations]


def board_row(isolation: Isolation, *, now: dt.datetime) -> BoardRow:
    tz = isolation.tz
    today = now.astimezone(tz).date()
    latest = list(getattr(isolation, "latest_checkins", None) or [])
    recent = getattr(isolation, "recent_checkins", None)
    if recent is None:
        recent = list(isolation.checkins.filter(slot_date=today))
    opened = getattr(isolation, "open_alerts", None)
    if opened is None:
        opened = list(isolation.alerts.filter(acknowledged_at__isnull=True))
    status = rules.daily_status(
        day=today,
        now=now,
        tz=tz,
        started_at=isolation.started_at,
        checkins_unwell=[c.unwell for c in recent if c.slot_date == today],
    )
    day, days = rules.day_of(
        start_date=isolation.start_date, end_date=isolation.estimated_end, today=today
    )
    release_due = rules.release_due(end_date=isolation.estimated_end, today=today)
    oldest = list(reversed(latest))
    last = latest[0] if latest else None
    row = BoardRow(
        isolation=isolation,
        today_status=status,
        day=day,
        days=days,
        release_due=release_due,
        last_checkin=last,
        spo2_trend=rules.trend([c.spo2 for c in oldest]),
        temperature_trend=rules.trend([c.temperature for c in oldest]),
        open_alerts=opened,
        vitals=display.last_vitals(
            _known_vitals(isolation, latest),
            latest_at=last.measured_at if last else None,
            tz=tz,
        ),
    )
    row.sort_key = rules.urgency_key(
        open_danger=row.open_danger,
        open_missed=sum(1 for a in opened if a.kind == Alert.Kind.MISSED),
        release_due=release_due,
        today_status=status,
        last_spo2=last.spo2 if last else None,
        oldest_open_alert=opened[0].created_at if opened else None,
        tiebreak=isolation.pk,
    )
    return row


def _known_vitals(isolation: Isolation, latest: list[CheckIn]) -> dict:
    """Each vital's last (value, measured_at): annotated by isolations_by_urgency,
    else from the latest check-ins at hand."""
    known = {}
    for name in LAST_KNOWN_VITALS:
        if hasattr(isolation, f"known_{name}"):
            value = getattr(isolation, f"known_{name}")
            known[name] = (value, getattr(isolation, f"known_{name}_at"))
        else:
            c = next((c for c in latest if getattr(c, name) is not None), None)
            known[name] = (getattr(c, name), c.measured_at) if c else (None, None)
    return known


# --- one patient -----------------------------------------------------------------------


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str  # "checkin" | "alert" | "note" | "missed"
    item: object


def isolation_timeline(
    *, isolation: Isolation, limit: int = 200
) -> list[TimelineEntry]:
    checkins = isolation.checkins.order_by("-measured_at")[:limit]
    alerts = isolation.alerts.select_related("acknowledged_by").order_by("-created_at")[
        :limit
    ]
    notes = isolation.notes.select_related("author").order_by("-created_at")[:limit]
    entries = [TimelineEntry(c.measured_at, "checkin", c) for c in checkins]
    entries += [TimelineEntry(a.created_at, "alert", a) for a in alerts]
    entries += [TimelineEntry(n.created_at, "note", n) for n in notes]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def checked_slots(isolation: Isolation) -> set[rules.Slot]:
    return {
        rules.Slot(day, slot)
        # A late report (received long after the slot closed) did not report it.
        for day, slot in isolation.checkins.filter(late=False)
        .values_list("slot_date", "slot")
        .distinct()
    }


def missed_slot_list(
    isolation: Isolation, *, now: dt.datetime | None = None
) -> list[rules.Slot]:
    now = now or timezone.now()
    due = rules.closed_due_slots(
        started_at=isolation.started_at,
        now=now,
        tz=isolation.tz,
        until=isolation.ended_at,
    )
    return rules.missed_slots(due, checked_slots(isolation))


def isolation_current_for_patient(*, patient: User) -> Isolation:
    """The resident's active isolation, else their latest one."""
    qs = Isolation.objects.select_related(
        "facility__district", "referral_facility"
    ).filter(patient=patient)
    isolation = (
        qs.filter(status=Isolation.Status.ACTIVE).first()
        or qs.order_by("-created_at").first()
    )
    if isolation is None:
        raise NotFound(message("no_isolation"), code=IsolationErrorCode.NO_ISOLATION)
    return isolation


def checkins_recent(isolation: Isolation, *, limit: int = 10) -> list[CheckIn]:
    """The isolation's latest check-ins, newest first."""
    return list(isolation.checkins.order_by("-measured_at")[:limit])


def checkins_for_patient(*, patient: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(isolation__patient=patient).order_by("-measured_at")


def notes_for(isolation: Isolation) -> QuerySet[Note]:
    return isolation.notes.select_related("author")
