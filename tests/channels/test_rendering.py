"""Rendering choices for each platform (pure: no database)."""

from __future__ import annotations

from chatbot.channels.rendering import render_telegram, render_whatsapp
from chatbot.conversation.flows.base import choice
from chatbot.conversation.types import Reply


def _telegram_buttons(reply: Reply) -> list[str]:
    return [row[0]["text"] for row in render_telegram(reply)[-1]["inline_keyboard"]]


def test_telegram_buttons_tell_alike_titles_apart():
    places = Reply(
        text="Ada beberapa tempat dengan nama itu. Maksud Anda:",
        choices=(
            choice("z:a:33.74.10", "Tembalang", "Kota Semarang, Jawa Tengah"),
            choice("z:a:35.05.17.2005", "Tembalang", "Kabupaten Blitar, Jawa Timur"),
            choice(
                "z:a:65.03.14.2006", "Tembalang", "Kabupaten Nunukan, Kalimantan Utara"
            ),
        ),
    )
    buttons = _telegram_buttons(places)
    assert buttons == [
        "Tembalang · Kota Semarang, Jawa Tengah",
        "Tembalang · Kabupaten Blitar, Jawa Timur",
        "Tembalang · Kabupaten Nunukan, Kalimantan Utara",
    ]


def test_telegram_buttons_show_whole_questions_up_to_60_characters():
    questions = [
        "What are the symptoms of COVID-19 in children?",
        "What are the symptoms of long COVID?",
        "What are the symptoms that mean I must go to a hospital right now, today?",
    ]
    reply = Reply(
        text="Did you mean:",
        choices=tuple(choice(f"faq:{n}", q, q) for n, q in enumerate(questions)),
    )
    buttons = _telegram_buttons(reply)
    assert buttons[:2] == questions[:2]
    assert len(buttons[2]) == 60 and buttons[2].endswith("…")
    assert len(set(buttons)) == 3


def test_whatsapp_keeps_its_limits_and_lists_rows_that_need_a_description():
    places = Reply(
        text="Maksud Anda:",
        choices=(
            choice("z:a:33.74.10", "Tembalang", "Kota Semarang, Jawa Tengah"),
            choice("z:a:35.05.17.2005", "Tembalang", "Kabupaten Blitar, Jawa Timur"),
            choice("menu", "Kembali ke menu"),
        ),
    )
    (message,) = render_whatsapp(places)
    # Three short titles would fit reply buttons, which show no description.
    assert message["interactive"]["type"] == "list"
    rows = message["interactive"]["action"]["sections"][0]["rows"]
    assert [(r["title"], r.get("description")) for r in rows] == [
        ("Tembalang", "Kota Semarang, Jawa Tengah"),
        ("Tembalang", "Kabupaten Blitar, Jawa Timur"),
        ("Kembali ke menu", None),
    ]
    long = "What are the symptoms that mean I must go to a hospital right now, today, please?"
    (message,) = render_whatsapp(
        Reply(text="?", choices=(choice("faq:1", long, long),))
    )
    (row,) = message["interactive"]["action"]["sections"][0]["rows"]
    assert len(row["title"]) <= 24 and len(row["description"]) <= 72
    short = Reply(
        text="?",
        choices=(choice("lang:id", "Bahasa Indonesia"), choice("lang:en", "English")),
    )
    (message,) = render_whatsapp(short)
    assert message["interactive"]["type"] == "button"
