"""Outbound HTTP clients: the Telegram Bot API (python-telegram-bot) and the Graph API.

Both raise `SendError(kind=...)`: "retry_after" (the platform asked us to slow down),
"transient" (5xx, network: retry with backoff) or "permanent" (4xx: give up).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import threading
import warnings
from collections.abc import Coroutine
from typing import Any

import httpx
from django.conf import settings
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
    User,
)
from telegram import error as tg_error
from telegram.request import HTTPXRequest

# WhatsApp Cloud API throttling errors: throughput (130429), pair rate (131056), app (4).
WHATSAPP_RATE_CODES = {4, 80007, 130429, 131056}


class SendError(Exception):
    def __init__(
        self,
        message: str,
        *,
        kind: str,
        retry_after: float | None = None,
        timed_out: bool = False,
    ):
        super().__init__(message)
        self.kind = kind
        self.retry_after = retry_after
        # A "transient" error that is a request running out of time (no answer
        # yet), not a refusal or an unreachable platform.
        self.timed_out = timed_out


# --- Telegram -------------------------------------------------------------------------
class _LoopThread:
    """python-telegram-bot is asyncio; sync callers (tasks, views) share one loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(
            target=self.loop.run_forever, name="telegram-client", daemon=True
        ).start()

    def run(self, coro: Coroutine, timeout: float) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)


_lock = threading.Lock()
_state: dict[str, Any] = {"pid": None, "loop": None, "bots": {}, "http": None}


def _process_state() -> dict[str, Any]:
    # After a fork (Celery prefork) the parent's loop thread does not exist.
    if _state["pid"] != os.getpid():
        _state.update(pid=os.getpid(), loop=None, bots={}, http=None)
    return _state


def _retry_after_seconds(exc: tg_error.RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 deprecates the int form; accept both
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class TelegramClient:
    def __init__(self, token: str | None = None, base_url: str | None = None):
        self.token = token or settings.TELEGRAM_BOT_TOKEN
        self.base_url = (base_url or settings.TELEGRAM_API_BASE_URL).rstrip("/")
        if not self.token:
            raise SendError("TELEGRAM_BOT_TOKEN is not set", kind="permanent")

    def _bot(self) -> tuple[_LoopThread, Bot]:
        with _lock:
            state = _process_state()
            if state["loop"] is None:
                state["loop"] = _LoopThread()
            key = (self.token, self.base_url)
            if key not in state["bots"]:
                state["bots"][key] = Bot(
                    self.token,
                    base_url=f"{self.base_url}/bot",
                    request=HTTPXRequest(connection_pool_size=64, read_timeout=10),
                    get_updates_request=HTTPXRequest(read_timeout=65),
                )
            return state["loop"], state["bots"][key]

    def _call(
        self,
        name: str,
        wait: float = 30,
        request_timeout: float | None = None,
        **kwargs,
    ) -> Any:
        """`request_timeout`: this request's own limit (connect, write, read and
        pool), for calls something waits on, instead of the client's defaults."""
        loop, bot = self._bot()
        if request_timeout is not None:
            kwargs.update(
                read_timeout=request_timeout,
                write_timeout=request_timeout,
                connect_timeout=request_timeout,
                pool_timeout=request_timeout,
            )
            wait = min(wait, request_timeout + 1)
        try:
            return loop.run(getattr(bot, name)(**kwargs), wait)
        except tg_error.RetryAfter as exc:
            raise SendError(
                "telegram 429",
                kind="retry_after",
                retry_after=_retry_after_seconds(exc),
            ) from exc
        except (
            tg_error.BadRequest,
            tg_error.Forbidden,
            tg_error.InvalidToken,
            tg_error.ChatMigrated,
            tg_error.Conflict,
        ) as exc:
            raise SendError(
                f"telegram refused: {type(exc).__name__}", kind="permanent"
            ) from exc
        except (tg_error.TimedOut, TimeoutError) as exc:
            raise SendError(
                f"telegram timed out: {type(exc).__name__}",
                kind="transient",
                timed_out=True,
            ) from exc
        except (tg_error.TelegramError, OSError) as exc:
            raise SendError(
                f"telegram unavailable: {type(exc).__name__}", kind="transient"
            ) from exc

    def send(self, chat_id: str, payload: dict) -> str:
        markup = None
        if payload.get("inline_keyboard"):
            markup = InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(b["text"], callback_data=b["callback_data"])]
                    for (b,) in payload["inline_keyboard"]
                ]
            )
        elif payload.get("location_button"):
            markup = ReplyKeyboardMarkup(
                [[KeyboardButton(payload["location_button"], request_location=True)]],
                resize_keyboard=True,
                one_time_keyboard=True,
            )
        elif payload.get("remove_keyboard"):
            markup = ReplyKeyboardRemove()
        entities = None
        if payload.get("mention"):
            # Names the group member a reply is for (and notifies them): a mention
            # that needs no username and no parse_mode.
            mention = payload["mention"]
            entities = [
                MessageEntity(
                    MessageEntity.TEXT_MENTION,
                    offset=0,
                    length=mention["length"],
                    user=User(mention["user_id"], mention["name"], is_bot=False),
                )
            ]
        message = self._call(
            "send_message",
            chat_id=chat_id,
            text=payload["text"],
            reply_markup=markup,
            entities=entities,
            message_thread_id=payload.get("message_thread_id"),
        )
        return str(message.message_id)

    def answer_callback_query(
        self, callback_query_id: str, *, timeout: float | None = None
    ) -> None:
        self._call(
            "answer_callback_query",
            request_timeout=timeout,
            callback_query_id=callback_query_id,
        )

    def chat_member_status(
        self, chat_id: str, user_id: int, *, timeout: float | None = None
    ) -> str:
        """getChatMember: "creator", "administrator", "member", "restricted", "left"
        or "kicked"."""
        member = self._call(
            "get_chat_member",
            request_timeout=timeout,
            chat_id=chat_id,
            user_id=user_id,
        )
        return member.status

    def remove_inline_keyboard(self, chat_id: str, message_id: int) -> None:
        """editMessageReplyMarkup without a markup: the message keeps its text and
        loses its buttons."""
        self._call("edit_message_reply_markup", chat_id=chat_id, message_id=message_id)

    def get_updates(
        self, *, offset: int | None, timeout: int, allowed_updates: list[str]
    ) -> list[Update]:
        return list(
            self._call(
                "get_updates",
                wait=timeout + 30,
                offset=offset,
                timeout=timeout,
                allowed_updates=allowed_updates,
            )
        )

    def set_webhook(self, *, url: str, secret_token: str, allowed_updates) -> bool:
        return self._call(
            "set_webhook",
            url=url,
            secret_token=secret_token,
            allowed_updates=allowed_updates,
        )

    def delete_webhook(self) -> bool:
        return self._call("delete_webhook")


