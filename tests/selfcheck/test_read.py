from __future__ import annotations

import uuid

import pytest

from selfcheck import rules
from selfcheck.models import Assessment
from tests.selfcheck.helpers import URL

pytestmark = pytest.mark.django_db


def test_it_shows_an_assessment_to_its_owner(alice, auth_client, submit):
    client = auth_client(alice)
    created = submit(client).json()

    response = client.get(f"{URL}/{created['id']}", headers={"Accept-Language": "en"})

    assert response.status_code == 200
    data = response.json()
    assert data["id"] == created["id"]
    assert data["answers"]["symptoms"] == ["cough", "fever"]
    assert data["advice"].startswith("Your risk is moderate.")


def test_it_hides_an_assessment_from_everyone_else(
    alice, bob, nurse, auth_client, submit
):
    mine = submit(auth_client(alice)).json()["id"]
    anonymous = submit().json()["id"]

    for client, assessment_id in [
        (auth_client(bob), mine),
        (auth_client(nurse), mine),
        (auth_client(alice), anonymous),
        (auth_client(alice), str(uuid.uuid4())),
    ]:
        for suffix in ("", "/explain"):
            response = client.get(f"{URL}/{assessment_id}{suffix}")
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "not_found"


def test_it_requires_sign_in_to_read(regions_semarang, api_client, submit):
    assessment_id = submit().json()["id"]

    assert api_client.get(URL).status_code == 401
    assert api_client.get(f"{URL}/{assessment_id}").status_code == 401
    assert api_client.get(f"{URL}/{assessment_id}/explain").status_code == 401


def test_it_lists_only_the_readers_history(alice, bob, auth_client, submit):
    submit(auth_client(alice))
    submit(auth_client(bob))
    submit()

    results = auth_client(alice).get(URL).json()["results"]

    assert len(results) == 1
    assert Assessment.objects.get(pk=results[0]["id"]).owner == alice


def test_it_explains_with_the_stored_rule_version(alice, auth_client, submit):
    client = auth_client(alice)
    created = submit(client, age=64, symptoms=["fever", "cough"]).json()

    response = client.get(
        f"{URL}/{created['id']}/explain", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 200
    data = response.json()
    assert data["rule_version"] == "triage-v3"
    assert data["risk_level"] == data["stored_risk_level"] == "high"
    assert data["consistent"] is True
    assert data["rule"]["params"]["older_age_from"] == 60
    assert data["rule"]["params"]["fever_from_c"] == "38.0"
    assert data["rule"]["params"]["exposed_values"] == ["close_contact", "travel"]
    assert data["rule"]["params"]["temperature_high_from_c"] == "40.0"
    assert data["rule"]["params"]["temperature_critical_from_c"] == "41.0"
    assert data["rule"]["title"].startswith("Triage v3")
    assert [r["text"] for r in data["reasons"]] == [
        "2 of 5 core symptoms: fever, cough",
        "Age 64 (60 or older)",
        "Measured temperature 38.2 °C: fever (38.0 °C or more)",
    ]


def test_it_explains_old_assessments_after_a_new_version_takes_over(
    alice, auth_client, submit, stricter_rules
):
    client = auth_client(alice)
    old = submit(client, spo2=95, symptoms=[]).json()
    stricter_rules()

    new = submit(client, spo2=95, symptoms=[]).json()
    explained = client.get(f"{URL}/{old['id']}/explain").json()

    # 38.2 °C measured counts as fever from triage-v2 on: one core symptom.
    assert (old["rule_version"], old["risk_level"]) == ("triage-v3", "moderate")
    assert (new["rule_version"], new["risk_level"]) == ("test-strict", "critical")
    assert explained["rule_version"] == "triage-v3"
    assert explained["risk_level"] == "moderate" and explained["consistent"] is True


def test_it_serves_the_questionnaire_in_force(api_client, db):
    response = api_client.get("/api/v1/selfcheck/questionnaire")

    assert response.status_code == 200
    data = response.json()
    assert data["version"] == "v2"
    assert data["rule_version"] == "triage-v3"
    questions = {q["key"]: q for q in data["questions"]}
    assert set(rules.ANSWER_FIELDS) | {"district_code"} == set(questions)
    assert questions["spo2"]["min"] == 50 and questions["spo2"]["max"] == 100
    fever = questions["symptoms"]["options"][0]
    assert fever == {"value": "fever", "label": {"id": "Demam", "en": "Fever"}}
    assert "max-age" in response["Cache-Control"]


@pytest.mark.parametrize("overrides", [{}, {"danger_signs": ["chest_pain"]}])
def test_the_answer_built_directly_is_what_its_declared_fields_give(
    regions_semarang, submit, overrides
):
    from rest_framework import serializers

    from selfcheck.api.serializers import AssessmentOutputSerializer

    assert submit(**overrides).status_code == 201
    assessment = Assessment.objects.latest("created_at")
    for lang in ("id", "en"):
        serializer = AssessmentOutputSerializer(assessment, context={"lang": lang})
        built = serializer.to_representation(assessment)
        declared = serializers.Serializer.to_representation(serializer, assessment)

        assert list(built) == list(serializer.fields)
        assert built == dict(declared)
