"""An inbox group turned into a draft FAQ entry stays open until the entry's answer
is published; the curator who made it is named in both histories."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry

from chatbot.models import FaqEntry, UnansweredQuestion
from chatbot.services import (
    entries_set_status,
    faq_import,
    knowledge_delete,
    message_answer,
    unanswered_to_draft_faq,
)

pytestmark = pytest.mark.django_db

ADMIN = "/admin/chatbot"
QUESTION = "kapan posyandu lansia di tembalang buka"


@pytest.fixture
def question(starter):
    message_answer(text=QUESTION)
    return UnansweredQuestion.objects.get()


def to_draft(client, question):
    return client.post(f"{ADMIN}/unansweredquestion/{question.pk}/to-draft/")


def test_it_keeps_the_group_open_and_linked_to_its_draft(
    curator_client, chat_curator, question
):
    r = to_draft(curator_client, question)
    entry = FaqEntry.objects.get(status="draft")
    assert r["Location"] == f"{ADMIN}/faqentry/{entry.pk}/change/"
    question.refresh_from_db()
    assert question.state == "open"
    assert question.draft_faq == entry and question.resolved_faq is None

    body = curator_client.get(f"{ADMIN}/unansweredquestion/").content.decode()
    assert "draf dibuat:" in body
    assert f'href="{ADMIN}/faqentry/{entry.pk}/change/"' in body
    assert "menunggu jawaban diterbitkan" in body
    assert f"/unansweredquestion/{question.pk}/to-draft/" not in body
    assert '<td class="field-status">Menunggu draf terbit</td>' in body

    # The same question asked again still counts in the open group.
    message_answer(text=QUESTION)
    question.refresh_from_db()
    assert question.count == 2 and UnansweredQuestion.objects.count() == 1


def test_waiting_groups_have_a_filter_choice_of_their_own(curator_client, question):
    to_draft(curator_client, question)
    waiting = curator_client.get(
        f"{ADMIN}/unansweredquestion/", {"state": "waiting"}
    ).content.decode()
    assert f"/unansweredquestion/{question.pk}/change/" in waiting
    other = UnansweredQuestion.objects.create(text="kapan posyandu", terms="posyandu")
    waiting = curator_client.get(
        f"{ADMIN}/unansweredquestion/", {"state": "waiting"}
    ).content.decode()
    assert f"/unansweredquestion/{other.pk}/change/" not in waiting
    assert (
        f"/unansweredquestion/{other.pk}/change/"
        in curator_client.get(f"{ADMIN}/unansweredquestion/").content.decode()
    )


def test_pressing_twice_makes_one_draft(curator_client, question):
    first = to_draft(curator_client, question)
    second = to_draft(curator_client, question)
    assert FaqEntry.objects.filter(status="draft").count() == 1
    assert first["Location"] == second["Location"]
    # The bulk action on the same row neither.
    curator_client.post(
        f"{ADMIN}/unansweredquestion/",
        {"action": "make_drafts", "_selected_action": [question.pk]},
    )
    assert FaqEntry.objects.filter(status="draft").count() == 1
    assert LogEntry.objects.filter(object_id=str(question.pk)).count() == 1


def test_the_service_is_idempotent(question, chat_curator):
    a = unanswered_to_draft_faq(question=question, actor=chat_curator)
    b = unanswered_to_draft_faq(question=question, actor=chat_curator)
    assert a.pk == b.pk
    # (tags scanned in Python: SQLite has no JSON "contains")
    drafts = [e for e in FaqEntry.objects.all() if "dari-pertanyaan-warga" in e.tags]
    assert len(drafts) == 1


def test_it_names_the_curator_in_the_history(curator_client, chat_curator, question):
    to_draft(curator_client, question)
    entry = FaqEntry.objects.get(status="draft")
    record = entry.history.get()
    assert record.history_user == chat_curator
    assert record.history_change_reason == "Draf dari pertanyaan warga"
    log = LogEntry.objects.get(object_id=str(question.pk))
    assert log.user == chat_curator
    assert f"#{entry.pk}" in log.get_change_message()


def test_the_service_names_the_actor_without_a_request(question, chat_curator):
    entry = unanswered_to_draft_faq(question=question, actor=chat_curator)
    assert entry.history.get().history_user == chat_curator


def publish_in_admin(client, entry, answer):
    return client.post(
        f"{ADMIN}/faqentry/{entry.pk}/change/",
        {
            "question": entry.question,
            "alternates": "\n".join(entry.alternates),
            "answer": answer,
            "status": "published",
            "language": "id",
            "key": "",
            "category": "",
            "tags": "dari-pertanyaan-warga",
            "source_url": "",
            "review_on": "",
        },
    )


def test_publishing_the_answer_settles_the_group(
    curator_client, chat_curator, question
):
    to_draft(curator_client, question)
    entry = FaqEntry.objects.get(status="draft")
    # Saved again as a draft (answer written, not published): still open.
    r = curator_client.post(
        f"{ADMIN}/faqentry/{entry.pk}/change/",
        {
            "question": entry.question,
            "alternates": "",
            "answer": "Setiap Selasa pukul 08.00.",
            "status": "draft",
            "language": "id",
            "key": "",
            "category": "",
            "tags": "",
            "source_url": "",
            "review_on": "",
        },
    )
    assert r.status_code == 302, r.content
    question.refresh_from_db()
    assert question.state == "open"

    r = publish_in_admin(curator_client, entry, "Setiap Selasa pukul 08.00.")
    assert r.status_code == 302, r.content
    question.refresh_from_db()
    assert question.state == "resolved"
    assert question.resolved_faq == entry
    assert question.handled_by == chat_curator and question.handled_at
    body = curator_client.get(f"{ADMIN}/unansweredquestion/").content.decode()
    assert f"/unansweredquestion/{question.pk}/change/" not in body  # not open


def test_publishing_by_the_bulk_action_settles_it_too(
    curator_client, chat_curator, question
):
    entry = unanswered_to_draft_faq(question=question, actor=chat_curator)
    # No answer yet: publishing is refused and the group stays open.
    curator_client.post(
        f"{ADMIN}/faqentry/", {"action": "publish", "_selected_action": [entry.pk]}
    )
    question.refresh_from_db()
    assert question.state == "open"
    FaqEntry.objects.filter(pk=entry.pk).update(answer="Setiap Selasa.")
    curator_client.post(
        f"{ADMIN}/faqentry/", {"action": "publish", "_selected_action": [entry.pk]}
    )
    question.refresh_from_db()
    assert (question.state, question.resolved_faq_id) == ("resolved", entry.pk)
    assert question.handled_by == chat_curator


def test_an_import_that_publishes_the_draft_settles_it(question, chat_curator):
    entry = unanswered_to_draft_faq(question=question, actor=chat_curator)
    report = faq_import(
        rows=[
            (
                "baris 2",
                {
                    "question": entry.question,
                    "answer": "Setiap Selasa.",
                    "status": "published",
                    "language": "id",
                },
            )
        ],
        user=chat_curator,
    )
    assert report.updated == 1, report
    question.refresh_from_db()
    assert (question.state, question.resolved_faq_id) == ("resolved", entry.pk)


def test_archiving_the_draft_keeps_the_group_open(question, chat_curator):
    entry = unanswered_to_draft_faq(question=question, actor=chat_curator)
    entries_set_status(entries=[entry], status="archived", actor=chat_curator)
    question.refresh_from_db()
    assert (question.state, question.draft_faq_id) == ("open", entry.pk)


def test_deleting_the_draft_opens_the_group_again(curator_client, question):
    to_draft(curator_client, question)
    entry = FaqEntry.objects.get(status="draft")
    r = curator_client.post(
        f"{ADMIN}/faqentry/{entry.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert r.status_code == 200
    assert not FaqEntry.objects.filter(pk=entry.pk).exists()
    question.refresh_from_db()
    assert (question.state, question.draft_faq) == ("open", None)
    body = curator_client.get(f"{ADMIN}/unansweredquestion/").content.decode()
    assert f"/unansweredquestion/{question.pk}/to-draft/" in body
    # A new draft can be made.
    to_draft(curator_client, question)
    question.refresh_from_db()
    assert question.draft_faq is not None


def test_deleting_through_the_service_too(question, chat_curator):
    entry = unanswered_to_draft_faq(question=question, actor=chat_curator)
    knowledge_delete(instance=entry)
    question.refresh_from_db()
    assert (question.state, question.draft_faq) == ("open", None)


def test_the_curator_can_close_a_waiting_group(curator_client, chat_curator, question):
    to_draft(curator_client, question)
    entry = FaqEntry.objects.get(status="draft")
    r = curator_client.post(f"{ADMIN}/unansweredquestion/{question.pk}/close/")
    assert r.status_code == 302
    question.refresh_from_db()
    assert question.state == "resolved"
    assert question.resolved_faq == entry and question.handled_by == chat_curator
    assert (
        curator_client.get(
            f"{ADMIN}/unansweredquestion/{question.pk}/close/"
        ).status_code
        == 405
    )
    # A closed group makes no further draft.
    r = to_draft(curator_client, question)
    assert FaqEntry.objects.count() == FaqEntry.objects.filter(pk__lte=entry.pk).count()
    assert FaqEntry.objects.filter(status="draft").count() == 1


def test_other_staff_cannot_make_drafts(client, question):
    from core.models import User

    staff = User.objects.create_user(
        "+6281299990003", "pw-123456", role="health_office", is_staff=True
    )
    client.force_login(staff)
    to_draft(client, question)
    assert not FaqEntry.objects.filter(status="draft").exists()
