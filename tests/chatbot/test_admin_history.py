"""The history page of FAQ and hoax entries, as a curator sees it."""

from __future__ import annotations

import re

import pytest

from chatbot.models import FaqEntry, HoaxEntry
from chatbot.services import faq_save, hoax_save

pytestmark = pytest.mark.django_db

ADMIN = "/admin/chatbot"


def history_table(client, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200
    body = r.content.decode()
    table = re.search(r'<table id="change-history".*?</table>', body, re.S)
    assert table, body
    return table.group(0)


def test_it_shows_the_faq_history_in_indonesian(curator_client, chat_curator):
    chat_curator.full_name = "Kurator Satu"
    chat_curator.save()
    entry = FaqEntry(question="Kapan posyandu lansia?", answer="")
    faq_save(entry=entry)  # no user: a script or import without one
    entry.answer = "Setiap Selasa."
    entry.alternates = ["Jadwal posyandu lansia"]
    entry.category = "layanan"
    entry.status = "published"
    entry._history_user = chat_curator
    entry._change_reason = "Jawaban dari dinas"
    faq_save(entry=entry, actor=chat_curator)

    table = history_table(curator_client, f"{ADMIN}/faqentry/{entry.pk}/history/")
    for label in ["Waktu", "Oleh", "Alasan", "Perubahan"]:
        assert f">{label}</th>" in table
    for english in ["Changes", "Changed by", "Change reason", "Date/time", "None"]:
        assert english not in table
    assert "Kurator Satu" in table and "Jawaban dari dinas" in table
    # Field names by their verbose names, empty values as a dash, choices by label.
    assert "<strong>Jawaban:</strong> —&nbsp;&rarr;&nbsp;Setiap Selasa." in table
    assert "<strong>Rumusan lain:</strong> —&nbsp;&rarr;&nbsp;Jadwal posyandu" in table
    assert "<strong>Status:</strong> Draf&nbsp;&rarr;&nbsp;Terbit" in table
    assert "Entri dibuat" in table and "Diubah" in table
    assert "answer:" not in table and "alternates:" not in table
    # The creation has no user and no reason: a dash, not "None".
    assert table.count("<td>—</td>") >= 2


def test_it_shows_the_hoax_history_too(curator_client):
    entry = HoaxEntry(claim="Vaksin berisi chip", verdict="hoax", explanation="")
    hoax_save(entry=entry)
    entry.explanation = "Tidak ada chip dalam vaksin."
    hoax_save(entry=entry)
    table = history_table(curator_client, f"{ADMIN}/hoaxentry/{entry.pk}/history/")
    assert "<strong>Penjelasan:</strong> —" in table
    assert "None" not in table and "Changes" not in table
    page = curator_client.get(f"{ADMIN}/hoaxentry/{entry.pk}/history/")
    assert "Riwayat perubahan: Vaksin berisi chip" in page.content.decode()


def test_a_long_change_is_shortened_on_whole_words_in_indonesian(curator_client):
    answer = "Isolasi mandiri dilakukan selama sepuluh hari sejak gejala muncul. " * 5
    entry = FaqEntry(question="Berapa lama isoman?", answer=answer)
    faq_save(entry=entry)
    entry.answer = answer.replace("sepuluh hari", "tujuh hari", 4)
    faq_save(entry=entry)
    table = history_table(curator_client, f"{ADMIN}/faqentry/{entry.pk}/history/")
    assert "chars]" not in table
    assert re.search(r"… \d+ karakter …", table)
    # Cut between words: each shortened part starts and ends on a whole word.
    for part in re.findall(r"<strong>Jawaban:</strong> (.*?)</li>", table, re.S):
        for piece in re.split(r"… \d+ karakter …|&nbsp;&rarr;&nbsp;", part):
            words = piece.split()
            if words:
                assert words[0] in answer.split() + ["tujuh"], piece
                assert words[-1] in answer.split() + ["tujuh"], piece


def test_other_staff_cannot_read_the_history(client, db):
    from core.models import User

    entry = FaqEntry.objects.create(question="Kapan posyandu?", answer="Selasa.")
    staff = User.objects.create_user(
        "+6281299990004", "pw-123456", role="health_office", is_staff=True
    )
    client.force_login(staff)
    assert client.get(f"{ADMIN}/faqentry/{entry.pk}/history/").status_code == 403


@pytest.mark.parametrize(
    "text, limit, shown",
    [
        ("Vaksin aman", 20, "Vaksin aman"),
        ("Vaksin berisi chip untuk melacak", 20, "Vaksin berisi chip…"),
        ("Vaksin berisi chip, untuk melacak", 20, "Vaksin berisi chip…"),
        ("Vaksin berisi chip untuk", 19, "Vaksin berisi chip…"),
        ("Supercalifragilistic", 10, "Supercali…"),
        ("  banyak   spasi\ndi sini  ", 40, "banyak spasi di sini"),
        ("", 10, ""),
    ],
)
def test_list_texts_are_cut_on_a_whole_word(text, limit, shown):
    from chatbot.rules import truncate_words

    assert truncate_words(text, limit) == shown
    assert len(truncate_words(text, limit)) <= limit


def test_list_cells_carry_the_full_text_as_a_tooltip(curator_client):
    claim = "Beredar pesan bahwa vaksin mengandung microchip " * 4
    HoaxEntry.objects.create(claim=claim.strip(), verdict="hoax")
    body = curator_client.get(f"{ADMIN}/hoaxentry/").content.decode()
    assert f'title="{claim.strip()}"' in body
    assert "Beredar pesan bahwa vaksin mengandung microchip Beredar pesan" in body
    assert "…</span>" in body
