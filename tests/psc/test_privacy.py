"""PSC 119 and a resident's privacy rights: the escalation's own consent stands
apart from the general one, and an open escalation holds back erasure."""

from __future__ import annotations

from core.models import Escalation, User
from core.psc.services import escalation_act
from tests.psc.test_api import URL, ask

ME = "/api/v1/me"


def test_a_withdrawn_general_consent_does_not_close_the_emergency_channel(
    alice, alice_critical, auth_client
):
    from core.selectors import user_has_consent

    api = auth_client(alice)
    assert api.delete(f"{ME}/consent").status_code == 204
    assert not user_has_consent(User.objects.get(pk=alice.pk))

    # Asking PSC 119 carries its own explicit consent.
    response = ask(api, client_key="k1")

    assert response.status_code == 201, response.content
    escalation = Escalation.objects.get(pk=response.json()["id"])
    assert escalation.resident == alice and escalation.consent_at is not None
    # Still without consent: the open request is returned, and readable.
    again = ask(api, client_key="k2")
    assert again.status_code == 200 and again.json()["id"] == escalation.pk
    assert api.get(f"{URL}/{escalation.pk}").status_code == 200
    mine = api.get(f"{URL}/mine").json()["results"]
    assert [e["id"] for e in mine] == [escalation.pk]
    # The per-request consent is still required.
    refused = api.post(URL, {"consent": False}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "consent_required"


def test_an_open_escalation_holds_back_erasure(alice, alice_critical, auth_client):
    api = auth_client(alice)
    case_id = ask(api).json()["id"]

    response = api.delete(ME)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "active_isolation"
    assert set(error["fields"]) == {"psc"}
    assert f"PSC 119 #{case_id} (Kota Semarang)" in error["fields"]["psc"]
    assert "masih berjalan (Baru, menunggu petugas)" in error["fields"]["psc"]
    assert error["fields"]["psc"] in error["message"]
    assert Escalation.objects.filter(pk=case_id).exists()
    assert User.objects.get(pk=alice.pk).is_active

    english = api.delete(ME, HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    assert english["fields"]["psc"].startswith(f"Your PSC 119 request #{case_id}")

    # Cancelled (before it is taken): erasure goes through and takes it along.
    assert api.post(f"{URL}/{case_id}/cancel", {}, format="json").status_code == 200
    assert api.delete(ME).status_code == 204
    assert not Escalation.objects.filter(pk=case_id).exists()


def test_a_case_in_the_operators_hands_blocks_until_it_is_closed(
    alice, alice_critical, auth_client, operator
):
    api = auth_client(alice)
    case_id = ask(api).json()["id"]
    for action in ("take", "dispatch"):
        escalation_act(escalation_id=case_id, operator=operator, action=action)
        refused = api.delete(ME)
        assert refused.status_code == 409, action
        assert "psc" in refused.json()["error"]["fields"]

    escalation_act(escalation_id=case_id, operator=operator, action="resolve")

    assert api.delete(ME).status_code == 204
