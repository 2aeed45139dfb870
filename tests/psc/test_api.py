"""PSC 119 escalations through the API: created by a resident (critical self-check,
danger check-in) or a nurse (danger alert); worked by their kab/kota's operators."""

from __future__ import annotations

from core.models import AuditLog, Escalation, Notification
from tests.beds.helpers import report

URL = "/api/v1/psc/escalations"


def ask(client, **body):
    return client.post(URL, {"consent": True, **body}, format="json")


def test_a_resident_with_a_critical_selfcheck_asks_psc_for_help(
    alice, alice_critical, auth_client, operator
):
    response = ask(auth_client(alice), client_key="k1", lat=-7.06, lng=110.44)

    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "new" and data["region"]["code"] == "33.74"
    escalation = Escalation.objects.get(pk=data["id"])
    assert escalation.trigger == "selfcheck" and escalation.source == "app"
    assert str(escalation.assessment_id) == alice_critical
    assert escalation.health["spo2"] == 88 and escalation.urgency == 3
    assert escalation.consent_at is not None
    assert escalation.district_id == "33.74.10"
    assert Notification.objects.filter(user=alice, kind="psc.create").exists()

    again = ask(auth_client(alice), client_key="k1", lat=-7.06, lng=110.44)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    other_key = ask(auth_client(alice), client_key="k2")
    assert other_key.status_code == 200 and other_key.json()["id"] == data["id"]
    assert Escalation.objects.count() == 1


