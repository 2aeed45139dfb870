from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from core.models import AuditLog, Facility, Region
from selfcheck.models import Assessment, AssessmentSymptom, RuleSet
from selfcheck.services import assessment_submit
from tests.factories import FacilityFactory, RegionFactory
from tests.selfcheck.helpers import URL, body

pytestmark = pytest.mark.django_db


def test_it_judges_an_anonymous_self_check(regions_semarang, submit):
    response = submit()

    assert response.status_code == 201
    data = response.json()
    assert data["risk_level"] == "moderate"
    assert data["rule_version"] == "triage-v3"
    assert data["questionnaire_version"] == "v2"
    assert [r["code"] for r in data["reasons"]] == ["core_symptoms", "fever_measured"]
    assert data["reasons"][0]["text"] == "2 dari 5 gejala utama: demam, batuk"
    assert data["advice"].startswith("Risiko Anda sedang.")
    assert data["district"] == {"code": "33.74.10", "name": "Kecamatan Tembalang"}
    created = dt.datetime.fromisoformat(data["created_at"])
    assert dt.datetime.fromisoformat(data["recheck_after"]) == created + dt.timedelta(
        days=1
    )
    assert [s["kind"] for s in data["next_steps"]] == ["teleconsult"]
    stored = Assessment.objects.get(pk=data["id"])
    assert stored.owner is None
    assert stored.answers["temperature_c"] == "38.2"
    assert set(
        AssessmentSymptom.objects.filter(assessment=stored).values_list(
            "symptom", flat=True
        )
    ) == {"fever", "cough"}
    assert not AuditLog.objects.exists()


def test_it_answers_in_the_requested_language(regions_semarang, submit):
    data = submit(headers={"Accept-Language": "en"}).json()

    assert data["advice"].startswith("Your risk is moderate.")
    assert data["reasons"][0]["text"] == "2 of 5 core symptoms: fever, cough"
    assert data["risk_label"] == "Moderate risk"


def test_it_answers_in_the_signed_in_users_language(alice, auth_client, submit):
    alice.language = "en"
    alice.save()

    data = submit(auth_client(alice)).json()

    assert data["advice"].startswith("Your risk is moderate.")


def test_it_stores_the_owner_and_audits_a_signed_in_submission(
    alice, auth_client, submit
):
    response = submit(auth_client(alice))

    assert response.status_code == 201
    assessment = Assessment.objects.get(pk=response.json()["id"])
    assert assessment.owner == alice
    log = AuditLog.objects.get(action="selfcheck.submit")
    assert log.patient_id == alice.pk and log.target_id == str(assessment.pk)


def test_it_returns_the_same_assessment_for_a_retry(regions_semarang, submit):
    key = str(uuid.uuid4())
    first = submit(client_key=key)
    retry = submit(
        client_key=key,
        symptoms=["cough", "fever", "cough"],
        headers={"Accept-Language": "en"},
    )

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]
    assert retry.json()["advice"].startswith("Your risk")
    assert Assessment.objects.count() == 1


def test_it_refuses_a_client_key_reused_for_other_answers(regions_semarang, submit):
    key = str(uuid.uuid4())
    submit(client_key=key)

    response = submit(client_key=key, symptoms=["fever"])

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "client_key_reused"
    assert "client_key" in response.json()["error"]["fields"]
    assert Assessment.objects.count() == 1


def test_it_refuses_a_client_key_reused_for_another_district(regions_semarang, submit):
    key = str(uuid.uuid4())
    submit(client_key=key)

    assert submit(client_key=key, district_code="33.74.03").status_code == 409


def test_it_keeps_client_keys_apart_per_person(alice, bob, auth_client, submit):
    key = str(uuid.uuid4())

    statuses = [
        submit(client_key=key).status_code,
        submit(auth_client(alice), client_key=key).status_code,
        submit(auth_client(bob), client_key=key).status_code,
    ]

    assert statuses == [201, 201, 201]
    assert Assessment.objects.filter(client_key=key).count() == 3


def test_it_requires_consent_from_a_signed_in_resident(alice, auth_client, submit):
    alice.profile.consent_given_at = None
    alice.profile.save()

    response = submit(auth_client(alice))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "consent_required"
    assert not Assessment.objects.exists()


