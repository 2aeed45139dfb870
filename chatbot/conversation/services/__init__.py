"""Every write of the dialogue engine."""

from __future__ import annotations

from chatbot.conversation.services.handoffs import (
    handoff_close,
    handoff_close_by_chat,
    handoff_message_in,
    handoff_open,
    handoff_reply,
)
from chatbot.conversation.services.links import (
    IssuedCode,
    chat_link,
    chat_unlink,
    identity_delete,
    link_code_create,
    link_code_discard,
)
from chatbot.conversation.services.sessions import (
    Session,
    session_forget,
    session_get,
    session_reset_flow,
    session_save,
)
from chatbot.conversation.services.subscriptions import (
    subscription_set,
    subscriptions_language_set,
    subscriptions_opt_out,
)

__all__ = [
    "IssuedCode",
    "Session",
    "chat_link",
    "chat_unlink",
    "handoff_close",
    "handoff_close_by_chat",
    "handoff_message_in",
    "handoff_open",
    "handoff_reply",
    "identity_delete",
    "link_code_create",
    "link_code_discard",
    "session_forget",
    "session_get",
    "session_reset_flow",
    "session_save",
    "subscription_set",
    "subscriptions_language_set",
    "subscriptions_opt_out",
]