# --- WhatsApp Cloud API -----------------------------------------------------------------
def _http() -> httpx.Client:
    with _lock:
        state = _process_state()
        if state["http"] is None:
            state["http"] = httpx.Client(
                timeout=10, limits=httpx.Limits(max_connections=64)
            )
        return state["http"]


class WhatsAppClient:
    def __init__(self, phone_number_id: str | None = None):
        self.phone_number_id = phone_number_id or settings.WHATSAPP_PHONE_NUMBER_ID
        if not settings.WHATSAPP_TOKEN or not self.phone_number_id:
            raise SendError(
                "WHATSAPP_TOKEN / WHATSAPP_PHONE_NUMBER_ID not set", kind="permanent"
            )

    @property
    def url(self) -> str:
        base = settings.WHATSAPP_GRAPH_URL.rstrip("/")
        return (
            f"{base}/{settings.WHATSAPP_GRAPH_VERSION}/{self.phone_number_id}/messages"
        )

    def send(self, chat_id: str, payload: dict) -> str:
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": chat_id,
            # "_" keys are Sigap's own notes on the message, not the Cloud API's.
            **{k: v for k, v in payload.items() if not k.startswith("_")},
        }
        headers = {"Authorization": f"Bearer {settings.WHATSAPP_TOKEN}"}
        try:
            response = _http().post(self.url, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise SendError(
                f"graph unreachable: {type(exc).__name__}", kind="transient"
            ) from exc
        try:
            data = response.json()
        except ValueError:
            data = {}
        if response.status_code == 200:
            messages = data.get("messages") or [{}]
            return str(messages[0].get("id", ""))
        code = (data.get("error") or {}).get("code") if isinstance(data, dict) else None
        if response.status_code == 429 or code in WHATSAPP_RATE_CODES:
            retry = response.headers.get("Retry-After")
            raise SendError(
                f"graph rate limited ({code or response.status_code})",
                kind="retry_after",
                retry_after=float(retry) if retry and retry.isdigit() else None,
            )
        if response.status_code >= 500:
            raise SendError(f"graph answered {response.status_code}", kind="transient")
        raise SendError(
            f"graph refused: {response.status_code} code {code}", kind="permanent"
        )


def client_for(channel: str, payload: dict | None = None):
    if channel == "telegram":
        return TelegramClient()
    return WhatsAppClient()