def test_it_rejects_an_invalid_token(regions_semarang, api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token nope")

    response = api_client.post(URL, body(), format="json")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"age": 121}, "age"),
        ({"age": -1}, "age"),
        ({"age": 30.5}, "age"),
        ({"age": None}, "age"),
        ({"spo2": 49}, "spo2"),
        ({"spo2": 101}, "spo2"),
        ({"temperature_c": 29.9}, "temperature_c"),
        ({"temperature_c": 45.1}, "temperature_c"),
        ({"respiratory_rate": 0}, "respiratory_rate"),
        ({"symptoms": ["fever", "headache"]}, "symptoms.1"),
        ({"symptoms": "fever"}, "symptoms"),
        ({"danger_signs": ["fainting"]}, "danger_signs.0"),
        ({"comorbidities": ["cancer"]}, "comorbidities.0"),
        ({"exposure": "abroad"}, "exposure"),
        ({"exposure": None}, "exposure"),
        ({"shortness_of_breath": True}, "shortness_of_breath"),
        ({"district_code": "33.74.99"}, "district_code"),
        ({"district_code": "33.74"}, "district_code"),
        ({"district_code": "Tembalang"}, "district_code"),
        ({"client_key": "not-a-uuid"}, "client_key"),
        ({"client_key": None}, "client_key"),
        # DRF's UUIDField turned integers and booleans into fixed UUIDs.
        ({"client_key": True}, "client_key"),
        ({"client_key": False}, "client_key"),
        ({"client_key": 0}, "client_key"),
        ({"client_key": 1}, "client_key"),
        ({"client_key": 2**100}, "client_key"),
        ({"client_key": ["0" * 32]}, "client_key"),
    ],
)
def test_it_rejects_bad_input_and_stores_nothing(
    regions_semarang, submit, overrides, field
):
    response = submit(**overrides)

    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"], error
    assert not Assessment.objects.exists()


def test_it_names_every_bad_field_at_once(regions_semarang, api_client):
    response = api_client.post(
        URL, {"age": 200, "spo2": 20, "client_key": "x"}, format="json"
    )

    assert response.status_code == 400
    assert {"age", "spo2", "exposure", "client_key"} <= set(
        response.json()["error"]["fields"]
    )


