"""What a resident reads from PSC 119 comes in their language (Accept-Language, else
the language their account remembers), and never quotes an API path."""

from __future__ import annotations

import pytest

from core.psc.content import STATUS_LABELS, TEXTS
from core.psc.services import escalation_act
from tests.psc.test_api import URL


@pytest.fixture
def english(alice):
    alice.language = "en"
    alice.save(update_fields=["language"])
    return alice


def post(client, body, **headers):
    return client.post(URL, body, format="json", **headers)


def test_refusals_are_in_english_for_an_english_speaker(
    english, bob, alice_critical, auth_client
):
    api = auth_client(english)
    boolean = post(api, {"consent": "yes"}).json()["error"]
    assert boolean["fields"] == {"consent": "Must be true or false (a JSON boolean)."}
    refused = post(api, {"consent": False}).json()["error"]
    assert refused["code"] == "consent_required"
    assert refused["message"].startswith("Agree to share your location")
    assert refused["fields"] == {"consent": "Required: true to agree."}
    missing = post(api, {"consent": True, "lat": -7.0}).json()["error"]
    assert missing["fields"] == {"lng": "Send lat and lng together."}

    not_eligible = post(
        auth_client(bob), {"consent": True}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()["error"]
    assert not_eligible["code"] == "not_eligible"
    assert not_eligible["message"].startswith("Asking PSC 119 for help is available")
    assert "call 119" in not_eligible["message"]

    not_found = api.get(f"{URL}/999999").json()["error"]
    assert not_found == {
        "code": "escalation_not_found",
        "message": "PSC 119 request not found.",
        "fields": {},
    }


def test_statuses_and_the_late_cancel_are_in_english(
    english, alice_critical, auth_client, operator
):
    api = auth_client(english)
    created = post(api, {"consent": True})
    assert created.json()["status_label"] == "New, waiting for an officer"
    case_id = created.json()["id"]

    escalation_act(escalation_id=case_id, operator=operator, action="take")

    assert api.get(f"{URL}/{case_id}").json()["status_label"] == (
        "An officer is handling it"
    )
    mine = api.get(f"{URL}/mine").json()["results"]
    assert mine[0]["status_label"] == "An officer is handling it"
    late = api.post(f"{URL}/{case_id}/cancel", {}, format="json").json()["error"]
    assert late["code"] == "invalid_transition"
    assert late["message"].startswith("A PSC 119 officer is already handling")

    escalation_act(escalation_id=case_id, operator=operator, action="dispatch")
    ambulance = api.get(f"{URL}/{case_id}", HTTP_ACCEPT_LANGUAGE="id").json()
    assert ambulance["status_label"] == "Ambulans diberangkatkan"
    assert api.get(f"{URL}/{case_id}").json()["status_label"] == (
        "Ambulance on its way"
    )


def test_indonesian_stays_the_default(alice, alice_critical, auth_client):
    response = post(auth_client(alice), {"consent": True})
    assert response.json()["status_label"] == "Baru, menunggu petugas"
    refused = post(auth_client(alice), {"consent": "1"}).json()["error"]
    assert refused["fields"] == {"consent": "Harus true atau false (boolean JSON)."}


def test_every_text_has_both_languages_and_no_api_path():
    for key, texts in {**TEXTS, **STATUS_LABELS}.items():
        assert set(texts) == {"id", "en"}, key
        for text in texts.values():
            assert "/api/" not in text and "POST " not in text, key
