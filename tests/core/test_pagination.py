"""Every paged list takes `page_size` (1 to 200) and `cursor` the same way: a value
it cannot honour is a 400 on that field, never a silent default or a clipped page."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

import pytest
from drf_spectacular.generators import SchemaGenerator

from core.api.pagination import MAX_PAGE_SIZE
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

#: Every list the schema documents as a page, and who may read it.
PAGED = {
    "/api/v1/chatbot/handoffs": "nurse",
    "/api/v1/isolation/alerts": "nurse",
    "/api/v1/isolation/me/checkins": "alice",
    "/api/v1/isolation/patients": "nurse",
    "/api/v1/isolation/requests/pending": "nurse",
    "/api/v1/selfcheck/assessments": "alice",
    "/api/v1/teleconsult/bookings": "alice",
    "/api/v1/teleconsult/bookings/{booking_id}/messages": None,  # tests/teleconsult
    "/api/v1/teleconsult/proposals": "alice",
}
#: The health workers' lists paged on a key of several fields (KeysetPagination).
KEYSET = (
    "/api/v1/isolation/alerts",
    "/api/v1/isolation/patients",
    "/api/v1/isolation/requests/pending",
)


@pytest.fixture(scope="module")
def openapi():
    return SchemaGenerator().get_schema(request=None, public=True)


def paged_paths(openapi) -> set[str]:
    paths = set()
    for path, item in openapi["paths"].items():
        ok = item.get("get", {}).get("responses", {}).get("200", {})
        schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
        if schema.get("$ref", "").rsplit("/", 1)[-1].startswith("Paginated"):
            paths.add(path)
    return paths


def cursor(position: str) -> str:
    return base64.b64encode(urlencode({"p": position}).encode()).decode()


def test_the_schema_documents_these_lists_as_pages(openapi):
    assert paged_paths(openapi) == set(PAGED)


def test_every_page_documents_cursor_and_page_size_with_bounds(openapi):
    for path in PAGED:
        parameters = {p["name"]: p for p in openapi["paths"][path]["get"]["parameters"]}
        assert parameters["cursor"]["schema"]["type"] == "string", path
        page_size = parameters["page_size"]["schema"]
        assert page_size["type"] == "integer", path
        assert (page_size["minimum"], page_size["maximum"]) == (1, MAX_PAGE_SIZE)
        assert "400" in openapi["paths"][path]["get"]["responses"]


@pytest.mark.parametrize("path", [p for p, who in PAGED.items() if who])
@pytest.mark.parametrize("value", ["0", "-1", "201", "5000", "abc", "", "2.5"])
def test_it_refuses_a_page_size_out_of_bounds(
    request, auth_client, nurse, alice, path, value
):
    client = auth_client(request.getfixturevalue(PAGED[path]))
    response = client.get(path, {"page_size": value})
    error = assert_error(response, 400)
    assert set(error["fields"]) == {"page_size"}


@pytest.mark.parametrize("path", [p for p, who in PAGED.items() if who])
@pytest.mark.parametrize("value", ["1", str(MAX_PAGE_SIZE)])
def test_it_takes_a_page_size_within_bounds(
    request, auth_client, nurse, alice, path, value
):
    client = auth_client(request.getfixturevalue(PAGED[path]))
    response = client.get(path, {"page_size": value})
    assert response.status_code == 200, response.json()
    assert set(response.json()) == {"next", "previous", "results"}


@pytest.mark.parametrize("path", KEYSET)
@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        cursor("not json"),
        cursor('{"a": 1}'),
        cursor('["1"]'),  # a key of another length
        cursor('["1", "2", "3", "4", "5", "6", "7", "8"]'),
        cursor("[1, 2, 3]"),  # numbers, not the strings the API writes
    ],
)
def test_it_refuses_a_cursor_it_never_gave(auth_client, nurse, path, value):
    response = auth_client(nurse).get(path, {"cursor": value})
    error = assert_error(response, 400, "invalid_cursor")
    assert set(error["fields"]) == {"cursor"}


@pytest.mark.parametrize(
    "key",
    [
        ["x", "2030-03-04T01:00:00+00:00", "1"],  # a rank that is no number
        ["0", "yesterday", "1"],
        ["0", "2030-03-04T01:00:00", "1"],  # naive: which zone?
        ["0", "0001-01-01T00:00:00+07:00", "1"],  # before year 1 in UTC
        ["0", "2030-03-04T01:00:00+00:00", "99999999999999999999"],  # past bigint
        ["0", "2030-03-04T01:00:00+00:00", "1\x00"],
    ],
)
def test_it_refuses_a_forged_alert_cursor_as_a_field_error(auth_client, nurse, key):
    response = auth_client(nurse).get(
        "/api/v1/isolation/alerts", {"cursor": cursor(json.dumps(key))}
    )
    assert assert_error(response, 400, "invalid_cursor")["fields"].keys() == {"cursor"}
