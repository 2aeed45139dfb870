"""Helpers of the channels tests (plain functions and data; fixtures stay in
conftest.py)."""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import Client

from chatbot.channels.rules import whatsapp_signature
from chatbot.conversation.types import Choice, Inbound, Reply

TG_TOKEN = "123456:TEST-token"
TG_SECRET = "s3cret-Token_1"
WA_SECRET = "app-secret"
WA_VERIFY = "verify-me"
WA_PHONE_ID = "106540352242922"


class FakeServer:
    """Records calls; `script` holds canned failures, consumed one per call."""

    def __init__(self, handler_factory):
        self.calls: list[tuple[str, dict]] = []
        self.script: list[tuple[int, dict, dict]] = []  # (status, body, headers)
        self.lock = threading.Lock()
        self.updates: list[dict] = []
        # Telegram getChatMember: (chat id, user id) -> status; anyone else "member".
        self.members: dict[tuple[int, int], str] = {}
        # Bot API method -> seconds it takes to answer (a slow platform).
        self.delays: dict[str, float] = {}
        # Bot API methods refused with 400 (e.g. a callback query too old to answer).
        self.refused: set[str] = set()
        self.ids = itertools.count(1000)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_factory(self))
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"

    def fail_next(self, status: int, body: dict, headers: dict | None = None, times=1):
        with self.lock:
            self.script += [(status, body, headers or {})] * times

    def take_failure(self):
        with self.lock:
            return self.script.pop(0) if self.script else None

    def methods(self, name: str) -> list[dict]:
        return [params for method, params in self.calls if method == name]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def _reply(handler, status: int, payload, headers=None):
    # bytes: sent as they are (a body cut off mid-way, say).
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    for k, v in (headers or {}).items():
        handler.send_header(k, v)
    handler.end_headers()
    handler.wfile.write(data)


def _read_params(handler) -> dict:
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length) if length else b""
    ctype = handler.headers.get("Content-Type", "")
    if "json" in ctype:
        return json.loads(raw or b"{}")
    from urllib.parse import parse_qsl

    params = dict(parse_qsl(raw.decode()))
    for key in ("reply_markup", "allowed_updates", "entities"):
        if key in params:
            params[key] = json.loads(params[key])
    return params


def telegram_handler(server: FakeServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            prefix = f"/bot{TG_TOKEN}/"
            if not self.path.startswith(prefix):
                _reply(
                    self,
                    404,
                    {"ok": False, "error_code": 404, "description": "Not Found"},
                )
                return
            method = self.path[len(prefix) :]
            params = _read_params(self)
            with server.lock:
                server.calls.append((method, params))
            if server.delays.get(method):
                time.sleep(server.delays[method])
            if method in server.refused:
                _reply(
                    self,
                    400,
                    {"ok": False, "error_code": 400, "description": "Bad Request"},
                )
                return
            failure = server.take_failure() if method == "sendMessage" else None
            if failure:
                _reply(self, failure[0], failure[1], failure[2])
                return
            if method == "sendMessage":
                result = {
                    "message_id": next(server.ids),
                    "date": int(time.time()),
                    "chat": {"id": int(params["chat_id"]), "type": "private"},
                    "from": {"id": 123456, "is_bot": True, "first_name": "Sigap"},
                    "text": params.get("text", ""),
                }
            elif method == "getMe":
                result = {
                    "id": 123456,
                    "is_bot": True,
                    "first_name": "Sigap",
                    "username": "sigap_test_bot",
                }
            elif method == "getChatMember":
                result = _chat_member(server, params)
            elif method == "getUpdates":
                offset = int(params.get("offset") or 0)
                with server.lock:
                    result = [u for u in server.updates if u["update_id"] >= offset]
            else:  # answerCallbackQuery, setWebhook, deleteWebhook
                result = True
            _reply(self, 200, {"ok": True, "result": result})

    return Handler


def _chat_member(server: FakeServer, params: dict) -> dict:
    """A ChatMember as the Bot API documents each status."""
    user_id = int(params["user_id"])
    status = server.members.get((int(params["chat_id"]), user_id), "member")
    member = {"status": status, "user": tg_user(user_id)}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            {
                key: True
                for key in (
                    "can_be_edited",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                )
            },
            is_anonymous=False,
            can_promote_members=False,
        )
    return member


