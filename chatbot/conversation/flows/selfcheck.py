"""Cek gejala: the questionnaire in force (the same data the API serves), one
question at a time, judged by the same service as the app.

Privacy: a linked resident who gave health-data consent gets the assessment stored
under their account; anyone else (unlinked chat, or no consent yet) is submitted
exactly like the app's anonymous self-check: judged and stored without any identity
(no user, no chat id), so nothing links the answers to the person."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation

from chatbot.conversation.flows.base import Ctx, choice
from chatbot.conversation.rules import number_with_unit
from core.areas.selectors import area_search
from core.exceptions import ApplicationError
from core.i18n import pick
from core.models import Region
from core.selectors import user_has_consent
from selfcheck import rules as selfcheck_rules
from selfcheck.api.serializers import AssessmentOutputSerializer
from selfcheck.selectors import questionnaire_in_force
from selfcheck.services import assessment_submit

FLOW = "selfcheck"
_NUMBERS = re.compile(r"\d+")
NONE_WORDS = {"tidak", "tidak ada", "none", "no", "nothing", "tdk", "gak ada", "ga ada"}
YES_WORDS = {"ya", "iya", "y", "yes", "benar"}
NO_WORDS = {"tidak", "tdk", "no", "n", "bukan", "enggak", "nggak", "gak"}


def start(ctx: Ctx) -> None:
    questionnaire = questionnaire_in_force()
    ctx.goto(
        FLOW,
        "q",
        {
            "v": questionnaire["version"],
            "i": 0,
            "a": {},
            "sel": [],
            "k": str(uuid.uuid4()),
        },
    )
    ctx.say(
        ctx.t(
            "sc_intro",
            title=pick(questionnaire["title"], ctx.lang),
            intro=pick(questionnaire["intro"], ctx.lang),
        )
    )
    _ask(ctx, questionnaire)


def step(ctx: Ctx) -> None:
    questionnaire = questionnaire_in_force()
    data = ctx.session.data
    if data.get("v") != questionnaire["version"]:
        ctx.say(ctx.t("sc_restart"))
        start(ctx)
        return
    question = questionnaire["questions"][data["i"]]
    handler = _ANSWER[question["type"]]
    if handler(ctx, question):
        _next(ctx, questionnaire)


# --- asking ------------------------------------------------------------------------


def _header(ctx: Ctx, questionnaire: dict, question: dict) -> str:
    n, total = ctx.session.data["i"] + 1, len(questionnaire["questions"])
    text = f"({n}/{total}) {pick(question['label'], ctx.lang)}"
    if question.get("help"):
        text += f"\n{pick(question['help'], ctx.lang)}"
    return text


def _unit(ctx: Ctx, question: dict) -> str:
    unit = pick(question.get("unit") or {}, ctx.lang)
    return f" {unit}" if unit else ""


def _skip(ctx: Ctx, question: dict) -> list:
    return [] if question.get("required") else [choice("sc:skip", ctx.t("skip"))]


def _ask(ctx: Ctx, questionnaire: dict) -> None:
    question = questionnaire["questions"][ctx.session.data["i"]]
    header = _header(ctx, questionnaire, question)
    kind = question["type"]
    if kind in ("integer", "decimal"):
        hint = ctx.t(
            "sc_number",
            min=question["min"],
            max=question["max"],
            unit=_unit(ctx, question),
        )
        ctx.say(f"{header}\n{hint}", _skip(ctx, question))
    elif kind == "single_choice":
        options = question["options"]
        ctx.say(
            f"{header}\n{_numbered(ctx, options)}\n{ctx.t('sc_pick')}",
            [
                choice(f"sc:o:{i}", pick(o["label"], ctx.lang))
                for i, o in enumerate(options)
            ],
        )
    elif kind == "multi_choice":
        selected = set(ctx.session.data.get("sel") or [])
        options = question["options"]
        text = f"{header}\n{_numbered(ctx, options, selected)}\n{ctx.t('sc_multi')}"
        if selected:
            names = [
                pick(o["label"], ctx.lang) for o in options if o["value"] in selected
            ]
            text += "\n" + ctx.t("sc_selected", items=", ".join(names))
        choices = [
            choice(
                f"sc:o:{i}",
                ("✓ " if o["value"] in selected else "") + pick(o["label"], ctx.lang),
            )
            for i, o in enumerate(options)
        ]
        choices.append(
            choice(
                "sc:done" if selected else "sc:none",
                ctx.t("done" if selected else "none"),
            )
        )
        ctx.say(text, choices)
    elif kind == "boolean":
        ctx.say(
            header,
            [choice("sc:o:yes", ctx.t("yes")), choice("sc:o:no", ctx.t("no"))]
            + _skip(ctx, question),
        )
    elif kind == "region":
        ctx.say(f"{header}\n{ctx.t('sc_region')}", _skip(ctx, question))


def _numbered(ctx: Ctx, options: list, selected: set | None = None) -> str:
    selected = selected or set()
    return "\n".join(
        f"{i}. {'✓ ' if o['value'] in selected else ''}{pick(o['label'], ctx.lang)}"
        for i, o in enumerate(options, start=1)
    )


def _next(ctx: Ctx, questionnaire: dict) -> None:
    data = ctx.session.data
    data["i"] += 1
    data["sel"] = []
    data.pop("regions", None)
    if data["i"] >= len(questionnaire["questions"]):
        _finish(ctx)
    else:
        _ask(ctx, questionnaire)


def _reask(ctx: Ctx, message: str) -> bool:
    ctx.say(message)
    _ask(ctx, questionnaire_in_force())
    return False


# --- answers (True = answered, go on) ------------------------------------------------


def _skipped(ctx: Ctx, question: dict) -> bool:
    if ctx.choice == "sc:skip" or ctx.text.lower() in ("lewati", "skip", "-"):
        if not question.get("required"):
            ctx.session.data["a"].pop(question["key"], None)
            return True
    return False


def _number(ctx: Ctx, question: dict) -> bool:
    if _skipped(ctx, question):
        return True
    units = tuple((question.get("unit") or {}).values())
    raw = number_with_unit(ctx.text, units) or ctx.text.replace(",", ".").strip()
    unit = _unit(ctx, question)
    invalid = ctx.t(
        "sc_number_invalid", min=question["min"], max=question["max"], unit=unit
    )
    try:
        value = Decimal(raw)
    except (InvalidOperation, ValueError):
        return _reask(ctx, invalid)
    if not value.is_finite() or not question["min"] <= value <= question["max"]:
        return _reask(ctx, invalid)
    if question["type"] == "integer":
        if value != value.to_integral_value():
            return _reask(ctx, invalid)
        ctx.session.data["a"][question["key"]] = int(value)
    else:
        step = Decimal(str(question.get("step") or "0.1"))
        if value != value.quantize(step):
            return _reask(ctx, invalid)
        ctx.session.data["a"][question["key"]] = str(value.quantize(step))
    return True


def _option_index(ctx: Ctx, options: list) -> int | None:
    if ctx.choice.startswith("sc:o:"):
        raw = ctx.choice.removeprefix("sc:o:")
    else:
        raw = ctx.text
    if raw.isdigit() and ctx.choice:
        index = int(raw)
    elif raw.isdigit():
        index = int(raw) - 1
    else:
        folded = raw.lower()
        labels = [
            {v.lower() for v in o["label"].values()} | {o["value"]} for o in options
        ]
        index = next((i for i, names in enumerate(labels) if folded in names), -1)
    return index if 0 <= index < len(options) else None


def _single(ctx: Ctx, question: dict) -> bool:
    if _skipped(ctx, question):
        return True
    index = _option_index(ctx, question["options"])
    if index is None:
        return _reask(ctx, ctx.t("sc_pick_invalid"))
    ctx.session.data["a"][question["key"]] = question["options"][index]["value"]
    return True


def _multi(ctx: Ctx, question: dict) -> bool:
    data, options = ctx.session.data, question["options"]
    key = question["key"]
    if ctx.choice == "sc:none" or ctx.text.lower() in NONE_WORDS:
        data["a"][key] = []
        return True
    if ctx.choice == "sc:done" or ctx.text.lower() in ("selesai", "done"):
        data["a"][key] = list(data.get("sel") or [])
        return True
    if ctx.choice.startswith("sc:o:"):
        index = _option_index(ctx, options)
        if index is None:
            return _reask(ctx, ctx.t("sc_pick_invalid"))
        selected = list(data.get("sel") or [])
        value = options[index]["value"]
        selected.remove(value) if value in selected else selected.append(value)
        data["sel"] = selected
        _ask(ctx, questionnaire_in_force())
        return False
    numbers = [int(n) for n in _NUMBERS.findall(ctx.text)]
    if numbers and all(1 <= n <= len(options) for n in numbers):
        data["a"][key] = sorted({options[n - 1]["value"] for n in numbers})
        return True
    return _reask(ctx, ctx.t("sc_pick_invalid"))


def _boolean(ctx: Ctx, question: dict) -> bool:
    if _skipped(ctx, question):
        return True
    word = ctx.choice.removeprefix("sc:o:") if ctx.choice else ctx.text.lower()
    if word in YES_WORDS or word == "yes":
        ctx.session.data["a"][question["key"]] = True
    elif word in NO_WORDS or word == "no":
        ctx.session.data["a"][question["key"]] = False
    else:
        return _reask(ctx, ctx.t("sc_pick_invalid"))
    return True


def _region(ctx: Ctx, question: dict) -> bool:
    if _skipped(ctx, question):
        return True
    data = ctx.session.data
    if ctx.choice.startswith("sc:r:"):
        code = ctx.choice.removeprefix("sc:r:")
        if code in (data.get("regions") or []):
            data["a"][question["key"]] = code
            return True
        return _reask(ctx, ctx.t("sc_pick_invalid"))
    query = ctx.text
    try:
        found = area_search(q=query, level=Region.Level.DISTRICT, limit=5)
    except ApplicationError:
        found = []
    if not found:
        return _reask(ctx, ctx.t("sc_region_none", q=query[:40]))
    if len(found) == 1 or found[0]["match"] == "exact" != found[1]["match"]:
        data["a"][question["key"]] = found[0]["code"]
        return True
    data["regions"] = [f["code"] for f in found]
    ctx.say(
        ctx.t("sc_region_pick"),
        [
            choice(
                f"sc:r:{f['code']}",
                f["display_name"],
                ", ".join(p["name"] for p in f["parents"]),
            )
            for f in found
        ]
        + [choice("sc:skip", ctx.t("skip"))],
    )
    return False


_ANSWER = {
    "integer": _number,
    "decimal": _number,
    "single_choice": _single,
    "multi_choice": _multi,
    "boolean": _boolean,
    "region": _region,
}


# --- result -------------------------------------------------------------------------


def _has_consent(user) -> bool:
    return bool(user) and user_has_consent(user)


def _finish(ctx: Ctx) -> None:
    data = ctx.session.data
    answers = {
        k: v
        for k, v in data["a"].items()
        if k in selfcheck_rules.ANSWER_FIELDS and v is not None
    }
    owner = ctx.user if _has_consent(ctx.user) else None
    assessment, _ = assessment_submit(
        actor=owner,
        answers=answers,
        client_key=uuid.UUID(data["k"]),
        district_code=data["a"].get("district_code") or None,
        language=ctx.lang,
    )
    ctx.end()
    out = AssessmentOutputSerializer(assessment, context={"lang": ctx.lang}).data
    reasons = "\n".join(f"- {r['text']}" for r in out["reasons"])
    text = ctx.t(
        "sc_result", label=out["risk_label"], reasons=reasons, advice=out["advice"]
    )
    steps = _steps(out["next_steps"])
    if steps:
        text += "\n\n" + steps
    text += "\n\n" + ctx.t("sc_stored" if owner else "sc_not_stored")
    choices = []
    kinds = {s["kind"] for s in out["next_steps"]}
    if "emergency_call" in kinds and owner is not None:
        choices.append(choice("m:psc", ctx.t("m_psc")))
    if "teleconsult" in kinds:
        choices.append(choice("m:consult", ctx.t("m_consult")))
    choices.append(ctx.menu_choice())
    ctx.say(text, choices)


def _steps(steps: list[dict]) -> str:
    lines = []
    for s in steps:
        if s["kind"] == "emergency_call":
            lines.append(f"- {s['label']}: {s['phone']}")
        elif s["kind"] == "referral_hospital":
            facility = s["facility"]
            phone = f" ({facility['phone']})" if facility.get("phone") else ""
            free = facility.get("free_needed")
            beds = f", {free} TT kosong" if free else ""
            lines.append(f"- {s['label']}: {facility['name']}{phone}{beds}")
        else:
            lines.append(f"- {s['label']}")
    return "\n".join(lines)
