from __future__ import annotations

import pytest

from chatbot.conversation.rules import (
    Command,
    chat_is_personal,
    command_parse,
    label_choice,
    label_key,
    link_code_in,
    number_pick,
    number_with_unit,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", Command("start", "", True)),
        ("/start ref_abc123", Command("start", "ref_abc123", True)),
        ("/Link  123456", Command("link", "123456", True)),
        ("Menu", Command("menu")),
        ("help me with isoman", Command("help me with isoman")),
        ("", Command("")),
    ],
)
def test_it_parses_commands(text, expected):
    assert command_parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123456", "123456"),
        ("123 456", "123456"),
        ("/link 123456", "123456"),
        ("hubungkan 654321", "654321"),
        ("kode: 111222", "111222"),
        ("12345", None),
        ("1234567", None),
        ("kode saya 123456 tidak bisa", None),
    ],
)
def test_it_finds_a_link_code(text, expected):
    assert link_code_in(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2", 2),
        ("2.", 2),
        ("no 2", 2),
        ("No. 3", 3),
        ("nomor 1", 1),
        ("yang nomor 2", 2),
        ("#1", 1),
        ("42", 42),
        ("2 kali sehari?", None),
        ("119", None),
        ("nomor darurat", None),
    ],
)
def test_it_reads_a_number_pick(text, expected):
    assert number_pick(text) == expected


@pytest.mark.parametrize(
    ("channel", "chat_id", "expected"),
    [
        ("telegram", "555001", True),
        ("telegram", "-4012345678", False),
        ("telegram", "-1001234567890", False),
        ("whatsapp", "6281234567890", True),
        ("web", "user-7", True),
    ],
)
def test_only_one_persons_chats_are_personal(channel, chat_id, expected):
    assert chat_is_personal(channel, chat_id) is expected


@pytest.mark.parametrize(
    ("text", "units", "expected"),
    [
        ("94", ("%",), "94"),
        ("94%", ("%",), "94"),
        ("94 persen", ("%",), "94"),
        ("42 tahun", ("tahun", "years"), "42"),
        ("42 years", ("tahun", "years"), "42"),
        ("42 thn", ("tahun", "years"), "42"),
        ("38,6 °C", ("°C",), "38.6"),
        ("37.5C", ("°C",), "37.5"),
        ("37,5 derajat", ("°C",), "37.5"),
        ("20 x/menit", ("napas/menit", "breaths/min"), "20"),
        ("42 kg", ("tahun", "years"), None),
        ("94%", (), None),
        ("sembilan", ("%",), None),
    ],
)
def test_it_reads_a_number_with_its_unit(text, units, expected):
    assert number_with_unit(text, units) == expected


LABELS = {label_key("Cek gejala"): "m:selfcheck", label_key("Konsultasi"): "m:consult"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Konsultasi", "m:consult"),
        ("  KONSULTASI  ", "m:consult"),
        ("🩺 Cek gejala", "m:selfcheck"),
        ("cek   Gejala!", "m:selfcheck"),
        ("konsultasi dokter bayar gak?", None),
        ("mau cek gejala", None),
        ("🩺", None),
        ("", None),
    ],
)
def test_it_takes_only_a_whole_label_for_its_button(text, expected):
    assert label_choice(text, LABELS) == expected
