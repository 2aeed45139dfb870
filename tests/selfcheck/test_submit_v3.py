"""POST /selfcheck/assessments under triage-v3: a very high fever and difficulty
breathing, answers that cannot be, next steps that say whether they need a signed-in
resident, and the signed-in resident's home kecamatan when no kecamatan is given."""

from __future__ import annotations

import uuid

import pytest

from selfcheck.models import Assessment, RuleSet
from tests.selfcheck.helpers import URL

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}


def _quiet(**overrides) -> dict:
    """A body with nothing but what the test gives (no symptom, no measured value)."""
    return {
        "age": 30,
        "symptoms": [],
        "temperature_c": None,
        "spo2": None,
        "respiratory_rate": None,
        "district_code": None,
        **overrides,
    }


def _steps(data: dict) -> dict[str, dict]:
    return {s["kind"]: s for s in data["next_steps"]}


# --- Levels -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("temperature", "level", "reason"),
    [
        (38.6, "moderate", "fever_measured"),
        (40.2, "high", "temperature_high"),
        (41.5, "critical", "temperature_critical"),
    ],
)
def test_it_sends_a_very_high_fever_to_a_doctor_today_and_41_to_the_er(
    regions_semarang, submit, temperature, level, reason
):
    response = submit(headers=EN, **_quiet(temperature_c=temperature))

    assert response.status_code == 201
    data = response.json()
    assert data["rule_version"] == "triage-v3"
    assert data["risk_level"] == level
    assert data["reasons"][-1]["code"] == reason
    if level == "high":
        assert data["reasons"][-1]["text"] == (
            "Measured temperature 40.2 °C: very high fever (40.0 °C or more), needs "
            "a doctor today"
        )
        assert "today" in data["advice"]
        assert "Check again tomorrow" not in data["advice"]
        assert list(_steps(data)) == ["isolation_request", "teleconsult"]
    if level == "critical":
        assert data["reasons"][-1]["text"].startswith(
            "Measured temperature 41.5 °C: dangerously high fever (41.0 °C or more)"
        )
        assert "119" in data["advice"] and data["recheck_after"] is None
        assert data["next_steps"][0]["href"] == "tel:119"
    stored = Assessment.objects.get(pk=data["id"])
    assert (stored.rule_version, stored.risk_level) == ("triage-v3", level)


def test_it_sends_difficulty_breathing_alone_to_care_today(regions_semarang, submit):
    data = submit(headers=EN, **_quiet(symptoms=["breathing_difficulty"])).json()

    assert data["risk_level"] == "high"
    assert [r["text"] for r in data["reasons"]] == [
        "1 of 5 core symptoms: difficulty breathing",
        "Difficulty breathing: a serious symptom, needs a health worker today",
    ]
    assert "today" in data["advice"]


def test_it_keeps_danger_signs_critical_beside_difficulty_breathing(
    regions_semarang, submit
):
    for danger in ({"spo2": 93}, {"respiratory_rate": 26}):
        data = submit(**_quiet(symptoms=["breathing_difficulty"], **danger)).json()
        assert data["risk_level"] == "critical"
        assert data["reasons"][0]["code"] in {"spo2_low", "respiratory_rate_high"}


def test_an_assessment_judged_by_v2_keeps_its_level(alice, auth_client):
    from selfcheck.services import assessment_submit

    # Judged while v2 was in force (from its start, until v3's).
    v2_start = RuleSet.objects.get(version="triage-v2").starts_at
    old, _ = assessment_submit(
        actor=alice,
        answers={"age": 30, "temperature_c": "41.5", "exposure": "none"},
        client_key=uuid.uuid4(),
        now=v2_start,
    )

    response = auth_client(alice).get(f"{URL}/{old.pk}/explain")

    data = response.json()
    assert (data["rule_version"], data["risk_level"]) == ("triage-v2", "moderate")
    assert data["consistent"] is True
    shown = auth_client(alice).get(f"{URL}/{old.pk}").json()
    assert shown["risk_level"] == "moderate"
    assert "Cek ulang besok" in shown["advice"]


# --- Answers that cannot be -------------------------------------------------------


@pytest.mark.parametrize("age", [5, 9, 61, 90])
def test_it_refuses_a_pregnancy_at_an_implausible_age(regions_semarang, submit, age):
    response = submit(headers=EN, **_quiet(age=age, pregnant=True))

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields == {
        "pregnant": "Pregnancy can only be answered for ages 10–60; check the age "
        "and the pregnancy answer."
    }
    assert not Assessment.objects.exists()


def test_it_refuses_a_pregnancy_in_indonesian_too(regions_semarang, submit):
    response = submit(**_quiet(age=5, pregnant=True))

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["pregnant"].startswith(
        "Kehamilan hanya dapat diisi untuk usia 10–60 tahun"
    )


@pytest.mark.parametrize("age", [10, 30, 60])
def test_it_accepts_a_plausible_anonymous_pregnancy(regions_semarang, submit, age):
    response = submit(**_quiet(age=age, pregnant=True))

    assert response.status_code == 201
    assert response.json()["answers"]["pregnant"] is True


def test_it_refuses_a_pregnancy_for_a_profile_recorded_male(bob, auth_client, submit):
    response = submit(auth_client(bob), headers=EN, **_quiet(pregnant=True))

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "pregnant": "Your profile is recorded as male; pregnancy cannot be answered."
    }
    assert not Assessment.objects.exists()
    # Not pregnant, the same man is judged as usual.
    assert submit(auth_client(bob), **_quiet(pregnant=False)).status_code == 201


