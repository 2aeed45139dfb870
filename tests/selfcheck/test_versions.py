from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.exceptions import ApplicationError
from selfcheck import selectors, services
from selfcheck.models import RuleSet

pytestmark = pytest.mark.django_db


def test_it_starts_with_triage_v3_published_after_v2_and_v1(db):
    assert list(RuleSet.objects.values_list("version", flat=True)) == [
        "triage-v3",
        "triage-v2",
        "triage-v1",
    ]
    assert selectors.rule_version_in_force() == "triage-v3"
    # v3 changes the judgement, not the questions.
    assert selectors.questionnaire_version_in_force() == "v2"
    # Assessments judged before a publication keep the version before it.
    v3 = RuleSet.objects.get(version="triage-v3")
    v2 = RuleSet.objects.get(version="triage-v2")
    assert v2.starts_at < v3.starts_at
    assert selectors.rule_version_in_force(at=v3.starts_at) == "triage-v3"
    before_v3 = v3.starts_at - dt.timedelta(microseconds=1)
    assert selectors.rule_version_in_force(at=before_v3) == "triage-v2"
    before = v2.starts_at - dt.timedelta(seconds=1)
    assert selectors.rule_version_in_force(at=before) == "triage-v1"
    assert selectors.questionnaire_version_in_force(at=before) == "v1"


def test_the_v3_publication_never_starts_with_another_one(db):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("selfcheck.migrations.0006_publish_triage_v3")
    RuleSet.objects.filter(version="triage-v3").delete()
    future = timezone.now() + dt.timedelta(seconds=5)
    RuleSet.objects.filter(version="triage-v2").update(starts_at=future)

    migration.publish(apps, None)
    migration.publish(apps, None)  # idempotent, as the browser tests' reseed runs it

    v3 = RuleSet.objects.get(version="triage-v3")
    assert v3.starts_at == future + dt.timedelta(microseconds=1)


def test_it_switches_version_at_the_published_start(stricter_rules, time_machine):
    start = timezone.now() + dt.timedelta(days=1)
    stricter_rules(starts_at=start)

    assert selectors.rule_version_in_force() == "triage-v3"
    assert selectors.rule_version_in_force(at=start) == "test-strict"
    # Cached publications still decide by the clock, so the switch is on time.
    time_machine.move_to(start + dt.timedelta(seconds=1))
    assert selectors.rule_version_in_force() == "test-strict"


def test_it_refuses_to_publish_back_in_time(stricter_rules):
    with pytest.raises(ApplicationError) as exc:
        stricter_rules(starts_at=timezone.now() - dt.timedelta(hours=1))

    assert "starts_at" in exc.value.fields


def test_it_refuses_an_unknown_version(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.ruleset_publish(
            version="triage-v9", starts_at=timezone.now(), actor=None
        )


def test_it_withdraws_only_versions_that_have_not_started(stricter_rules):
    future = stricter_rules(starts_at=timezone.now() + dt.timedelta(days=2))
    services.publication_withdraw(publication=future)
    started = RuleSet.objects.get(version="triage-v1")

    with pytest.raises(ApplicationError):
        services.publication_withdraw(publication=started)

    assert list(RuleSet.objects.values_list("version", flat=True)) == [
        "triage-v3",
        "triage-v2",
        "triage-v1",
    ]


def test_it_ignores_a_published_version_whose_code_is_gone(db, stricter_rules):
    stricter_rules()
    from selfcheck import rules

    spec = rules._REGISTRY.pop("test-strict")
    try:
        assert selectors.rule_version_in_force() == "triage-v3"
    finally:
        rules._REGISTRY["test-strict"] = spec