def graph_handler(server: FakeServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            params = _read_params(self)
            with server.lock:
                server.calls.append(
                    (self.path, {**params, "_auth": self.headers.get("Authorization")})
                )
            failure = server.take_failure()
            if failure:
                _reply(self, failure[0], failure[1], failure[2])
                return
            wamid = f"wamid.HBgM{next(server.ids)}"
            _reply(
                self,
                200,
                {
                    "messaging_product": "whatsapp",
                    "contacts": [
                        {"input": params.get("to"), "wa_id": params.get("to")}
                    ],
                    "messages": [{"id": wamid}],
                },
            )

    return Handler


def echo_handle(inbound: Inbound) -> list[Reply]:
    """Stand-in engine: echoes what it got, with two choices."""
    if inbound.choice:
        return [Reply(text=f"pilihan: {inbound.choice}")]
    if inbound.location:
        return [
            Reply(text=f"lokasi: {inbound.location[0]:.4f},{inbound.location[1]:.4f}")
        ]
    prefix = "terusan" if inbound.forwarded else "echo"
    return [
        Reply(
            text=f"{prefix}: {inbound.text}",
            choices=(Choice(id="menu:a", title="A"), Choice(id="menu:b", title="B")),
        )
    ]


# --- Updates as the platforms document them --------------------------------------------
_update_ids = itertools.count(700000000)


def tg_user(user_id=555001, lang="id"):
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": "Alice",
        "language_code": lang,
    }


def tg_message_update(text=None, chat_id=555001, update_id=None, **extra):
    message = {
        "message_id": next(_update_ids) % 100000,
        "from": tg_user(chat_id),
        "chat": {"id": chat_id, "first_name": "Alice", "type": "private"},
        "date": 1700000000,
        **extra,
    }
    if text is not None:
        message["text"] = text
    return {"update_id": update_id or next(_update_ids), "message": message}


GROUP_CHAT_ID = -1001234567890  # Telegram supergroup ids are -100…


def tg_group_message_update(
    text=None, chat_id=GROUP_CHAT_ID, user_id=555001, chat_type="supergroup", **extra
):
    """A message in a group: the chat is the group, `from` the member who wrote."""
    message = {
        "message_id": next(_update_ids) % 100000,
        "from": tg_user(user_id),
        "chat": {"id": chat_id, "title": "Warga RT 05 Tembalang", "type": chat_type},
        "date": 1700000000,
        **extra,
    }
    if text is not None:
        message["text"] = text
    return {"update_id": next(_update_ids), "message": message}


def tg_group_callback_update(data, chat_id=GROUP_CHAT_ID, user_id=555001):
    """A member taps a button under one of the bot's messages in a group."""
    update = tg_callback_update(data, chat_id=user_id)
    update["callback_query"]["message"]["chat"] = {
        "id": chat_id,
        "title": "Warga RT 05 Tembalang",
        "type": "supergroup",
    }
    return update


def tg_location_update(lat, lng, chat_id=555001):
    return tg_message_update(
        chat_id=chat_id, location={"latitude": lat, "longitude": lng}
    )


def tg_forward_update(text, chat_id=555001):
    return tg_message_update(
        text,
        chat_id=chat_id,
        forward_origin={
            "type": "hidden_user",
            "sender_user_name": "Grup Keluarga",
            "date": 1699990000,
        },
    )


def tg_callback_update(data, chat_id=555001):
    return {
        "update_id": next(_update_ids),
        "callback_query": {
            "id": f"cbq{next(_update_ids)}",
            "from": tg_user(chat_id),
            "message": {
                "message_id": 42,
                "from": {"id": 123456, "is_bot": True, "first_name": "Sigap"},
                "chat": {"id": chat_id, "first_name": "Alice", "type": "private"},
                "date": 1700000000,
                "text": "Menu",
            },
            "chat_instance": "-8150000000000000000",
            "data": data,
        },
    }


_wamids = itertools.count(1)


def wa_envelope(value: dict, phone_number_id=WA_PHONE_ID) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": phone_number_id,
                            },
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def wa_message(kind: str, content: dict, wa_id="6281234567890", msg_id=None, **extra):
    return wa_envelope(
        {
            "contacts": [{"profile": {"name": "Budi"}, "wa_id": wa_id}],
            "messages": [
                {
                    "from": wa_id,
                    "id": msg_id or f"wamid.IN{next(_wamids):08d}",
                    "timestamp": "1700000000",
                    "type": kind,
                    kind: content,
                    **extra,
                }
            ],
        }
    )


