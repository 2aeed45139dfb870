"""Engine replies -> platform messages (pure). One Reply may become several messages.

Telegram text is sent without parse_mode, so nothing the engine writes can break
Markdown; its buttons show the whole title and a disambiguating description
(<= 60 characters). WhatsApp gets reply buttons (<= 3, titles <= 20, no description
needed), lists (<= 10 rows, titles <= 24, descriptions <= 72) or a location request
where they fit, plain text otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from chatbot.channels.rules import split_text
from chatbot.conversation.types import Choice, Reply

TELEGRAM_TEXT_LIMIT = 4096
# Telegram has no short title limit for buttons, but a phone shows about this much of
# a full-width button before cutting it itself.
TELEGRAM_BUTTON_TEXT = 60
WHATSAPP_TEXT_LIMIT = 4096
WHATSAPP_BODY_LIMIT = 1024  # interactive message body
LOCATION_LABEL = "📍 Kirim lokasi / Share location"
LIST_BUTTON_DEFAULT = "Pilih / Choose"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _repeats(description: str, title: str) -> bool:
    """Whether a description only repeats the title (a cut title's whole text)."""
    return not description or title.startswith(description.removesuffix("…").rstrip())


def _telegram_button_text(c: Choice) -> str:
    """The whole title, and the description that tells alike titles apart
    ("Tembalang · Kota Semarang, Jawa Tengah")."""
    title = c.long_title or c.title
    text = title if _repeats(c.description, title) else f"{title} · {c.description}"
    return _cut(text, TELEGRAM_BUTTON_TEXT)


@dataclass(frozen=True)
class TelegramContext:
    """What the Telegram messages answering one update share."""

    # The forum topic the update came from (message_thread_id): replies stay in it.
    thread_id: int | None = None
    # The "share location" reply keyboard is still up and this answer leaves the
    # step that asked for it: the first message takes it away.
    remove_location_keyboard: bool = False
    # (user id, first name) of the group member who tapped a button: the answer,
    # posted for the whole group, names them.
    mention: tuple[int, str] | None = None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def telegram_adjust(messages: list[dict], context: TelegramContext) -> list[dict]:
    """One update's rendered messages, adjusted to where and to whom they go."""
    messages = [dict(m) for m in messages]
    if not messages:
        return messages
    if context.remove_location_keyboard:
        free = next(
            (
                m
                for m in messages
                if not m.get("inline_keyboard") and not m.get("location_button")
            ),
            None,
        )
        if free is None:
            # A message carries one keyboard: the text takes the reply keyboard
            # away, its buttons follow under a short label.
            first = messages[0]
            buttons = {
                "method": "sendMessage",
                "text": LIST_BUTTON_DEFAULT,
                "inline_keyboard": first.pop("inline_keyboard"),
            }
            messages.insert(1, buttons)
            free = first
        free["remove_keyboard"] = True
    if context.mention is not None:
        user_id, name = context.mention
        name = " ".join(name.split())[:40] or "…"
        first = messages[0]
        first["text"] = f"{name}: {first['text']}"[:TELEGRAM_TEXT_LIMIT]
        first["mention"] = {
            "user_id": user_id,
            "name": name,
            "length": _utf16_len(name),
        }
    if context.thread_id is not None:
        for m in messages:
            m["message_thread_id"] = context.thread_id
    return messages


def render_telegram(reply: Reply) -> list[dict]:
    parts = split_text(reply.text, TELEGRAM_TEXT_LIMIT)
    messages = [{"method": "sendMessage", "text": p} for p in parts]
    last = messages[-1]
    if reply.choices:
        last["inline_keyboard"] = [
            [{"text": _telegram_button_text(c), "callback_data": c.id}]
            for c in reply.choices
        ]
    if reply.request_location:
        button = {"method": "sendMessage", "location_button": LOCATION_LABEL}
        if reply.choices:
            # A message carries one keyboard: the location button gets its own.
            button["text"] = LOCATION_LABEL
            messages.append(button)
        else:
            last.update(button)
    if reply.numbered:
        # Not sent (the client reads only its own keys): once sent, the outbox
        # remembers each message's id with them, for a reply quoting it with a number.
        numbered = [c.id for c in reply.choices[: reply.numbered]]
        for m in messages:
            m["_numbered"] = numbered
    return messages


def _wa_text(body: str) -> dict:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def _wa_buttons(body: str, choices: tuple[Choice, ...]) -> dict:
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": c.id, "title": c.title}}
                    for c in choices
                ]
            },
        },
    }


def _wa_list(body: str, choices: tuple[Choice, ...], button: str) -> dict:
    rows = []
    for c in choices:
        row = {"id": c.id, "title": _cut(c.title, 24)}
        if c.description:
            row["description"] = _cut(c.description, 72)
        rows.append(row)
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": _cut(button or LIST_BUTTON_DEFAULT, 20),
                "sections": [{"rows": rows}],
            },
        },
    }


def _wa_location_request(body: str) -> dict:
    return {
        "type": "interactive",
        "interactive": {
            "type": "location_request_message",
            "body": {"text": body},
            "action": {"name": "send_location"},
        },
    }


def render_whatsapp(reply: Reply) -> list[dict]:
    interactive = bool(reply.choices) or reply.request_location
    if not interactive:
        return [_wa_text(p) for p in split_text(reply.text, WHATSAPP_TEXT_LIMIT)]
    # Interactive bodies are short: long text goes first as plain messages.
    parts = split_text(reply.text, WHATSAPP_BODY_LIMIT)
    head, body = parts[:-1], parts[-1] or "…"
    messages = [_wa_text(p) for p in head]
    if reply.request_location:
        messages.append(_wa_location_request(body))
        body = "…"
    choices = reply.choices
    # Reply buttons show a title only: a list when a row needs its description (two
    # "Tembalang" in different cities), or when titles would read alike.
    buttons_fit = all(
        len(c.title) <= 20 and _repeats(c.description, c.long_title or c.title)
        for c in choices
    ) and len({c.title for c in choices}) == len(choices)
    if choices and len(choices) <= 3 and buttons_fit:
        messages.append(_wa_buttons(body, choices))
    else:
        for start in range(0, len(choices), 10):
            messages.append(
                _wa_list(
                    body if start == 0 else "…",
                    choices[start : start + 10],
                    reply.list_button,
                )
            )
    if reply.numbered:
        # Not sent (the client drops "_" keys): once sent, the outbox remembers each
        # message's id with them, for a reply quoting it with a number.
        numbered = [c.id for c in choices[: reply.numbered]]
        for m in messages:
            m["_numbered"] = numbered
    return messages


def render(channel: str, reply: Reply) -> list[dict]:
    return render_telegram(reply) if channel == "telegram" else render_whatsapp(reply)
