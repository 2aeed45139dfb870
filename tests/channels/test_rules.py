"""Pure rules: signatures, backoff, buckets, splitting, parsing."""

from __future__ import annotations

import pytest

from chatbot.channels import rules
from chatbot.channels.parsing import UnreadableUpdate, parse_whatsapp, telegram_chat_id


@pytest.mark.parametrize(
    "received,expected,ok",
    [
        ("abc", "abc", True),
        ("abd", "abc", False),
        (None, "abc", False),
        ("", "", False),
    ],
)
def test_secret_token(received, expected, ok):
    assert rules.secret_token_ok(received, expected) is ok


def test_whatsapp_signature_matches_hmac_sha256_of_the_raw_body():
    body = b'{"object":"whatsapp_business_account"}'
    sig = rules.whatsapp_signature(body, "s")
    assert sig.startswith("sha256=") and len(sig) == 71
    assert rules.whatsapp_signature_ok(body, sig, "s")
    assert rules.whatsapp_signature_ok(
        body, sig.upper().replace("SHA256", "sha256"), "s"
    )
    assert not rules.whatsapp_signature_ok(body + b" ", sig, "s")
    assert not rules.whatsapp_signature_ok(body, sig, "")


@pytest.mark.parametrize("attempt,seconds", [(1, 2), (2, 4), (5, 32), (20, 900)])
def test_backoff(attempt, seconds):
    assert rules.outbound_backoff(attempt) == seconds


def test_split_text_keeps_every_character_within_the_limit():
    text = ("kata " * 3000).strip()
    parts = rules.split_text(text, 4096)
    assert all(len(p) <= 4096 for p in parts)
    assert " ".join(parts).split() == text.split()


def test_status_rank_and_masking():
    assert rules.platform_status_advances("sent", "read")
    assert not rules.platform_status_advances("read", "delivered")
    assert rules.mask_chat_id("whatsapp", "6281234567890") == "6281******890"
    assert rules.mask_chat_id("telegram", "12345") == "12345"


def test_chat_id_of_raw_updates():
    assert telegram_chat_id({"update_id": 1, "message": {"chat": {"id": 5}}}) == "5"
    assert telegram_chat_id({"update_id": 1}) == ""
    # Membership changes belong to the chat they happened in, not the member's own.
    change = {"chat": {"id": -100777}, "from": {"id": 5}, "date": 1}
    assert telegram_chat_id({"update_id": 2, "my_chat_member": change}) == "-100777"
    assert telegram_chat_id({"update_id": 3, "chat_member": change}) == "-100777"
    # Shapes never sent are read without failing (the webhook then refuses them).
    assert telegram_chat_id({"update_id": 4, "message": {"chat": "x"}}) == ""
    assert telegram_chat_id({"update_id": 5, "message": "x"}) == ""


def test_whatsapp_messages_it_cannot_read_are_marked_and_reactions_ignored():
    sticker = parse_whatsapp("62", {"message": {"type": "sticker", "sticker": {}}})
    assert sticker.unsupported and sticker.text is None
    reaction = {
        "type": "reaction",
        "reaction": {"message_id": "wamid.X", "emoji": "👍"},
    }
    assert parse_whatsapp("62", {"message": reaction}) is None
    assert parse_whatsapp("62", {"message": {"type": "system", "system": {}}}) is None
    bad = {"message": {"type": "location", "location": {"latitude": "x"}}}
    with pytest.raises(UnreadableUpdate, match="location"):
        parse_whatsapp("62", bad)
