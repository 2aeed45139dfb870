"""Curation in the admin: drafts/publish/archive, import/export, inboxes, stats."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chatbot.models import (
    FaqEntry,
    HoaxEntry,
    HoaxReport,
    PossibleHoaxMatch,
    UnansweredQuestion,
)
from chatbot.services import hoax_report_create, message_answer
from core.models import User

pytestmark = pytest.mark.django_db

ADMIN = "/admin/chatbot"


def draft(**kw) -> FaqEntry:
    return FaqEntry.objects.create(
        **{"question": "Kapan posyandu lansia?", "answer": "Selasa.", **kw}
    )


@pytest.mark.parametrize(
    "page",
    [
        "faqentry",
        "hoaxentry",
        "synonym",
        "unansweredquestion",
        "hoaxreport",
        "possiblehoaxmatch",
        "matchstat",
    ],
)
def test_curators_see_every_page(curator_client, starter, page):
    assert curator_client.get(f"{ADMIN}/{page}/").status_code == 200


def test_curators_open_forms_and_the_import_page(curator_client, starter):
    faq = FaqEntry.objects.get(key="isoman-durasi", language="id")
    hoax = HoaxEntry.objects.get(key="vaksin-microchip")
    for url in [
        f"{ADMIN}/faqentry/{faq.pk}/change/",
        f"{ADMIN}/faqentry/add/",
        f"{ADMIN}/faqentry/import/",
        f"{ADMIN}/hoaxentry/{hoax.pk}/change/",
        f"{ADMIN}/hoaxentry/import/",
    ]:
        r = curator_client.get(url)
        assert r.status_code == 200, url
    page = curator_client.get(f"{ADMIN}/faqentry/{faq.pk}/change/").content.decode()
    assert "Isoman berapa hari?" in page  # alternates, one per line
    assert "<strong>" in page or "<b>" in page  # answer preview rendered


def test_other_staff_cannot_curate(client, db):
    staff = User.objects.create_user(
        "+6281299990002", "pw-123456", role="health_office", is_staff=True
    )
    client.force_login(staff)
    assert client.get(f"{ADMIN}/faqentry/").status_code == 403


def test_it_publishes_and_archives_with_history(curator_client):
    entry = draft()
    r = curator_client.post(
        f"{ADMIN}/faqentry/", {"action": "publish", "_selected_action": [entry.pk]}
    )
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "published" and entry.published_at
    curator_client.post(
        f"{ADMIN}/faqentry/", {"action": "archive", "_selected_action": [entry.pk]}
    )
    entry.refresh_from_db()
    assert entry.status == "archived"
    assert [h.status for h in entry.history.order_by("history_date")] == [
        "draft",
        "published",
        "archived",
    ]
    assert (
        curator_client.get(f"{ADMIN}/faqentry/{entry.pk}/history/").status_code == 200
    )


def test_it_refuses_to_publish_an_entry_without_an_answer(curator_client):
    entry = draft(answer="")
    r = curator_client.post(
        f"{ADMIN}/faqentry/",
        {"action": "publish", "_selected_action": [entry.pk]},
        follow=True,
    )
    entry.refresh_from_db()
    assert entry.status == "draft"
    assert "Jawaban wajib diisi" in r.content.decode()


def test_it_edits_alternates_one_per_line(curator_client):
    entry = draft()
    r = curator_client.post(
        f"{ADMIN}/faqentry/{entry.pk}/change/",
        {
            "question": entry.question,
            "alternates": "Jadwal posyandu lansia\n\n  Posyandu lansia buka kapan  \n",
            "answer": "Setiap *Selasa*.",
            "status": "published",
            "language": "id",
            "key": "",
            "category": "",
            "tags": "",
            "source_url": "",
            "review_on": "",
        },
    )
    assert r.status_code == 302, r.content
    entry.refresh_from_db()
    assert entry.alternates == ["Jadwal posyandu lansia", "Posyandu lansia buka kapan"]
    assert message_answer(text="posyandu lansia buka kapan ya").kind == "faq"


def test_it_searches_alternate_phrasings(curator_client):
    draft(alternates=["Jadwal posbindu"])
    draft(question="Pertanyaan yang tidak dicari", alternates=[])
    page = curator_client.get(f"{ADMIN}/faqentry/", {"q": "posbindu"}).content.decode()
    assert "Kapan posyandu lansia?" in page
    assert "Pertanyaan yang tidak dicari" not in page


def test_it_imports_from_the_admin(curator_client):
    upload = SimpleUploadedFile(
        "faq.csv",
        b"question,answer,category,language,alternates\n"
        b"Apa itu PPKM?,Pembatasan kegiatan.,umum,id,PPKM itu apa\n"
        b"Tanpa jawaban,,umum,id,\n",
    )
    r = curator_client.post(
        f"{ADMIN}/faqentry/import/", {"file": upload, "status": "draft"}
    )
    assert r.status_code == 200
    assert "baris 3: jawaban (answer)" in r.content.decode()
    assert FaqEntry.objects.get().status == "draft"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_it_exports_selected_entries(curator_client, fmt):
    entry = draft(alternates=["a", "b"])
    r = curator_client.post(
        f"{ADMIN}/faqentry/",
        {"action": f"export_{fmt}", "_selected_action": [entry.pk]},
    )
    assert r.status_code == 200
    assert f".{fmt}" in r["Content-Disposition"]
    body = r.content.decode()
    assert ("a|b" in body) if fmt == "csv" else ('"a"' in body)


def test_one_click_turns_an_unanswered_question_into_a_draft(curator_client, starter):
    message_answer(text="kapan posyandu lansia di tembalang buka")
    question = UnansweredQuestion.objects.get()
    url = f"{ADMIN}/unansweredquestion/{question.pk}/to-draft/"
    assert curator_client.get(url).status_code == 405
    r = curator_client.post(url)
    entry = FaqEntry.objects.get(status="draft")
    assert r["Location"] == f"{ADMIN}/faqentry/{entry.pk}/change/"
    assert entry.question == question.text
    question.refresh_from_db()
    # Open until the draft's answer is published (tests/chatbot/test_inbox_drafts.py).
    assert (question.state, question.draft_faq) == ("open", entry)


def test_one_click_adds_an_unanswered_question_as_an_alternate(curator_client, starter):
    message_answer(text="vaksin")
    question = UnansweredQuestion.objects.get()
    target = question.best_faq
    r = curator_client.post(f"{ADMIN}/unansweredquestion/{question.pk}/to-alternate/")
    assert r.status_code == 302
    target.refresh_from_db()
    assert "vaksin" in target.alternates


def test_bulk_action_asks_which_entry_then_adds_alternates(curator_client, starter):
    message_answer(text="kapan posyandu lansia di tembalang buka")
    question = UnansweredQuestion.objects.get()
    target = FaqEntry.objects.get(key="app-zona", language="id")
    data = {"action": "add_as_alternate", "_selected_action": [question.pk]}
    page = curator_client.post(f"{ADMIN}/unansweredquestion/", data)
    assert page.status_code == 200 and b'name="target"' in page.content
    curator_client.post(
        f"{ADMIN}/unansweredquestion/", {**data, "apply": "1", "target": target.pk}
    )
    target.refresh_from_db()
    assert question.text in target.alternates


def test_confirming_a_possible_match_makes_the_next_copy_a_verdict(
    curator_client, starter, django_capture_on_commit_callbacks
):
    text = "apa bener vaksin bikin mandul?"
    assert message_answer(text=text).kind == "hoax_possible"
    match = PossibleHoaxMatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        r = curator_client.post(f"{ADMIN}/possiblehoaxmatch/{match.pk}/confirm/")
    assert r.status_code == 302
    match.refresh_from_db()
    assert match.state == "confirmed" and match.reviewed_by is not None
    assert text in match.hoax.variants
    assert message_answer(text=text).kind == "hoax"
    r = curator_client.post(
        f"{ADMIN}/possiblehoaxmatch/{match.pk}/reject/", follow=True
    )
    assert "Sudah ditinjau" in r.content.decode()


def test_a_report_becomes_a_draft_hoax_entry(curator_client, starter):
    report = hoax_report_create(
        text="Air rebusan daun pepaya menyembuhkan omicron"
    ).report
    r = curator_client.post(f"{ADMIN}/hoaxreport/{report.pk}/to-draft/")
    entry = HoaxEntry.objects.get(status="draft")
    assert r["Location"] == f"{ADMIN}/hoaxentry/{entry.pk}/change/"
    report.refresh_from_db()
    assert (report.state, report.hoax) == ("linked", entry)


def test_a_report_can_be_linked_to_its_nearest_entry(curator_client, starter):
    report = hoax_report_create(
        text="katanya vaksin covid ada chipnya untuk melacak kita"
    ).report
    assert report.best_match is not None
    curator_client.post(f"{ADMIN}/hoaxreport/{report.pk}/link-best/")
    report.refresh_from_db()
    assert report.hoax == report.best_match and report.state == "linked"
    assert HoaxReport.objects.filter(state="open").count() == 0


def test_stats_show_most_matched_and_the_unanswered_trend(curator_client, starter):
    for _ in range(3):
        message_answer(text="isoman brp hari?")
    message_answer(text="kapan posyandu lansia di tembalang buka")
    page = curator_client.get(f"{ADMIN}/matchstat/", {"days": "7"}).content.decode()
    assert "Berapa lama isolasi mandiri?" in page
    assert "posyandu lansia" in page
    assert "Statistik chatbot" in page


def test_it_lists_entries_due_for_review(curator_client):
    import datetime as dt

    draft(question="Sudah lewat", review_on=dt.date(2020, 1, 1))
    draft(question="Masih lama", review_on=dt.date(2999, 1, 1))
    page = curator_client.get(f"{ADMIN}/faqentry/", {"review": "due"}).content.decode()
    assert "Sudah lewat" in page and "Masih lama" not in page


def test_inbox_buttons_are_real_markup_without_a_literal_br(curator_client, starter):
    message_answer(text="vaksin")
    message_answer(text="Air rebusan daun pepaya menyembuhkan omicron ya")
    hoax_report_create(text="katanya vaksin covid ada chipnya untuk melacak kita")
    for page in ["unansweredquestion", "hoaxreport", "possiblehoaxmatch"]:
        body = curator_client.get(f"{ADMIN}/{page}/").content.decode()
        assert "&lt;br&gt;" not in body, page
        assert "&lt;button" not in body, page
    body = curator_client.get(f"{ADMIN}/unansweredquestion/").content.decode()
    assert 'class="sigap-row-actions"' in body
    assert body.count('formaction="/admin/chatbot/unansweredquestion/') >= 2


def _unanswered(text: str, faq: FaqEntry, score: float) -> UnansweredQuestion:
    return UnansweredQuestion.objects.create(
        text=text, terms=text, language="id", best_faq=faq, best_score=score
    )


def test_it_hides_a_nearest_entry_below_a_useful_score(curator_client, starter):
    faq = FaqEntry.objects.get(key="isoman-durasi", language="id")
    weak = _unanswered("skor bola tadi malam berapa", faq, 0.168)
    strong = _unanswered("isoman 14 hari atau 10 hari", faq, 0.52)
    body = curator_client.get(f"{ADMIN}/unansweredquestion/").content.decode()
    assert body.count(f"rumusan lain dari “{faq.question[:40]}”") == 1
    assert f"/unansweredquestion/{weak.pk}/to-alternate/" not in body
    assert f"/unansweredquestion/{strong.pk}/to-alternate/" in body

    # Not even by hand.
    curator_client.post(f"{ADMIN}/unansweredquestion/{weak.pk}/to-alternate/")
    faq.refresh_from_db()
    weak.refresh_from_db()
    assert weak.text not in faq.alternates and weak.state == "open"
    # The strong one is taken, and the entry's history says where it came from.
    curator_client.post(f"{ADMIN}/unansweredquestion/{strong.pk}/to-alternate/")
    faq.refresh_from_db()
    assert strong.text in faq.alternates
    latest = faq.history.latest()
    assert latest.history_change_reason == "Rumusan lain dari pertanyaan warga"


def test_it_hides_a_nearest_hoax_below_a_useful_score(curator_client, starter):
    hoax = HoaxEntry.objects.get(key="vaksin-microchip")
    weak = HoaxReport.objects.create(
        text="Rapat pengurus masjid setelah isya",
        fingerprint="rapat-masjid",
        best_match=hoax,
        best_score=0.06,
    )
    body = curator_client.get(f"{ADMIN}/hoaxreport/").content.decode()
    assert f"/hoaxreport/{weak.pk}/link-best/" not in body
    assert hoax.claim[:30] not in body
    curator_client.post(f"{ADMIN}/hoaxreport/{weak.pk}/link-best/")
    weak.refresh_from_db()
    assert weak.hoax is None and weak.state == "open"


def test_it_groups_the_same_question_asked_with_other_question_words(starter):
    for text in [
        "jam buka puskesmas rowosari kapan ya",
        "puskesmas rowosari buka jam brp ya",
        "kapan puskesmas rowosari buka?",
    ]:
        assert message_answer(text=text).kind in ("fallback", "faq_suggestions")
    message_answer(text="jadwal vaksin booster di rowosari")
    groups = {q.text: q for q in UnansweredQuestion.objects.all()}
    opening = groups["jam buka puskesmas rowosari kapan ya"]
    assert opening.count == 3
    assert len(groups) == 2