def test_it_rejects_malformed_json(regions_semarang, api_client):
    response = api_client.post(URL, "{nope", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_request"


def test_it_accepts_a_danger_sign_beside_a_normal_spo2(regions_semarang, submit):
    response = submit(danger_signs=["chest_pain"], spo2=99)

    assert response.status_code == 201
    assert response.json()["risk_level"] == "critical"


def test_it_accepts_the_minimum_body(regions_semarang, api_client):
    response = api_client.post(
        URL,
        {"age": 70, "exposure": "unsure", "client_key": str(uuid.uuid4())},
        format="json",
    )

    assert response.status_code == 201
    data = response.json()
    assert data["risk_level"] == "low"
    assert data["district"] is None
    created = dt.datetime.fromisoformat(data["created_at"])
    assert dt.datetime.fromisoformat(data["recheck_after"]) == created + dt.timedelta(
        days=7
    )
    assert data["next_steps"] == []


def test_it_files_a_kelurahan_under_its_kecamatan(regions_semarang, submit):
    village = Region.objects.filter(parent_id="33.74.10").first()

    response = submit(district_code=village.code)

    assert response.status_code == 201
    assert response.json()["district"]["code"] == "33.74.10"


def test_it_offers_isolation_and_teleconsult_links_for_high_risk(
    regions_semarang, submit
):
    data = submit(symptoms=["fever", "cough", "sore_throat"]).json()

    assert data["risk_level"] == "high"
    assert data["recheck_after"] is not None
    steps = {s["kind"]: s for s in data["next_steps"]}
    assert list(steps) == ["isolation_request", "teleconsult"]
    assert steps["isolation_request"]["method"] == "POST"
    assert steps["isolation_request"]["href"] == "/api/v1/isolation/requests"
    assert steps["isolation_request"]["body"] == {"assessment_id": data["id"]}
    assert steps["teleconsult"]["method"] == "GET"


def test_its_teleconsult_link_answers_with_the_nearest_facilitys_slots(
    regions_semarang, submit, schedule, nurse, alice, auth_client
):
    data = submit(symptoms=["fever", "cough", "sore_throat"]).json()
    step = {s["kind"]: s for s in data["next_steps"]}["teleconsult"]
    assert step["href"] == f"/api/v1/teleconsult/slots?facility={nurse.facility_id}"
    assert step["facility"] == {"id": nurse.facility_id, "name": nurse.facility.name}
    response = auth_client(alice).get(step["href"])
    assert response.status_code == 200, response.content
    assert response.json()  # weekday mornings: free slots


def test_a_warm_submission_reads_its_teleconsult_facility_with_its_context(
    regions_semarang, submit, schedule, nurse, monkeypatch
):
    from django.core.cache import cache

    from selfcheck.selectors import assessments

    high = ["fever", "cough", "sore_throat"]
    submit(symptoms=high)  # the kecamatan's facility is cached now
    reads: list[str] = []

    class ReadsRecorded:
        def __getattr__(self, name):
            return getattr(cache, name)

        def get(self, key, *args, **kwargs):
            reads.append(key)
            return cache.get(key, *args, **kwargs)

    monkeypatch.setattr(assessments, "cache", ReadsRecorded())
    for code in ("33.74.10", "33.74.10.1002"):  # a kecamatan, then one of its villages
        data = submit(symptoms=high, district_code=code).json()
        step = {s["kind"]: s for s in data["next_steps"]}["teleconsult"]
        assert step["facility"]["id"] == nurse.facility_id

    # The kecamatan's code came with the submission's context (one cache round trip);
    # a village's code names another key, so its kecamatan's facility is read apart.
    assert reads == [assessments.teleconsult_cache_key("33.74.10")]


def test_its_teleconsult_link_lists_puskesmas_when_none_offers_it(
    regions_semarang, facilities, submit, api_client
):
    data = submit(symptoms=["fever", "cough", "sore_throat"]).json()
    step = {s["kind"]: s for s in data["next_steps"]}["teleconsult"]
    assert step["href"] == "/api/v1/facilities?kind=puskesmas&district=33.74"
    assert step["then"] == "/api/v1/teleconsult/slots?facility={id}"
    response = api_client.get(step["href"])
    assert response.status_code == 200
    assert response.json() and all(f["kind"] == "puskesmas" for f in response.json())


def test_it_sends_critical_results_to_119_and_the_nearest_referral_hospitals(
    facilities, tembalang_located, submit
):
    far = FacilityFactory(
        name="RS Jauh",
        kind=Facility.Kind.HOSPITAL,
        is_referral=True,
        district_id="33.74.01",
        latitude=-6.2,
        longitude=106.8,
    )
    FacilityFactory(
        name="RS Tutup",
        kind=Facility.Kind.HOSPITAL,
        is_referral=True,
        is_active=False,
        latitude=-7.056,
        longitude=110.44,
    )
    FacilityFactory(name="Puskesmas Dekat", latitude=-7.0566, longitude=110.4408)

    data = submit(spo2=93, headers={"Accept-Language": "en"}).json()

    assert data["risk_level"] == "critical"
    assert data["recheck_after"] is None
    assert "119" in data["advice"]
    first = data["next_steps"][0]
    assert first["kind"] == "emergency_call"
    assert first["phone"] == "119" and first["href"] == "tel:119"
    hospitals = [
        s["facility"] for s in data["next_steps"] if s["kind"] == "referral_hospital"
    ]
    assert [h["name"] for h in hospitals] == [
        "RSUD K.R.M.T. Wongsonegoro",
        "RSUP Dr. Kariadi",
        far.name,
    ]
    assert hospitals[0]["distance_km"] < hospitals[1]["distance_km"] < 20
    assert hospitals[2]["distance_km"] > 300
    kinds = [s["kind"] for s in data["next_steps"]]
    assert kinds[-2:] == ["isolation_request", "teleconsult"]


def test_it_falls_back_to_the_citys_referral_hospitals_without_coordinates(
    facilities, submit
):
    data = submit(danger_signs=["confusion"]).json()

    hospitals = [
        s["facility"] for s in data["next_steps"] if s["kind"] == "referral_hospital"
    ]
    assert [h["name"] for h in hospitals] == [
        "RSUD K.R.M.T. Wongsonegoro",
        "RSUP Dr. Kariadi",
    ]
    assert all(h["distance_km"] is None for h in hospitals)


def test_it_falls_back_to_the_provinces_referral_hospitals(facilities, submit):
    RegionFactory(
        code="33.71", name="Kota Magelang", level=2, kind="kota", parent_id="33"
    )
    RegionFactory(code="33.71.01", name="Magelang Selatan", parent_id="33.71")

    data = submit(danger_signs=["bluish_lips"], district_code="33.71.01").json()

    names = [
        s["facility"]["name"]
        for s in data["next_steps"]
        if s["kind"] == "referral_hospital"
    ]
    assert names == ["RSUD K.R.M.T. Wongsonegoro", "RSUP Dr. Kariadi"]


def test_it_still_gives_119_without_a_district(regions_semarang, submit):
    data = submit(danger_signs=["chest_pain"], district_code=None).json()

    assert [s["kind"] for s in data["next_steps"]] == [
        "emergency_call",
        "isolation_request",
        "teleconsult",
    ]


def test_it_dates_a_submission_in_the_kecamatans_time_zone(regions_semarang):
    from selfcheck.services import assessment_submit

    late_evening_utc = dt.datetime(2026, 1, 1, 18, 0, tzinfo=dt.UTC)  # 01:00 WIB

    assessment, created = assessment_submit(
        actor=None,
        answers={"age": 30, "exposure": "none"},
        client_key=uuid.uuid4(),
        district_code="33.74.10",
        now=late_evening_utc,
    )

    assert created
    assert assessment.day == dt.date(2026, 1, 2)


def test_it_lets_a_health_worker_without_a_profile_consent_first(
    nurse, auth_client, submit
):
    nurse.profile.delete()
    nurse.refresh_from_db()

    response = submit(auth_client(nurse))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "consent_required"


def test_it_stores_an_anonymous_submission_without_identity(regions_semarang, submit):
    submit(headers={"X-Forwarded-For": "10.0.0.1"})

    stored = Assessment.objects.get()
    values = " ".join(str(v) for v in stored.__dict__.values())
    assert stored.owner_id is None
    assert "10.0.0.1" not in values


def test_it_counts_newer_assessments_first_in_the_history(alice, auth_client, submit):
    client = auth_client(alice)
    ids = [submit(client).json()["id"] for _ in range(3)]
    submit()  # anonymous, not hers
    Assessment.objects.filter(pk=ids[0]).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )

    page = client.get(URL, {"page_size": 2}).json()

    assert [a["id"] for a in page["results"]] == [ids[2], ids[1]]
    rest = client.get(page["next"]).json()
    assert [a["id"] for a in rest["results"]] == [ids[0]]
    assert rest["next"] is None