def test_it_accepts_a_pregnancy_for_a_profile_recorded_female(
    alice, auth_client, submit
):
    response = submit(auth_client(alice), **_quiet(pregnant=True))

    assert response.status_code == 201
    assert Assessment.objects.get().owner == alice


@pytest.mark.parametrize("value", [0, 1, "true", "false", "ya", None, [True]])
def test_it_takes_only_a_json_boolean_for_pregnant(regions_semarang, submit, value):
    response = submit(headers=EN, **_quiet(pregnant=value))

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert list(fields) == ["pregnant"]
    if value is not None:
        assert fields["pregnant"] == "Must be true or false (a JSON boolean)."
    assert not Assessment.objects.exists()


def test_it_refuses_a_non_boolean_in_indonesian_too(regions_semarang, submit):
    response = submit(**_quiet(pregnant=0))

    assert response.json()["error"]["fields"] == {
        "pregnant": "Harus true atau false (boolean JSON)."
    }


# --- Next steps: who may follow them, and where ----------------------------------


def test_every_critical_step_says_whether_it_needs_sign_in(
    facilities, tembalang_located, submit, api_client, schedule, nurse
):
    data = submit(spo2=93).json()

    needs = {(s["kind"], s["requires_sign_in"]) for s in data["next_steps"]}
    assert needs == {
        ("emergency_call", False),
        ("referral_hospital", False),
        ("isolation_request", True),
        ("teleconsult", True),
    }
    for step in data["next_steps"]:
        assert step["href"]
        if step["kind"] == "teleconsult":
            assert api_client.get(step["href"]).status_code == 401
        if step["kind"] == "isolation_request":
            assert api_client.post(step["href"], step["body"]).status_code == 401


def test_the_puskesmas_list_teleconsult_step_needs_sign_in_for_its_slots(
    regions_semarang, facilities, submit, api_client, alice, auth_client
):
    data = submit(**_quiet(symptoms=["cough"])).json()

    assert data["risk_level"] == "moderate"
    step = _steps(data)["teleconsult"]
    assert step["href"] == "/api/v1/facilities?kind=puskesmas"
    assert step["requires_sign_in"] is True
    facility = api_client.get(step["href"]).json()[0]
    slots = step["then"].replace("{id}", str(facility["id"]))
    assert api_client.get(slots).status_code == 401
    assert auth_client(alice).get(slots).status_code == 200


def test_it_finds_hospitals_from_the_residents_home_without_a_district(
    alice, auth_client, submit
):
    data = submit(auth_client(alice), **_quiet(danger_signs=["confusion"])).json()

    assert data["risk_level"] == "critical"
    assert data["district"] is None  # nothing is stored the resident did not give
    hospitals = [
        s["facility"]["name"]
        for s in data["next_steps"]
        if s["kind"] == "referral_hospital"
    ]
    assert hospitals == ["RSUD K.R.M.T. Wongsonegoro", "RSUP Dr. Kariadi"]
    teleconsult = _steps(data)["teleconsult"]
    assert teleconsult["href"] == "/api/v1/facilities?kind=puskesmas&district=33.74"
    assert Assessment.objects.get().district is None


def test_only_an_emergency_reads_the_home_kecamatan(alice, auth_client, submit):
    client = auth_client(alice)
    submit(client, **_quiet(symptoms=["cough"]))  # warm: token, consent, caches

    data = submit(client, **_quiet(symptoms=["cough"])).json()

    assert data["risk_level"] == "moderate"
    # No hospital to find: the teleconsultation step stays the public puskesmas
    # list, and the submission costs no query more than an anonymous one
    # (tests/core/test_tokens_and_limits.py counts them).
    assert _steps(data)["teleconsult"]["href"] == "/api/v1/facilities?kind=puskesmas"


def test_a_given_district_wins_over_the_home_one(alice, auth_client, submit):
    from core.models import Region
    from tests.factories import RegionFactory

    RegionFactory(
        code="33.71", name="Kota Magelang", level=2, kind="kota", parent_id="33"
    )
    RegionFactory(code="33.71.01", name="Magelang Selatan", parent_id="33.71")
    assert Region.objects.filter(code="33.71.01").exists()

    data = submit(
        auth_client(alice),
        **_quiet(symptoms=["cough"], district_code="33.71.01"),
    ).json()

    assert _steps(data)["teleconsult"]["href"] == (
        "/api/v1/facilities?kind=puskesmas&district=33.71"
    )


def test_the_history_reads_a_home_kecamatan_once_per_page(
    alice, auth_client, submit, django_assert_max_num_queries
):
    client = auth_client(alice)
    for _ in range(3):
        submit(client, **_quiet(danger_signs=["chest_pain"]))
    client.get(URL)  # warm: token, consent and facilities' caches

    with django_assert_max_num_queries(8) as queries:
        response = client.get(URL)

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 3
    assert all(
        any(s["kind"] == "referral_hospital" for s in r["next_steps"]) for r in results
    )
    home_reads = [q for q in queries.captured_queries if "home_village" in q["sql"]]
    assert len(home_reads) == 1


# --- Not found ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "Self-check result not found."),
        ("id", "Hasil cek mandiri tidak ditemukan."),
    ],
)
@pytest.mark.parametrize("suffix", ["", "/explain"])
def test_it_says_not_found_in_the_readers_language(
    alice, auth_client, language, message, suffix
):
    response = auth_client(alice).get(
        f"{URL}/{uuid.uuid4()}{suffix}", headers={"Accept-Language": language}
    )

    assert response.status_code == 404
    assert response.json()["error"]["message"] == message
