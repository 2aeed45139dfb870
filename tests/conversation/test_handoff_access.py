"""Handoff transcripts: staff see those of their own puskesmas or assigned to
them, and every read is in the audit log."""

from __future__ import annotations

import pytest

from chatbot.conversation.models import Handoff
from core.models import AuditLog

LIST = "/api/v1/chatbot/handoffs"


@pytest.fixture
def alices_handoff(db, alice, nurse, link_chat):
    chat = link_chat(alice)
    chat.send(choice="m:handoff")
    chat.send("SpO2 saya 92, NIK 3374105204910001")
    handoff = Handoff.objects.get()
    assert handoff.facility_id == nurse.facility_id  # her home puskesmas
    return handoff


def test_another_puskesmas_sees_nothing(alices_handoff, nurse2, auth_client):
    client = auth_client(nurse2)

    listed = client.get(f"{LIST}?status=all")
    reply = client.post(
        f"{LIST}/{alices_handoff.pk}/reply", {"text": "Halo"}, format="json"
    )
    close = client.post(f"{LIST}/{alices_handoff.pk}/close")

    assert listed.status_code == 200 and listed.json()["results"] == []
    assert "SpO2" not in listed.content.decode()
    assert (reply.status_code, close.status_code) == (404, 404)


def test_her_puskesmas_reads_it_and_the_read_is_audited(
    alices_handoff, alice, nurse, auth_client
):
    listed = auth_client(nurse).get(LIST)

    assert [h["id"] for h in listed.json()["results"]] == [alices_handoff.pk]
    row = AuditLog.objects.get(action="chatbot.handoff.list", actor=nurse)
    assert row.detail["handoffs"] == [alices_handoff.pk]


def test_a_handoff_assigned_to_someone_is_theirs_to_read(
    alices_handoff, nurse2, auth_client
):
    Handoff.objects.filter(pk=alices_handoff.pk).update(assigned_to=nurse2)

    listed = auth_client(nurse2).get(LIST)

    assert [h["id"] for h in listed.json()["results"]] == [alices_handoff.pk]


def test_curators_answer_unlinked_chats_only(db, alices_handoff, curator):
    from tests.conversation.helpers import Chat

    chat = Chat(channel="telegram", chat_id="5550099")
    chat.send(choice="m:handoff")
    chat.send("Halo, saya belum punya akun")
    unlinked = Handoff.objects.get(facility__isnull=True)
    from chatbot.conversation.selectors import handoff_list_for_staff

    curator.is_superuser = False
    visible = list(handoff_list_for_staff(actor=curator, status=None))

    assert visible == [unlinked]


def test_the_admin_transcript_page_audits_the_read(
    alices_handoff, alice, nurse, client
):
    from core.models import User

    operator = User.objects.create_superuser("+6281100000077", "sigap-demo-op")
    client.force_login(operator)

    page = client.get(
        f"/admin/chatbot_conversation/handoff/{alices_handoff.pk}/change/"
    )

    assert page.status_code == 200
    assert AuditLog.objects.filter(
        action="chatbot.handoff.read", actor=operator, patient=alice
    ).exists()