def test_it_throttles_anonymous_callers_by_address_and_users_by_account(
    alice, auth_client, submit, monkeypatch
):
    from selfcheck.api.views import AnonOrUserRateThrottle

    monkeypatch.setattr(
        AnonOrUserRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "3/min"}
    )
    client = auth_client(alice)

    anonymous = [submit().status_code for _ in range(3)]
    signed_in = [submit(client).status_code for _ in range(4)]

    assert anonymous == [201, 201, 429]
    assert signed_in == [201, 201, 201, 429]


def test_it_explains_refusals_in_the_requested_language(alice, auth_client, submit):
    key = str(uuid.uuid4())
    submit(client_key=key)
    conflict = submit(client_key=key, age=35, headers={"Accept-Language": "en"})
    alice.profile.consent_given_at = None
    alice.profile.save()
    refused = submit(auth_client(alice), headers={"Accept-Language": "en"})

    assert conflict.json()["error"]["message"].startswith("This client_key was already")
    assert refused.json()["error"]["message"].startswith("Give consent")


def test_a_withdrawn_consent_applies_to_the_next_submission(alice, auth_client, submit):
    client = auth_client(alice)
    assert submit(client).status_code == 201  # consent now remembered

    assert client.delete("/api/v1/me/consent").status_code in (200, 204)
    refused = submit(client)
    assert client.post("/api/v1/me/consent", {}, format="json").status_code in (
        200,
        201,
    )
    accepted = submit(client)

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "consent_required"
    assert accepted.status_code == 201


