"""Schemathesis over the whole OpenAPI schema: no request, valid or not, gets a 5xx.

Runs in-process against the WSGI app on the test database, as a resident and as a
health worker, with a bounded number of generated requests per operation (positive and
negative data) so that CI stays within a few minutes. Operations that end the caller's
session or account are excluded explicitly: they would turn the rest of the run into
401s, not find bugs.
"""

from __future__ import annotations

import os

import pytest
from django.core.wsgi import get_wsgi_application

from tests.helpers import api_token_for

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402

EXAMPLES = int(os.environ.get("SIGAP_FUZZ_EXAMPLES", "4"))

#: (method, path) never fuzzed: they end the caller's session or account.
DESTRUCTIVE = {
    ("DELETE", "/api/v1/me"),
    ("POST", "/api/v1/auth/signout"),
}


STATS: dict = {}


def load_schema():
    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    for method, path in DESTRUCTIVE:
        schema = schema.exclude(method=method, path=path)
    return schema


def fuzz(schema, headers: dict) -> tuple[int, list[str]]:
    calls = 0
    errors: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def run(case):
                nonlocal calls
                response = case.call(headers=headers)
                calls += 1
                key = (case.operation.label, response.status_code)
                STATS[key] = STATS.get(key, 0) + 1
                # Documented: GPS lookup before `import_boundaries` ran.
                not_ready = (
                    response.status_code == 503
                    and b"boundaries_not_loaded" in response.content
                )
                if response.status_code >= 500 and not not_ready:
                    errors.append(
                        f"{response.status_code} {case.method} {case.formatted_path}"
                        f" query={case.query!r} body={str(case.body)[:200]!r}"
                    )

            try:
                run()
            except Exception as exc:  # strategy could not be built: report, go on
                if "Unsatisfiable" not in type(exc).__name__:
                    errors.append(f"{operation.label}: {type(exc).__name__}: {exc}")
    return calls, errors


@pytest.fixture(autouse=True)
def _fresh_chatbot_index():
    from chatbot.index import index_reset

    index_reset()
    yield
    index_reset()


@pytest.mark.parametrize("who", ["alice", "nurse"])
def test_no_generated_request_gets_a_server_error(who, demo_world, transactional_db):
    user = demo_world[who]
    token = api_token_for(user)
    schema = load_schema()
    labels = {r.ok().label for r in schema.get_all_operations()}
    assert (
        "DELETE /api/v1/me" not in labels
        and "POST /api/v1/isolation/checkins" in labels
    )

    calls, errors = fuzz(schema, {"Authorization": f"Token {token}"})
    if os.environ.get("SIGAP_FUZZ_STATS"):
        for key, n in sorted(STATS.items()):
            print(key, n)
    assert calls >= len(labels)
    assert errors == []