def wa_text(body, **kw):
    return wa_message("text", {"body": body}, **kw)


def wa_button_reply(button_id, title="Ya", **kw):
    return wa_message(
        "interactive",
        {"type": "button_reply", "button_reply": {"id": button_id, "title": title}},
        **kw,
    )


def wa_list_reply(row_id, title="Pilihan", **kw):
    return wa_message(
        "interactive",
        {
            "type": "list_reply",
            "list_reply": {"id": row_id, "title": title, "description": ""},
        },
        **kw,
    )


def wa_location(lat, lng, **kw):
    return wa_message(
        "location", {"latitude": lat, "longitude": lng, "name": "Rumah"}, **kw
    )


def wa_status(wamid, status, wa_id="6281234567890", errors=None):
    item = {
        "id": wamid,
        "status": status,
        "timestamp": "1700000100",
        "recipient_id": wa_id,
    }
    if errors:
        item["errors"] = errors
    return wa_envelope({"statuses": [item]})


def post_telegram(client, update, secret=TG_SECRET):
    headers = {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret} if secret else {}
    return client.post(
        "/api/v1/chatbot/telegram/webhook",
        data=json.dumps(update),
        content_type="application/json",
        **headers,
    )


def post_whatsapp(client, body, secret=WA_SECRET, signature=None):
    raw = json.dumps(body).encode()
    sig = signature if signature is not None else whatsapp_signature(raw, secret)
    return client.post(
        "/api/v1/chatbot/whatsapp/webhook",
        data=raw,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=sig,
    )


# --- Chats over the webhooks: updates in, replies read off the fake APIs ----------
class TelegramChat:
    """A Telegram user: updates go to our webhook, replies are read off the fake API."""

    def __init__(self, api, chat_id=5550101):
        self.api, self.chat_id, self.client = api, chat_id, Client()
        self.last: list[dict] = []

    def _post(self, update):
        before = len(self.api.methods("sendMessage"))
        assert post_telegram(self.client, update).status_code == 200
        self.last = self.api.methods("sendMessage")[before:]
        assert self.last, "no reply"
        return self

    def send(self, text):
        return self._post(tg_message_update(text, chat_id=self.chat_id))

    def tap(self, callback_data):
        offered = [
            b["callback_data"]
            for m in self.last
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        assert callback_data in offered, (callback_data, offered)
        return self._post(tg_callback_update(callback_data, chat_id=self.chat_id))

    def tap_titled(self, title):
        for m in self.last:
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", []):
                for b in row:
                    if title.lower() in b["text"].lower():
                        return self.tap(b["callback_data"])
        raise AssertionError(f"no button {title!r}")

    @property
    def text(self):
        return "\n".join(m["text"] for m in self.last)


class WhatsAppChat:
    def __init__(self, api, wa_id="6281234500001"):
        self.api, self.wa_id, self.client = api, wa_id, Client()
        self.last: list[dict] = []

    def _post(self, body):
        before = len(self.api.calls)
        assert post_whatsapp(self.client, body).status_code == 200
        self.last = [params for _, params in self.api.calls[before:]]
        assert self.last, "no reply"
        return self

    def send(self, text):
        return self._post(wa_text(text, wa_id=self.wa_id))

    def offered(self) -> dict[str, str]:
        """choice id -> how it was offered (button / list)."""
        out = {}
        for m in self.last:
            if m["type"] != "interactive":
                continue
            action = m["interactive"]["action"]
            for b in action.get("buttons", []):
                out[b["reply"]["id"]] = "button"
            for section in action.get("sections", []):
                for row in section["rows"]:
                    out[row["id"]] = "list"
        return out

    def tap(self, choice_id):
        kind = self.offered().get(choice_id)
        assert kind, (choice_id, self.offered())
        make = wa_button_reply if kind == "button" else wa_list_reply
        return self._post(make(choice_id, wa_id=self.wa_id))

    @property
    def text(self):
        parts = []
        for m in self.last:
            if m["type"] == "text":
                parts.append(m["text"]["body"])
            else:
                parts.append(m["interactive"]["body"]["text"])
        return "\n".join(parts)
