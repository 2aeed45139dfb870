"""Minta bantuan PSC 119: a linked resident in a critical state (critical self-check
or danger check-in in the last 24 h) agrees to share their location and recent
health data; the escalation goes to their kab/kota's PSC through the same service
as the app."""

from __future__ import annotations

from django.utils import translation

from chatbot.conversation.flows.base import Ctx, choice
from core.exceptions import ApplicationError
from core.models import Escalation
from core.psc.content import status_label
from core.psc.services import escalation_create_by_resident

FLOW = "psc"


def start(ctx: Ctx) -> None:
    # A linked account is enough: the request asks its own consent below, and a
    # withdrawn general consent must not close the emergency channel
    # (docs/privacy.md, "PSC 119").
    if ctx.user is None:
        ctx.end()
        ctx.say(ctx.t("psc_need_link"), [ctx.menu_choice()])
        return
    ctx.goto(FLOW, "consent")
    ctx.say(
        ctx.t("psc_consent"),
        [
            choice("psc:yes", ctx.t("psc_agree")),
            choice("psc:no", ctx.t("no")),
            ctx.menu_choice(),
        ],
    )


def step(ctx: Ctx) -> None:
    step = ctx.session.step
    if step == "consent":
        if ctx.choice == "psc:yes":
            ctx.goto(FLOW, "location", {"consent": True})
            ctx.say(
                ctx.t("psc_location"),
                [choice("psc:skip", ctx.t("psc_no_location")), ctx.menu_choice()],
                request_location=True,
            )
            return
        if ctx.choice == "psc:no":
            ctx.end()
            ctx.say(ctx.t("psc_declined"), [ctx.menu_choice()])
            return
        start(ctx)
        return
    if step == "location":
        if ctx.inbound.location is not None:
            lat, lng = ctx.inbound.location
            _send(ctx, lat=float(lat), lng=float(lng))
            return
        if ctx.choice == "psc:skip":
            _send(ctx, lat=None, lng=None)
            return
        ctx.say(
            ctx.t("psc_location"),
            [choice("psc:skip", ctx.t("psc_no_location")), ctx.menu_choice()],
            request_location=True,
        )
        return
    start(ctx)


def _send(ctx: Ctx, *, lat: float | None, lng: float | None) -> None:
    if not ctx.session.data.get("consent"):
        start(ctx)
        return
    try:
        # The service's refusals (a point outside Indonesia, no reason to ask) in
        # the chat's language.
        with translation.override(ctx.lang):
            escalation, created = escalation_create_by_resident(
                resident=ctx.user,
                consent=True,
                lat=lat,
                lng=lng,
                source=Escalation.Source.CHATBOT,
            )
    except ApplicationError as exc:
        ctx.end()
        ctx.say(ctx.t("psc_refused", message=exc.message), [ctx.menu_choice()])
        return
    ctx.end()
    ctx.say(
        ctx.t(
            "psc_sent" if created else "psc_already",
            id=escalation.pk,
            region=escalation.region.name,
            status=status_label(escalation.status, ctx.lang),
        ),
        [choice("m:hospitals", ctx.t("m_hospitals")), ctx.menu_choice()],
    )
