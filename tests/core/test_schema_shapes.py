"""Real responses against the OpenAPI schema the API publishes: lists documented as
bare arrays were returned as envelopes ({next, previous, results}, {parent, results},
{last_seq, events, more}), and 201s were documented as 200."""

from __future__ import annotations

import datetime as dt
import uuid

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.isolation.helpers import enrol
from tests.selfcheck.helpers import URL as ASSESSMENTS
from tests.selfcheck.helpers import body as selfcheck_body

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def _json_schema(node, components):
    """OpenAPI 3.0 -> JSON Schema: $refs inlined, `nullable` as a null alternative,
    boolean exclusive bounds as numbers."""
    if isinstance(node, list):
        return [_json_schema(n, components) for n in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _json_schema(components[node["$ref"].rsplit("/", 1)[-1]], components)
    out = {k: _json_schema(v, components) for k, v in node.items() if k != "nullable"}
    # OpenAPI 3.0's boolean exclusiveMaximum/Minimum qualify maximum/minimum; in
    # JSON Schema they are the bound itself (a DecimalField's max_digits gives one).
    for bound, limit in (
        ("exclusiveMaximum", "maximum"),
        ("exclusiveMinimum", "minimum"),
    ):
        if isinstance(out.get(bound), bool):
            if out.pop(bound) and limit in out:
                out[bound] = out.pop(limit)
    if node.get("nullable"):
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def documented(openapi, method: str, path: str, status: int) -> dict:
    operation = openapi["paths"][path][method]
    assert str(status) in operation["responses"], sorted(operation["responses"])
    content = operation["responses"][str(status)]["content"]["application/json"]
    return _json_schema(content["schema"], openapi["components"]["schemas"])


def check(openapi, response, method: str, path: str) -> dict:
    data = response.json()
    jsonschema.validate(data, documented(openapi, method, path, response.status_code))
    return data


def test_cursor_pages_are_documented_as_pages(
    openapi, alice, nurse, schedule, auth_client
):
    from isolation.teleconsult.models import Booking

    client = auth_client(alice)
    assert client.post(ASSESSMENTS, selfcheck_body(), format="json").status_code == 201
    start = dt.datetime(2030, 3, 4, 1, 0, tzinfo=dt.UTC)
    Booking.objects.create(
        doctor=nurse,
        patient=alice,
        facility_id=nurse.facility_id,
        start=start,
        end=start + dt.timedelta(minutes=30),
        scheduled_at=start - dt.timedelta(days=3),
    )
    enrol(nurse, alice)
    checkin = {"client_id": str(uuid.uuid4()), "spo2": 97, "temperature_c": 37.0}
    assert client.post(
        "/api/v1/isolation/checkins", checkin, format="json"
    ).status_code in (200, 201)

    for path in (
        "/api/v1/selfcheck/assessments",
        "/api/v1/teleconsult/bookings",
        "/api/v1/teleconsult/proposals",
        "/api/v1/isolation/me/checkins",
    ):
        data = check(openapi, client.get(path), "get", path)
        assert set(data) == {"next", "previous", "results"}, path
    assert check(openapi, client.get(ASSESSMENTS), "get", ASSESSMENTS)["results"]


def test_health_workers_pages_are_documented_as_pages(
    openapi, alice, bob, nurse, auth_client
):
    from chatbot.conversation.models import Handoff, HandoffMessage
    from isolation.models import IsolationRequest

    enrol(nurse, alice)
    checkin = {"client_id": str(uuid.uuid4()), "spo2": 91, "temperature_c": 37.0}
    assert auth_client(alice).post(
        "/api/v1/isolation/checkins", checkin, format="json"
    ).status_code in (200, 201)
    IsolationRequest.objects.create(
        patient=bob, facility=nurse.facility, reason="positive_test"
    )
    handoff = Handoff.objects.create(
        channel="telegram", chat_id="101", user=bob, facility=nurse.facility
    )
    HandoffMessage.objects.create(handoff=handoff, direction="in", text="Tolong")
    client = auth_client(nurse)

    for path in (
        "/api/v1/isolation/patients",
        "/api/v1/isolation/alerts",
        "/api/v1/isolation/requests/pending",
        "/api/v1/chatbot/handoffs",
    ):
        data = check(openapi, client.get(path, {"page_size": 1}), "get", path)
        assert set(data) == {"next", "previous", "results"}, path
        assert len(data["results"]) == 1, path


def test_other_envelopes_are_documented_as_they_are(
    openapi, regions_semarang, nurse, api_client, auth_client
):
    search = api_client.get("/api/v1/areas/search", {"q": "tembalang"})
    assert check(openapi, search, "get", "/api/v1/areas/search")["results"]
    children = api_client.get("/api/v1/areas/33.74/children")
    data = check(openapi, children, "get", "/api/v1/areas/{code}/children")
    assert set(data) == {"parent", "results"}
    beds = api_client.get("/api/v1/facilities/beds", {"area": "33.74"})
    data = check(openapi, beds, "get", "/api/v1/facilities/beds")
    assert {"count", "next", "previous", "origin", "results"} == set(data)
    events = auth_client(nurse).get("/api/v1/isolation/events")
    assert set(check(openapi, events, "get", "/api/v1/isolation/events")) == {
        "last_seq",
        "events",
        "more",
    }


def test_creations_are_documented_as_201(openapi, bob, auth_client):
    consent = auth_client(bob).post("/api/v1/me/consent", {}, format="json")
    assert consent.status_code == 201
    check(openapi, consent, "post", "/api/v1/me/consent")
    escalations = openapi["paths"]["/api/v1/psc/escalations"]["post"]["responses"]
    assert {"200", "201"} <= set(escalations)


def test_request_bodies_that_refuse_unknown_fields_say_so(openapi, client):
    """Schemathesis read `type: object` as "other fields welcome" and flagged every
    400 unknown_field as a wrong refusal."""
    body = openapi["paths"]["/api/v1/chatbot/ask"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert openapi["components"]["schemas"][ref]["additionalProperties"] is False

    response = client.post(
        "/api/v1/chatbot/ask",
        {"text": "apa gejala covid?", "extra": 1},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_field"


def test_every_answer_to_a_plain_get_is_as_documented(openapi, demo_world, auth_client):
    """Each GET without path parameters, asked without a query by every demo account
    (as `make run` seeds them): a 200 is what the schema says a 200 is."""
    checked, wrong = 0, []
    for path, item in openapi["paths"].items():
        if "{" in path or "get" not in item:
            continue
        for who, user in demo_world.items():
            response = auth_client(user).get(path)
            if response.status_code != 200 or "json" not in response["Content-Type"]:
                continue
            try:
                check(openapi, response, "get", path)
                checked += 1
            except (jsonschema.ValidationError, AssertionError, KeyError) as exc:
                wrong.append(f"{who} GET {path}: {str(exc)[:300]}")
    assert wrong == []
    assert checked > 20
