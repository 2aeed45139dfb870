"""Inbox grouping while the matching index is being rebuilt after a curator's edit,
and under concurrent copies of one question. Real matcher, real index, no mocks."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from chatbot.index import snapshot_get
from chatbot.models import FaqEntry, UnansweredQuestion
from chatbot.services import (
    faq_save,
    message_answer,
    unanswered_add_alternate,
    unanswered_log,
)

QUESTION = "jam buka puskesmas rowosari kapan ya"
PARAPHRASE = "puskesmas rowosari buka jam brp ya"


def open_rows():
    return UnansweredQuestion.objects.filter(state="open")


@pytest.fixture
def stale_index(settings):
    """This process keeps the index it has, as a worker does between its checks
    of the shared version (CHATBOT_INDEX_CHECK_SECONDS) and while it rebuilds."""

    def keep():
        snapshot = snapshot_get()
        settings.CHATBOT_INDEX_CHECK_SECONDS = 3600
        return snapshot

    def refresh():
        settings.CHATBOT_INDEX_CHECK_SECONDS = 0
        return snapshot_get()

    return keep, refresh


@pytest.mark.django_db
def test_a_question_just_added_as_an_alternate_opens_no_new_row(
    starter, chat_curator, stale_index, django_capture_on_commit_callbacks
):
    keep, refresh = stale_index
    assert message_answer(text=QUESTION).kind != "faq"
    group = open_rows().get()
    target = FaqEntry.objects.get(key="isoman-durasi", language="id")
    old = keep()
    with django_capture_on_commit_callbacks(execute=True):
        unanswered_add_alternate(questions=[group], faq=target, actor=chat_curator)
    group.refresh_from_db()
    assert group.state == "resolved"

    # Within the moments the index is rebuilt: the old one does not know the new
    # phrasing, yet neither the question nor its paraphrase is a new open row.
    for text in [QUESTION, PARAPHRASE, "Jam buka Puskesmas Rowosari kapan ya?"]:
        assert message_answer(text=text).kind != "faq"
        assert snapshot_get() is old
    assert not open_rows().exists()

    # Rebuilt: the alternate answers it.
    assert refresh() is not old
    assert message_answer(text=QUESTION).kind == "faq"
    assert not open_rows().exists()

    # Something else asked meanwhile is still a question for the inbox.
    keep()
    with django_capture_on_commit_callbacks(execute=True):
        faq_save(entry=target)
    message_answer(text="kapan posyandu lansia di tembalang buka")
    assert open_rows().count() == 1


@pytest.mark.django_db
def test_a_paraphrase_joins_its_open_group_whatever_index_answers_it(
    starter, stale_index, django_capture_on_commit_callbacks
):
    keep, refresh = stale_index
    message_answer(text=QUESTION)
    group = open_rows().get()
    # A curator edits another entry: the index is rebuilt, with other weights,
    # closest entries and language words.
    other = FaqEntry.objects.get(key="app-zona", language="en")
    other.alternates = [*other.alternates, "how do i see the risk zone of my village"]
    old = keep()
    with django_capture_on_commit_callbacks(execute=True):
        faq_save(entry=other)
    assert message_answer(text=PARAPHRASE).kind != "faq"  # the old index
    assert snapshot_get() is old
    assert refresh() is not old
    for text in ["kapan puskesmas rowosari buka?", QUESTION]:  # the new one
        assert message_answer(text=text).kind != "faq"
    group.refresh_from_db()
    assert open_rows().count() == 1
    assert group.count == 4


@pytest.mark.django_db
def test_the_language_and_closest_entry_do_not_split_a_group(starter):
    faq_a = FaqEntry.objects.get(key="isoman-durasi", language="id")
    faq_b = FaqEntry.objects.get(key="app-zona", language="id")
    terms = ["jam", "buka", "puskesmas", "rowosari", "kapan"]
    first = unanswered_log(
        text=QUESTION,
        terms=terms,
        language="id",
        kind="unanswered",
        best_faq_id=faq_a.pk,
        best_score=0.2,
    )
    # The same words, read as English by a rebuilt index with another closest
    # entry, and a paraphrase whose longest word is not the group's.
    same = unanswered_log(
        text="Jam buka puskesmas Rowosari kapan?",
        terms=terms,
        language="en",
        kind="unanswered",
        best_faq_id=faq_b.pk,
        best_score=0.3,
    )
    para = unanswered_log(
        text="puskesmas rowosari bukanya jam berapa",
        language="en",
        terms=["puskesmas", "rowosari", "buka", "jam", "berapa"],
        kind="low_confidence",
        best_faq_id=faq_b.pk,
        best_score=0.3,
    )
    assert same.pk == first.pk == para.pk
    first.refresh_from_db()
    assert first.count == 3 and first.language == "id"


@pytest.mark.django_db(transaction=True)
def test_copies_asked_at_the_same_moment_make_one_row():
    """PostgreSQL (CI, production): the advisory lock. SQLite, the embedded default
    for trying Sigap out, has one writer at a time and refuses concurrent writers
    ("database table is locked") instead."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite locks the table)")
    terms = ["jadwal", "imunisasi", "campak", "rowosari"]
    n = 6
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def ask():
        try:
            barrier.wait(timeout=10)
            unanswered_log(
                text="jadwal imunisasi campak di rowosari",
                terms=terms,
                language="id",
                kind="unanswered",
            )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors
    row = UnansweredQuestion.objects.get()
    assert row.count == n
