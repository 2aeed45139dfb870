"""The answers' light markup, rendered for each channel.

Stored format (what curators type, WhatsApp-like): `*bold*`, `_italic_`, lines that
start with "- " or "1. ", bare links. WhatsApp shows it as is; Telegram gets HTML
(parse_mode="HTML", everything else escaped); the app gets it as is or as plain text.
"""

from __future__ import annotations

import html
import re

_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")


def to_whatsapp(text: str) -> str:
    return text


def to_plain(text: str) -> str:
    text = _BOLD.sub(r"\1", text)
    return _ITALIC.sub(r"\1", text)


def to_telegram_html(text: str) -> str:
    escaped = html.escape(text, quote=False)
    escaped = _BOLD.sub(r"<b>\1</b>", escaped)
    return _ITALIC.sub(r"<i>\1</i>", escaped)


def to_html(text: str) -> str:
    """Safe HTML for previews (admin, web chat): escaped, then bold/italic/line breaks."""
    return to_telegram_html(text).replace("\n", "<br>")


RENDERERS = {
    "whatsapp": to_whatsapp,
    "telegram": to_telegram_html,
    "plain": to_plain,
    "html": to_html,
    "api": to_whatsapp,
}


def render(text: str, channel: str) -> str:
    return RENDERERS.get(channel, to_whatsapp)(text)
