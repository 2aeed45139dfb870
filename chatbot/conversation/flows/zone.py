"""Zona risiko: a typed place name (with "did you mean") or a shared location →
the area, its parents, its zone with the rule's explanation and the figures; then
an offer to subscribe to the area's announcements."""

from __future__ import annotations

from chatbot.conversation.flows.base import Ctx, choice, left_for_question
from chatbot.conversation.services import subscription_set
from core.areas.selectors import (
    area_locate,
    area_search,
    area_state,
    region_find,
    region_parents,
)
from core.exceptions import ApplicationError

FLOW = "zone"
SUBSCRIBABLE = ("telegram", "whatsapp")
SHOWN_FIGURES = ("new_confirmed", "active_confirmed", "isolating", "deaths")


def start(ctx: Ctx) -> None:
    ctx.goto(FLOW, "ask")
    ctx.say(ctx.t("zone_ask"), [ctx.menu_choice()], request_location=True)


def subscribe_start(ctx: Ctx, place: str) -> None:
    """ "langganan [wilayah]": the place's zone answer, which carries the
    "Langganan info" button; without a place, the question for one."""
    if ctx.inbound.channel not in SUBSCRIBABLE:
        ctx.say(ctx.t("zone_subscribe_elsewhere"), [ctx.menu_choice()])
        return
    if place:
        by_name(ctx, place)
        return
    ctx.goto(FLOW, "ask")
    ctx.say(ctx.t("zone_subscribe_ask"), [ctx.menu_choice()], request_location=True)


def step(ctx: Ctx) -> None:
    if ctx.inbound.location is not None:
        by_location(ctx)
        return
    data = ctx.session.data
    if ctx.choice.startswith("z:a:"):
        code = ctx.choice.removeprefix("z:a:")
        if code in (data.get("options") or []):
            _show(ctx, code)
            return
    if ctx.choice.startswith("z:sub:"):
        _subscribe(ctx, ctx.choice.removeprefix("z:sub:"))
        return
    if ctx.choice == "z:again":
        start(ctx)
        return
    if ctx.text:
        by_name(ctx, ctx.text)
        return
    ctx.say(ctx.t("zone_ask"), [ctx.menu_choice()], request_location=True)


def by_name(ctx: Ctx, query: str) -> None:
    ctx.goto(FLOW, "ask")
    try:
        found = area_search(q=query, limit=5)
    except ApplicationError:
        if not left_for_question(ctx, query):
            ctx.say(ctx.t("zone_short"), [ctx.menu_choice()], request_location=True)
        return
    exact = [f for f in found if f["match"] == "exact"]
    # A question typed instead of a place ("apa gejala covid") is answered as one.
    if not exact and left_for_question(ctx, query):
        return
    if not found:
        ctx.say(
            ctx.t("zone_none", q=query[:40]), [ctx.menu_choice()], request_location=True
        )
        return
    if len(found) == 1 or len(exact) == 1:
        _show(ctx, (exact or found)[0]["code"])
        return
    ctx.session.data["options"] = [f["code"] for f in found]
    ctx.say(
        ctx.t("zone_pick"),
        [
            choice(
                f"z:a:{f['code']}",
                f["display_name"],
                ", ".join(p["name"] for p in f["parents"]),
            )
            for f in found
        ]
        + [ctx.menu_choice()],
    )


def by_location(ctx: Ctx) -> None:
    ctx.goto(FLOW, "ask")
    lat, lng = ctx.inbound.location
    try:
        hit = area_locate(lat=float(lat), lng=float(lng))
    except ApplicationError as exc:
        ctx.say(
            ctx.t("zone_location_error", message=exc.message),
            [ctx.menu_choice()],
            request_location=True,
        )
        return
    _show(ctx, hit.code, approximate=hit.approximate)


def _show(ctx: Ctx, code: str, *, approximate: bool = False) -> None:
    region = region_find(code)
    if region is None:
        ctx.say(ctx.t("zone_none", q=code), [ctx.menu_choice()])
        return
    state = area_state(region, lang=ctx.lang)
    parents = ", ".join(p.display_name for p in region_parents(region))
    zone = state["zone"]
    figures = ", ".join(
        f"{state['figures'].get(f, 0)} {ctx.t('fig_' + f)}" for f in SHOWN_FIGURES
    )
    text = ctx.t(
        "zone_result",
        name=region.display_name,
        parents=parents,
        zone=zone["label"] if zone else "-",
        explanation=zone["explanation"] if zone else ctx.t("zone_unknown"),
        date=state["date"].strftime("%d-%m-%Y"),
        figures=figures,
    )
    if approximate:
        text += "\n" + ctx.t("zone_approx")
    ctx.goto(FLOW, "shown", {"code": region.code})
    choices = []
    if ctx.inbound.channel in SUBSCRIBABLE:
        choices.append(choice(f"z:sub:{region.code}", ctx.t("zone_subscribe")))
    choices += [choice("z:again", ctx.t("zone_another")), ctx.menu_choice()]
    ctx.say(text, choices)


def _subscribe(ctx: Ctx, code: str) -> None:
    region = region_find(code)
    if region is None or ctx.inbound.channel not in SUBSCRIBABLE:
        ctx.say(ctx.t("zone_ask"), [ctx.menu_choice()], request_location=True)
        return
    subscription_set(
        channel=ctx.inbound.channel,
        chat_id=ctx.inbound.chat_id,
        region=region,
        language=ctx.lang,
    )
    ctx.end()
    ctx.say(ctx.t("zone_subscribed", name=region.display_name), [ctx.menu_choice()])
