"""Cari rumah sakit: a shared location or a typed place -> the three nearest
hospitals with free beds (the same search as GET /api/v1/facilities/beds)."""

from __future__ import annotations

from django.utils import timezone

from chatbot.conversation.flows.base import Ctx, choice, left_for_question
from core.areas.selectors import area_search
from core.beds.selectors import beds_search, region_point
from core.exceptions import ApplicationError
from core.models import Region

FLOW = "hospitals"
SHOWN = 3
KIND_SHORT = {
    "icu_ventilator": "ICU+ventilator",
    "icu": "ICU",
    "hcu": "HCU",
    "isolation_negative": "Isolasi tek. negatif",
    "isolation": "Isolasi",
    "igd": "IGD",
}


def start(ctx: Ctx) -> None:
    ctx.goto(FLOW, "ask")
    ctx.say(ctx.t("rs_ask"), [ctx.menu_choice()], request_location=True)


def step(ctx: Ctx) -> None:
    if ctx.inbound.location is not None:
        lat, lng = ctx.inbound.location
        _show(ctx, origin=(float(lat), float(lng)), area=None, place="")
        return
    if ctx.choice == "rs:again":
        start(ctx)
        return
    if ctx.text:
        _by_name(ctx, ctx.text)
        return
    ctx.say(ctx.t("rs_ask"), [ctx.menu_choice()], request_location=True)


def _by_name(ctx: Ctx, query: str) -> None:
    try:
        found = area_search(q=query, limit=5)
    except ApplicationError:
        found = []
    exact = [f for f in found if f["match"] == "exact"]
    # A question typed instead of a place ("apa gejala covid") is answered as one.
    if not exact and left_for_question(ctx, query):
        return
    if not found:
        ctx.say(
            ctx.t("zone_none", q=query[:40]), [ctx.menu_choice()], request_location=True
        )
        return
    region = Region.objects.filter(code=(exact or found)[0]["code"]).first()
    # From the place's point when it has one; else the hospitals of the place, then
    # of its kabupaten/kota and province.
    point = region_point(region)
    if point is not None:
        _show(ctx, origin=point, area=None, place=region.display_name)
        return
    codes = [region.code, *reversed(region.ancestor_codes())]
    for code in codes:
        if beds_search(origin=None, area=code):
            _show(ctx, origin=None, area=code, place=region.display_name)
            return
    _show(ctx, origin=None, area=region.code, place=region.display_name)


def _show(ctx: Ctx, *, origin, area: str | None, place: str) -> None:
    now = timezone.now()
    rows = beds_search(origin=origin, area=area, now=now)[:SHOWN]
    ctx.goto(FLOW, "shown")
    again = [choice("rs:again", ctx.t("rs_again")), ctx.menu_choice()]
    if not rows:
        ctx.say(ctx.t("rs_none"), again)
        return
    lines = [ctx.t("rs_header", place=place) if place else ctx.t("rs_header_here")]
    for i, h in enumerate(rows, 1):
        distance = (
            f" — {h['distance_km']:.1f} km" if h["distance_km"] is not None else ""
        )
        beds = ", ".join(
            f"{KIND_SHORT.get(k, k)} {v['free']}/{v['total']}"
            for k, v in h["beds"].items()
            if v["free"] > 0
        )
        updated = timezone.localtime(h["updated_at"]).strftime("%d-%m %H:%M")
        stale = " " + ctx.t("rs_stale") if h["stale"] else ""
        phone = f"\n   ☎ {h['phone']}" if h["phone"] else ""
        lines.append(
            f"{i}. {h['name']}{distance}\n   {ctx.t('rs_free')}: {beds}\n"
            f"   {ctx.t('rs_updated')} {updated}{stale}{phone}"
        )
    lines.append(ctx.t("rs_footer"))
    ctx.say("\n\n".join(lines), again)
