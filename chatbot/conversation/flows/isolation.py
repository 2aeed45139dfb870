"""Isolasi: a linked resident reports today's check-in in chat, through the same
service as the app (so danger signs raise the same alert)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from chatbot.conversation.flows.base import Ctx, choice
from chatbot.conversation.rules import number_with_unit
from core.exceptions import ApplicationError, PermissionDenied
from core.i18n import pick
from isolation import content as iso_content
from isolation import rules as iso_rules
from isolation.models import Isolation
from isolation.selectors import isolation_current_for_patient
from isolation.services.checkins import checkin_submit

FLOW = "isolation"


def _active(ctx: Ctx) -> Isolation | None:
    try:
        isolation = isolation_current_for_patient(patient=ctx.user)
    except ApplicationError:
        return None
    return isolation if isolation.status == Isolation.Status.ACTIVE else None


def _slot_label(ctx: Ctx, slot: iso_rules.Slot, tz) -> str:
    name = pick(iso_content.SLOT_LABELS[slot.slot], ctx.lang)
    until = slot.expected_by(tz).strftime("%H:%M")
    by = "sebelum" if ctx.lang == "id" else "by"
    return f"{name} {slot.day.strftime('%d-%m')} ({by} {until})"


def _status(ctx: Ctx, isolation: Isolation, next_slot: iso_rules.Slot) -> str:
    day, days = iso_rules.day_of(
        start_date=isolation.start_date,
        end_date=isolation.estimated_end,
        today=isolation.local_today(),
    )
    return ctx.t(
        "iso_status",
        day=day,
        days=days,
        facility=isolation.facility.name,
        slot=_slot_label(ctx, next_slot, isolation.tz),
    )


def start(ctx: Ctx) -> None:
    if ctx.user is None:
        ctx.end()
        ctx.say(ctx.t("need_link"), [choice("m:link", ctx.t("m_link"))])
        return
    isolation = _active(ctx)
    if isolation is None:
        ctx.end()
        ctx.say(ctx.t("iso_none"), [ctx.menu_choice()])
        return
    slot = iso_rules.slot_for(timezone.now(), isolation.tz)
    ctx.say(_status(ctx, isolation, slot))
    ctx.goto(
        FLOW,
        "symptoms",
        {"day": slot.day.isoformat(), "slot": slot.slot, "sel": []},
    )
    _ask(ctx)


def _options(kind: str) -> list[str]:
    return list(iso_rules.SYMPTOMS if kind == "symptoms" else iso_rules.DANGER_SIGNS)


def _labels(kind: str) -> dict:
    return (
        iso_content.SYMPTOM_LABELS if kind == "symptoms" else iso_content.DANGER_LABELS
    )


def _ask(ctx: Ctx) -> None:
    step = ctx.session.step
    data = ctx.session.data
    slot_name = pick(iso_content.SLOT_LABELS[data["slot"]], ctx.lang)
    if step in ("symptoms", "danger"):
        selected = set(data.get("sel") or [])
        labels = _labels(step)
        choices = [
            choice(
                f"i:o:{value}",
                ("✓ " if value in selected else "") + pick(labels[value], ctx.lang),
            )
            for value in _options(step)
        ]
        choices.append(
            choice("i:done", ctx.t("done"))
            if selected
            else choice("i:none", ctx.t("none"))
        )
        key = "iso_symptoms" if step == "symptoms" else "iso_danger"
        text = ctx.t(key, slot=slot_name)
        if selected:
            names = [pick(labels[v], ctx.lang) for v in _options(step) if v in selected]
            text += "\n" + ctx.t("sc_selected", items=", ".join(names))
        ctx.say(text, choices)
    elif step == "temperature":
        ctx.say(ctx.t("iso_temperature"), [choice("i:skip", ctx.t("skip"))])
    elif step == "spo2":
        ctx.say(ctx.t("iso_spo2"), [choice("i:skip", ctx.t("skip"))])


def step(ctx: Ctx) -> None:
    if ctx.user is None:
        ctx.end()
        ctx.say(ctx.t("need_link"), [choice("m:link", ctx.t("m_link"))])
        return
    data, current = ctx.session.data, ctx.session.step
    skip = ctx.choice == "i:skip" or ctx.text.lower() in ("lewati", "skip", "-")
    if current in ("symptoms", "danger"):
        allowed = _options(current)
        if ctx.choice.startswith("i:o:") and ctx.choice[4:] in allowed:
            value = ctx.choice[4:]
            selected = list(data.get("sel") or [])
            selected.remove(value) if value in selected else selected.append(value)
            data["sel"] = selected
            _ask(ctx)
            return
        if ctx.choice in ("i:none", "i:done") or ctx.text.lower() in (
            "tidak",
            "tidak ada",
            "none",
            "selesai",
            "done",
        ):
            data[current] = [] if ctx.choice == "i:none" else list(data["sel"])
            data["sel"] = []
            ctx.session.step = "danger" if current == "symptoms" else "temperature"
            _ask(ctx)
            return
        ctx.say(ctx.t("sc_pick_invalid"))
        _ask(ctx)
        return
    if current == "temperature":
        if skip:
            data["temperature"] = None
        else:
            value = _decimal(ctx.text)
            low, high = iso_rules.TEMPERATURE_RANGE
            if value is None or not low <= value <= high:
                ctx.say(ctx.t("iso_temperature_invalid"))
                _ask(ctx)
                return
            data["temperature"] = str(value.quantize(Decimal("0.1")))
        ctx.session.step = "spo2"
        _ask(ctx)
        return
    if current == "spo2":
        if skip:
            data["spo2"] = None
        else:
            raw = number_with_unit(ctx.text, ("%",)) or ""
            low, high = iso_rules.SPO2_RANGE
            if not raw.isdigit() or not low <= int(raw) <= high:
                ctx.say(ctx.t("iso_spo2_invalid"))
                _ask(ctx)
                return
            data["spo2"] = int(raw)
        _submit(ctx)
        return
    start(ctx)


def _decimal(raw: str) -> Decimal | None:
    number = number_with_unit(raw, ("°C",))
    if number is None:
        return None
    try:
        value = Decimal(number)
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def client_id(channel: str, chat_id: str, day: str, slot: str, report: dict) -> str:
    """One id per chat, slot and report: the same answers sent again (a retried
    webhook, a repeated conversation) are the same report; other answers in the same
    slot are a new one, stored and judged (a later danger sign must alert), never
    dropped as a repeat."""
    digest = hashlib.sha256(f"{channel}:{chat_id}".encode()).hexdigest()[:20]
    answers = json.dumps(report, sort_keys=True, default=str)
    report_digest = hashlib.sha256(answers.encode()).hexdigest()[:12]
    return f"chat-{digest}-{day}-{slot}-{report_digest}"


def _submit(ctx: Ctx) -> None:
    data = ctx.session.data
    temperature = data.get("temperature")
    report = {
        "temperature": Decimal(temperature) if temperature else None,
        "spo2": data.get("spo2"),
        "symptoms": sorted(set(data.get("symptoms") or [])),
        "danger_signs": sorted(set(data.get("danger") or [])),
    }
    try:
        checkin, created = checkin_submit(
            patient=ctx.user,
            client_id=client_id(
                ctx.inbound.channel,
                ctx.inbound.chat_id,
                data["day"],
                data["slot"],
                report,
            ),
            **report,
        )
    except PermissionDenied as exc:  # consent withdrawn: nothing stored
        ctx.end()
        ctx.say(exc.message, [ctx.menu_choice()])
        return
    ctx.end()
    isolation = checkin.isolation
    slot_name = pick(iso_content.SLOT_LABELS[data["slot"]], ctx.lang)
    lines = [ctx.t("iso_saved" if created else "iso_already", slot=slot_name)]
    reasons = iso_rules.danger_reasons(
        spo2=checkin.spo2,
        breathing_rate=checkin.breathing_rate,
        danger_signs=checkin.danger_signs,
    )
    if checkin.danger and reasons:
        names = ", ".join(
            pick(iso_content.DANGER_LABELS.get(r, {"id": r}), ctx.lang) for r in reasons
        )
        lines.append(ctx.t("iso_alert", reasons=names))
    isolation.refresh_from_db()
    next_slot = iso_rules.Slot(checkin.slot_date, checkin.slot).next()
    lines.append(_status(ctx, isolation, next_slot))
    choices = [ctx.menu_choice()]
    if checkin.danger:
        choices.insert(0, choice("m:psc", ctx.t("m_psc")))
    ctx.say("\n\n".join(lines), choices)
