"""Konsultasi: the next consultation, the earliest free times, book or cancel,
through the teleconsultation selectors and services."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from chatbot.conversation.flows.base import Ctx, choice
from core.exceptions import ApplicationError
from isolation.selectors import active_isolation_facility_id
from isolation.teleconsult.error_codes import TeleconsultErrorCode
from isolation.teleconsult.models import Booking
from isolation.teleconsult.selectors import booking_list, slot_list
from isolation.teleconsult.services import booking_cancel, booking_create
from isolation.teleconsult.services.common import local_label

FLOW = "consult"
SLOTS_SHOWN = 3
DAYS_AHEAD = 7
GONE = (
    TeleconsultErrorCode.SLOT_IN_PAST,
    TeleconsultErrorCode.SLOT_UNALIGNED,
    TeleconsultErrorCode.OUTSIDE_AVAILABILITY,
    TeleconsultErrorCode.DOCTOR_ON_LEAVE,
    TeleconsultErrorCode.SLOT_BEYOND_HORIZON,
)
OWN_CONFLICTS = (TeleconsultErrorCode.BOOKING_LIMIT, TeleconsultErrorCode.PATIENT_BUSY)


def _need_link(ctx: Ctx) -> bool:
    if ctx.user is None:
        ctx.end()
        ctx.say(ctx.t("need_link"), [choice("m:link", ctx.t("m_link"))])
        return True
    return False


def _next_booking(ctx: Ctx) -> Booking | None:
    return (
        booking_list(user=ctx.user, status=Booking.Status.BOOKED, upcoming=True)
        .filter(patient=ctx.user)
        .order_by("start")
        .first()
    )


def _when(ctx: Ctx, instant: dt.datetime) -> str:
    return local_label(instant, ctx.user.tz)


def start(ctx: Ctx) -> None:
    if _need_link(ctx):
        return
    booking = _next_booking(ctx)
    ctx.goto(FLOW, "menu")
    if booking is None:
        ctx.say(ctx.t("consult_none"))
        _offer_slots(ctx)
        return
    ctx.session.data["booking"] = booking.pk
    ctx.say(
        ctx.t(
            "consult_next",
            when=_when(ctx, booking.start),
            doctor=booking.doctor.full_name,
            facility=booking.facility.name,
        ),
        [
            choice(f"c:cancel:{booking.pk}", ctx.t("consult_cancel")),
            choice("c:book", ctx.t("consult_book")),
            ctx.menu_choice(),
        ],
    )


def _facility_id(ctx: Ctx) -> int | None:
    """The isolation's puskesmas when isolating; otherwise any facility."""
    return active_isolation_facility_id(patient=ctx.user)


def _offer_slots(ctx: Ctx) -> None:
    now = timezone.now()
    today = now.astimezone(ctx.user.tz).date()
    entries = slot_list(
        facility_id=_facility_id(ctx),
        date_from=today,
        date_to=today + dt.timedelta(days=DAYS_AHEAD),
        now=now,
        for_patient_id=ctx.user.pk,
    )
    candidates = sorted(
        (
            (slot.start, entry)
            for entry in entries
            if entry.doctor_id != ctx.user.pk
            for slot in entry.slots[:SLOTS_SHOWN]
        ),
        key=lambda pair: (pair[0], pair[1].doctor_id),
    )[:SLOTS_SHOWN]
    if not candidates:
        ctx.end()
        ctx.say(ctx.t("consult_no_slots"), [ctx.menu_choice()])
        return
    offered = []
    choices = []
    for start, entry in candidates:
        key = f"{entry.doctor_id}:{int(start.timestamp())}"
        offered.append(key)
        choices.append(
            choice(
                f"c:s:{key}", _when(ctx, start), f"{entry.name}, {entry.facility_name}"
            )
        )
    ctx.goto(FLOW, "slots", {"offered": offered})
    ctx.say(ctx.t("consult_slots"), [*choices, ctx.menu_choice()])


def step(ctx: Ctx) -> None:
    if _need_link(ctx):
        return
    data = ctx.session.data
    if ctx.choice == "c:book":
        _offer_slots(ctx)
    elif ctx.choice.startswith("c:s:"):
        key = ctx.choice.removeprefix("c:s:")
        if key not in (data.get("offered") or []):
            _offer_slots(ctx)
            return
        _book(ctx, key)
    elif ctx.choice.startswith("c:cancel:"):
        booking_id = ctx.choice.removeprefix("c:cancel:")
        booking = (
            booking_list(user=ctx.user, status=Booking.Status.BOOKED)
            .filter(patient=ctx.user, pk=int(booking_id) if booking_id.isdigit() else 0)
            .first()
        )
        if booking is None:
            start(ctx)
            return
        ctx.goto(FLOW, "confirm", {"booking": booking.pk})
        ctx.say(
            ctx.t("consult_cancel_confirm", when=_when(ctx, booking.start)),
            [
                choice(f"c:cx:{booking.pk}", ctx.t("yes")),
                choice("menu", ctx.t("no")),
            ],
        )
    elif ctx.choice.startswith("c:cx:") and ctx.session.step == "confirm":
        booking_id = data.get("booking")
        if ctx.choice != f"c:cx:{booking_id}":
            start(ctx)
            return
        booking = booking_cancel(booking_id=booking_id, user=ctx.user)
        ctx.end()
        ctx.say(
            ctx.t("consult_cancelled", when=_when(ctx, booking.start)),
            [choice("c:book", ctx.t("consult_book")), ctx.menu_choice()],
        )
        ctx.goto(FLOW, "menu")
    else:
        start(ctx)


def _book(ctx: Ctx, key: str) -> None:
    doctor_id, stamp = key.split(":")
    start_at = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)
    try:
        booking, _ = booking_create(
            patient=ctx.user, doctor_id=int(doctor_id), start=start_at
        )
    except ApplicationError as exc:
        if exc.code in OWN_CONFLICTS:
            # Not the slot's fault: the message names the person's own bookings.
            ctx.end()
            ctx.say(exc.message, [ctx.menu_choice()])
            return
        if exc.status == 409 or exc.code in GONE:
            ctx.say(ctx.t("consult_gone"))
            _offer_slots(ctx)
            return
        raise
    ctx.end()
    ctx.say(
        ctx.t(
            "consult_booked",
            when=_when(ctx, booking.start),
            doctor=booking.doctor.full_name,
            facility=booking.facility.name,
        ),
        [ctx.menu_choice()],
    )
