from __future__ import annotations

import pytest

from core.models import Region
from tests.selfcheck.helpers import URL, body


@pytest.fixture
def submit(api_client):
    """POST a self-check (anonymously unless a client is given); returns the response."""

    def post(client=None, headers=None, **overrides):
        return (client or api_client).post(
            URL, body(**overrides), format="json", headers=headers or {}
        )

    return post


@pytest.fixture
def tembalang_located(regions_semarang):
    Region.objects.filter(code="33.74.10").update(latitude=-7.0566, longitude=110.4408)
    return Region.objects.get(code="33.74.10")


@pytest.fixture
def stricter_rules(db, django_capture_on_commit_callbacks):
    """Registers a stricter test version; calling the fixture publishes it now."""
    import datetime as dt

    from django.utils import timezone

    from selfcheck import rules, services

    rules.register(
        rules.RuleSpec(
            version="test-strict",
            evaluator=rules.evaluate_symptom_count,
            params={**rules.get_rule("triage-v1").params, "spo2_critical_below": 96},
            title={"id": "uji", "en": "test"},
        )
    )

    def publish(starts_at=None):
        with django_capture_on_commit_callbacks(execute=True):
            return services.ruleset_publish(
                version="test-strict",
                starts_at=starts_at or timezone.now() - dt.timedelta(seconds=1),
                actor=None,
            )

    yield publish
    rules._REGISTRY.pop("test-strict")