def test_a_boolean_client_key_never_returns_someone_elses_assessment(
    regions_semarang, submit
):
    # Another anonymous person's self-check under the UUID `false` used to map to.
    submit(client_key="00000000-0000-0000-0000-000000000000", symptoms=["fever"])

    response = submit(client_key=False, symptoms=["fever"])

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"client_key"}
    assert Assessment.objects.count() == 1


# --- triage-v2 (kept by v3): measured fever, travel -------------------------------


@pytest.mark.parametrize(
    ("temperature", "level", "recheck_days"),
    [(37.9, "low", 7), (38.0, "moderate", 1), (39.9, "moderate", 1)],
)
def test_it_counts_a_measured_temperature_from_38_as_fever(
    submit, temperature, level, recheck_days
):
    response = submit(
        age=30,
        symptoms=[],
        temperature_c=temperature,
        spo2=None,
        respiratory_rate=None,
        district_code=None,
    )

    assert response.status_code == 201
    data = response.json()
    assert data["rule_version"] == "triage-v3"
    assert data["risk_level"] == level
    created = dt.datetime.fromisoformat(data["created_at"])
    assert dt.datetime.fromisoformat(data["recheck_after"]) == created + dt.timedelta(
        days=recheck_days
    )
    codes = [r["code"] for r in data["reasons"]]
    assert ("fever_measured" in codes) is (level != "low")


def test_it_does_not_count_a_measured_fever_twice(submit):
    data = submit(symptoms=["fever"], temperature_c=39.0, district_code=None).json()

    assert data["risk_level"] == "moderate"
    assert data["reasons"][0]["params"] == {"count": 1, "symptoms": ["fever"]}


def _symptom_rows(assessment_id) -> set[tuple[str, bool]]:
    return set(
        AssessmentSymptom.objects.filter(assessment_id=assessment_id).values_list(
            "symptom", "measured"
        )
    )


@pytest.mark.parametrize(
    ("temperature", "ticked", "rows"),
    [
        (38.6, [], {("fever", True)}),
        (38.0, ["cough"], {("cough", False), ("fever", True)}),
        (37.5, ["cough"], {("cough", False)}),
        (None, [], set()),
        (39.0, ["fever"], {("fever", False)}),
    ],
)
def test_it_stores_the_symptoms_triage_judged_for_the_signals(
    regions_semarang, submit, temperature, ticked, rows
):
    response = submit(symptoms=ticked, temperature_c=temperature)

    assert response.status_code == 201
    data = response.json()
    # The version in force (v3 judges symptoms as v2 does: a measured fever counts).
    assert data["rule_version"] == "triage-v3"
    assert _symptom_rows(data["id"]) == rows
    # What the resident ticked is kept as ticked.
    stored = Assessment.objects.get(pk=data["id"])
    assert stored.answers["symptoms"] == sorted(ticked)


def test_triage_v1_stores_a_measured_fever_as_no_symptom(regions_semarang, submit):
    v2_start = RuleSet.objects.get(version="triage-v2").starts_at

    assessment, _ = assessment_submit(
        actor=None,
        answers={"age": 30, "exposure": "none", "temperature_c": "38.6"},
        client_key=uuid.uuid4(),
        district_code="33.74.10",
        now=v2_start - dt.timedelta(days=1),
    )

    assert (assessment.rule_version, assessment.risk_level) == ("triage-v1", "low")
    assert _symptom_rows(assessment.pk) == set()


@pytest.mark.parametrize(
    ("exposure", "symptoms", "level"),
    [
        ("travel", [], "moderate"),
        ("travel", ["cough"], "high"),
        ("close_contact", ["cough"], "high"),
        ("unsure", ["cough"], "moderate"),
    ],
)
def test_it_counts_travel_as_exposure(submit, exposure, symptoms, level):
    response = submit(
        exposure=exposure,
        symptoms=symptoms,
        temperature_c=None,
        district_code=None,
        headers={"Accept-Language": "en"},
    )

    assert response.status_code == 201
    data = response.json()
    assert data["risk_level"] == level
    if exposure == "travel":
        assert data["reasons"][-1] == {
            "code": "exposure",
            "params": {"exposure": "travel"},
            "text": "Travel to an area with COVID-19 transmission",
        }