def test_it_needs_explicit_consent_and_a_reason(
    alice, bob, alice_critical, auth_client
):
    refused = auth_client(alice).post(URL, {"consent": False}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "consent_required"
    missing = auth_client(alice).post(URL, {}, format="json")
    assert missing.status_code == 400 and "consent" in missing.json()["error"]["fields"]
    unknown = ask(auth_client(alice), phone="+628")
    assert unknown.status_code == 400 and "phone" in unknown.json()["error"]["fields"]
    half = ask(auth_client(alice), lat=-7.0)
    assert half.status_code == 400

    no_reason = ask(auth_client(bob))
    assert no_reason.status_code == 409
    assert no_reason.json()["error"]["code"] == "not_eligible"
    assert not Escalation.objects.filter(resident=bob).exists()


def test_a_danger_checkin_lets_a_resident_ask(alice, danger_alert, auth_client):
    response = ask(auth_client(alice))

    assert response.status_code == 201
    escalation = Escalation.objects.get()
    assert escalation.trigger == "checkin"
    assert escalation.checkin_id == danger_alert.checkin_id
    assert escalation.facility_id == danger_alert.isolation.facility_id
    assert escalation.health["danger_signs"] == ["chest_pain"]
    # The isolation's nurses are told, of the patient by initials only.
    nurse_id = danger_alert.isolation.facility.staff.first().pk
    told = Notification.objects.get(user_id=nurse_id, kind="psc.create")
    assert told.body == "Pasien A.W. diteruskan ke PSC 119 Kota Semarang."
    assert told.subject == alice


def test_a_nurse_escalates_a_danger_alert_once(
    nurse, nurse2, danger_alert, auth_client, alice
):
    response = auth_client(nurse).post(
        URL, {"alert_id": danger_alert.pk}, format="json"
    )
    again = auth_client(nurse).post(URL, {"alert_id": danger_alert.pk}, format="json")

    assert response.status_code == 201 and again.status_code == 200
    escalation = Escalation.objects.get()
    assert escalation.source == "nurse" and escalation.created_by == nurse
    assert escalation.resident == alice and escalation.region_id == "33.74"
    other = auth_client(nurse2).post(URL, {"alert_id": danger_alert.pk}, format="json")
    assert other.status_code == 404
    bad = auth_client(nurse).post(URL, {"alert_id": "x"}, format="json")
    assert bad.status_code == 400


def test_a_nurse_escalates_from_the_dashboard(nurse, danger_alert):
    from django.test import Client

    client = Client()
    client.force_login(nurse)
    board = client.get("/dashboard/").content.decode()
    assert f"/dashboard/alerts/{danger_alert.pk}/psc/" in board

    response = client.post(f"/dashboard/alerts/{danger_alert.pk}/psc/")

    assert response.status_code == 302
    escalation = Escalation.objects.get(alert_id=danger_alert.pk)
    assert escalation.source == "nurse"


def test_residents_may_not_read_the_queue(
    alice, alice_critical, auth_client, api_client
):
    assert auth_client(alice).get(URL).status_code == 403
    assert api_client.get(URL).status_code == 401


def test_an_operator_works_a_case_and_everyone_is_told(
    alice, alice_critical, auth_client, operator, kariadi, nurse
):
    report(kariadi, {"icu_ventilator": {"total": 4, "free": 2}})
    case_id = ask(auth_client(alice), lat=-7.06, lng=110.44).json()["id"]
    client = auth_client(operator)

    queue = client.get(URL).json()["results"]
    assert [c["id"] for c in queue] == [case_id]
    assert "phone" not in queue[0] and "health" not in queue[0]
    # The console names where a case came from in words, not the code ("nurse").
    assert queue[0]["source"] == "app" and queue[0]["source_label"] == "Aplikasi"

    detail = client.get(f"{URL}/{case_id}").json()
    assert detail["contact"]["phone"] == alice.phone
    assert detail["health"]["spo2"] == 88
    assert detail["hospitals"][0]["name"] == "RSUP Dr. Kariadi"
    assert detail["hospitals"][0]["free_needed"] == 2
    assert AuditLog.objects.filter(
        actor=operator, action="psc.escalation.view", patient=alice
    ).exists()

    steps = [
        ("take", {}),
        ("call", {"note": "Warga menjawab"}),
        ("dispatch", {}),
        ("refer", {"facility_id": kariadi.pk}),
        ("resolve", {"note": "Tiba di IGD"}),
    ]
    for action, body in steps:
        response = client.post(f"{URL}/{case_id}/{action}", body, format="json")
        assert response.status_code == 200, (action, response.json())

    escalation = Escalation.objects.get(pk=case_id)
    assert escalation.status == "resolved" and escalation.referred_to == kariadi
    assert escalation.taken_at and escalation.dispatched_at and escalation.closed_at
    assert [a.action for a in escalation.actions.all()] == [
        "create",
        "take",
        "call",
        "dispatch",
        "refer",
        "resolve",
    ]
    kinds = set(Notification.objects.filter(user=alice).values_list("kind", flat=True))
    assert {"psc.take", "psc.call", "psc.dispatch", "psc.refer", "psc.resolve"} <= kinds
    refer = Notification.objects.filter(user=alice, kind="psc.refer").first()
    assert "RSUP Dr. Kariadi" in refer.body
    assert client.get(URL).json()["results"] == []
    closed = client.get(URL, {"status": "closed"}).json()["results"]
    assert [c["id"] for c in closed] == [case_id]


def test_steps_follow_the_rules(
    alice, alice_critical, auth_client, operator, operator2
):
    case_id = ask(auth_client(alice)).json()["id"]
    client = auth_client(operator)

    early = client.post(f"{URL}/{case_id}/dispatch", {}, format="json")
    assert early.status_code == 409
    assert early.json()["error"]["code"] == "invalid_transition"
    client.post(f"{URL}/{case_id}/take", {}, format="json")
    other = auth_client(operator2).post(f"{URL}/{case_id}/dispatch", {}, format="json")
    assert other.status_code == 409 and other.json()["error"]["code"] == "held_by_other"
    refer = client.post(f"{URL}/{case_id}/refer", {}, format="json")
    assert refer.status_code == 400 and "facility_id" in refer.json()["error"]["fields"]
    unknown = client.post(f"{URL}/{case_id}/fly", {}, format="json")
    assert unknown.status_code == 404
    resident_cancel = auth_client(alice).post(
        f"{URL}/{case_id}/cancel", {}, format="json"
    )
    assert resident_cancel.status_code == 409


def test_a_resident_cancels_before_it_is_taken_and_sees_their_own(
    alice, bob, alice_critical, auth_client
):
    case_id = ask(auth_client(alice)).json()["id"]
    assert auth_client(bob).get(f"{URL}/{case_id}").status_code == 404
    assert auth_client(alice).get(f"{URL}/{case_id}").json()["status"] == "new"

    response = auth_client(alice).post(f"{URL}/{case_id}/cancel", {}, format="json")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert [
        e["id"] for e in auth_client(alice).get(f"{URL}/mine").json()["results"]
    ] == [case_id]


def test_a_psc_of_another_kota_sees_nothing(
    alice, alice_critical, auth_client, magelang_operator
):
    case_id = ask(auth_client(alice)).json()["id"]
    client = auth_client(magelang_operator)

    assert client.get(URL).json()["results"] == []
    assert client.get(f"{URL}/{case_id}").status_code == 404
    taken = client.post(f"{URL}/{case_id}/take", {}, format="json")
    assert taken.status_code == 404
    assert Escalation.objects.get(pk=case_id).status == "new"


def test_the_health_office_sees_response_times_per_day(
    alice, alice_critical, auth_client, operator, health_office
):
    case_id = ask(auth_client(alice)).json()["id"]
    client = auth_client(operator)
    client.post(f"{URL}/{case_id}/take", {}, format="json")
    client.post(f"{URL}/{case_id}/dispatch", {}, format="json")

    response = auth_client(health_office).get(
        "/api/v1/psc/response-times", {"area": "33.74"}
    )

    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["regency"]["code"] == "33.74"
    assert (
        row["escalations"] == 1 and row["acknowledged"] == 1 and row["dispatched"] == 1
    )
    assert row["ack_seconds_median"] >= 0 and row["ack_late"] == 0
    assert (
        auth_client(operator)
        .get("/api/v1/psc/response-times", {"area": "33.74"})
        .status_code
        == 403
    )


def test_response_times_are_for_the_health_office_of_that_wilayah_kerja(
    auth_client, health_office, jakarta_office, curator
):
    url = "/api/v1/psc/response-times"
    assert auth_client(curator).get(url, {"area": "33.74"}).status_code == 403
    outside = auth_client(jakarta_office).get(url, {"area": "33.74"})
    assert outside.status_code == 404
    assert outside.json()["error"]["code"] == "area_not_found"
    assert auth_client(health_office).get(url, {"area": "33"}).status_code == 404
    assert auth_client(health_office).get(url, {"area": "33.74"}).status_code == 200
    assert auth_client(health_office).get(url, {"area": "33.74.10"}).status_code == 400


def test_consent_is_a_json_boolean_only(alice, alice_critical, auth_client):
    for value in ("yes", "true", 1, "on"):
        response = auth_client(alice).post(URL, {"consent": value}, format="json")
        assert response.status_code == 400, value
        assert response.json()["error"]["fields"] == {
            "consent": "Harus true atau false (boolean JSON)."
        }
    assert not Escalation.objects.exists()
    assert ask(auth_client(alice)).status_code == 201


def test_an_empty_note_is_refused_and_logs_no_step(
    alice, alice_critical, auth_client, operator
):
    case_id = ask(auth_client(alice)).json()["id"]
    client = auth_client(operator)

    for note in ("", "   "):
        response = client.post(f"{URL}/{case_id}/note", {"note": note}, format="json")
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["note"]
    missing = client.post(f"{URL}/{case_id}/note", {}, format="json")
    assert missing.status_code == 400
    assert Escalation.objects.get(pk=case_id).actions.filter(action="note").count() == 0
    ok = client.post(
        f"{URL}/{case_id}/note", {"note": "keluarga ditelepon"}, format="json"
    )
    assert ok.status_code == 200


def test_residents_and_operators_get_times_written_the_same_way(
    alice, alice_critical, auth_client, operator
):
    case_id = ask(auth_client(alice), lat=-7.06, lng=110.44).json()["id"]
    auth_client(operator).post(f"{URL}/{case_id}/take", {}, format="json")

    mine = auth_client(alice).get(f"{URL}/{case_id}").json()
    detail = auth_client(operator).get(f"{URL}/{case_id}").json()

    times = [
        mine["created_at"],
        mine["taken_at"],
        detail["created_at"],
        detail["taken_at"],
        detail["health"]["at"],
        *[s["at"] for s in detail["steps"]],
    ]
    assert all(t.endswith("Z") and "+00:00" not in t for t in times), times
    assert detail["created_at"] == mine["created_at"]
