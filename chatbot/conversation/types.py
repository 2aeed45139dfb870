"""The contract between the dialogue engine and the channel adapters.

Adapters (Telegram, WhatsApp, web chat) turn a platform update into an `Inbound`,
call `chatbot.conversation.engine.handle(inbound)`, and render the `Reply` list in
their platform's format. The engine never sees platform payloads; adapters never
decide what to say.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Inbound:
    channel: str  # "telegram" | "whatsapp" | "web"
    chat_id: str  # Telegram chat id, WhatsApp wa_id, web: "user-<pk>"
    text: str | None = None  # typed text (or a forwarded message's text)
    choice: str | None = None  # Telegram callback_data / WhatsApp button or list id
    location: tuple[float, float] | None = None  # (lat, lng) of a shared location
    forwarded: bool = False  # Telegram forward_origin / WhatsApp context.forwarded
    display_name: str = ""  # profile name, only for greeting; never logged
    language_hint: str | None = None  # e.g. Telegram from.language_code
    user_id: int | None = None  # web chat: the authenticated Sigap user
    # False in a group chat (Telegram group/supergroup): its members share one chat
    # id, so only stateless answers (FAQ, hoax check) run there, never a flow or an
    # account link.
    private: bool = True
    # A message the bot cannot read (photo or voice note without text, sticker,
    # contact card, …): answered with a short note, never matched.
    unsupported: bool = False
    # The numbered choices of the bot's message this one quotes (a WhatsApp reply to
    # an older suggestions list: context.id), in their order; None when it quotes
    # nothing the adapter knows. A number then picks from them, not the newest list.
    quoted_choices: tuple[str, ...] | None = None
    # Group chats: whether the member who wrote is one of the group's admins (only
    # asked of the platform when it matters: a change of the group's language).
    sender_admin: bool = False


@dataclass(frozen=True)
class Choice:
    id: str  # <= 64 bytes (Telegram callback_data), stable, ASCII
    title: str  # <= 20 chars fits a WhatsApp button, <= 24 a list row
    description: str = ""  # WhatsApp list row description (<= 72 chars)
    long_title: str = ""  # the whole title when `title` was cut (Telegram shows it)


@dataclass(frozen=True)
class Reply:
    text: str  # plain text; adapters escape it for their markup
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    request_location: bool = False  # ask the user to share a location
    list_button: str = ""  # WhatsApp list button label when choices > 3
    # The first `numbered` choices are numbered in the text ("Balas dengan nomor…"):
    # adapters that can tell which message a reply quotes remember them.
    numbered: int = 0
