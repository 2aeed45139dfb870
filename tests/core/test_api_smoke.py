"""Every GET endpoint answers every role without a server error, in the one error
format when it refuses (demo data loaded; path parameters filled with demo values)."""

from __future__ import annotations

import re

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


PARAMETERS = re.compile(r"\{(\w+)\}")
DEMO_VALUES = {"code": "33.74.10", "channel": "telegram"}


def _get_paths() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        PARAMETERS.sub(lambda m: DEMO_VALUES.get(m.group(1), "1"), path)
        for path, operations in schema["paths"].items()
        if "get" in operations
    )


@pytest.mark.parametrize(
    "who", [None, "alice", "nurse", "health_office", "curator"], ids=str
)
def test_every_get_endpoint_answers_without_a_server_error(demo_world, who):
    client = APIClient()
    if who:
        client.force_authenticate(demo_world[who])
    problems = []
    for path in _get_paths():
        response = client.get(path, HTTP_ACCEPT="application/json")
        if response.status_code >= 500:
            problems.append(f"{path}: {response.status_code}")
        elif response.status_code >= 400 and response.get(
            "Content-Type", ""
        ).startswith("application/json"):
            if "error" not in response.json():
                problems.append(f"{path}: {response.status_code} without error body")
    assert not problems, problems


def _write_paths() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method, PARAMETERS.sub(lambda m: DEMO_VALUES.get(m.group(1), "1"), path))
        for path, operations in schema["paths"].items()
        for method in ("post", "put", "patch")
        if method in operations
    )


JUNK = [
    ('{"unexpected": 1}', "application/json"),
    ("[]", "application/json"),
    ('{"broken": ', "application/json"),
    ("text=hello", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(
    "who", [None, "alice", "nurse", "health_office", "curator"], ids=str
)
def test_every_write_endpoint_refuses_junk_without_a_server_error(demo_world, who):
    client = APIClient()
    if who:
        client.force_authenticate(demo_world[who])
    problems = []
    for method, path in _write_paths():
        for body, content_type in JUNK:
            response = getattr(client, method)(
                path, data=body, content_type=content_type
            )
            if response.status_code >= 500:
                problems.append(f"{method} {path} {body!r}: {response.status_code}")
            elif response.status_code >= 400 and response.get(
                "Content-Type", ""
            ).startswith("application/json"):
                if "error" not in response.json():
                    problems.append(f"{method} {path}: no error body")
    assert not problems, problems
