"""Migration selfcheck/0005: assessments stored before the signals counted a measured
fever get the symptoms their own rule version judged by."""

from __future__ import annotations

import datetime as dt
import uuid
from importlib import import_module

import pytest
from django.apps import apps

from selfcheck.models import Assessment, AssessmentSymptom, RuleSet
from selfcheck.services import assessment_submit

pytestmark = pytest.mark.django_db

migration = import_module("selfcheck.migrations.0005_backfill_measured_symptoms")


def _stored_before_the_migration(at: dt.datetime, **answers) -> Assessment:
    """A self-check as the code before 0005 stored it: ticked symptoms only."""
    assessment, _ = assessment_submit(
        actor=None,
        answers={"age": 30, "exposure": "none", **answers},
        client_key=uuid.uuid4(),
        district_code="33.74.10",
        now=at,
    )
    AssessmentSymptom.objects.filter(assessment=assessment, measured=True).delete()
    return assessment


def _rows(assessment: Assessment) -> set[tuple[str, bool]]:
    return set(
        AssessmentSymptom.objects.filter(assessment=assessment).values_list(
            "symptom", "measured"
        )
    )


@pytest.fixture
def history(regions_semarang):
    v2_start = RuleSet.objects.get(version="triage-v2").starts_at
    v3_start = RuleSet.objects.get(version="triage-v3").starts_at
    # While v2 was in force (v3 followed it, in the test database moments later).
    v1, v2 = v2_start - dt.timedelta(days=1), v2_start + (v3_start - v2_start) / 2
    return {
        "v1_fever": _stored_before_the_migration(v1, temperature_c="38.6"),
        "v2_fever": _stored_before_the_migration(
            v2, temperature_c="38.6", symptoms=["cough"]
        ),
        "v2_at_threshold": _stored_before_the_migration(v2, temperature_c="38.0"),
        "v2_below": _stored_before_the_migration(v2, temperature_c="37.5"),
        "v2_ticked": _stored_before_the_migration(
            v2, temperature_c="39.0", symptoms=["fever"]
        ),
        "v2_unmeasured": _stored_before_the_migration(v2, symptoms=["fatigue"]),
    }


def test_it_backfills_each_assessment_by_its_own_rule_version(history):
    assert AssessmentSymptom.objects.filter(symptom="fever").count() == 1  # ticked

    migration.backfill_measured_symptoms(apps, None)

    assert history["v1_fever"].rule_version == "triage-v1"
    assert _rows(history["v1_fever"]) == set()
    assert history["v2_fever"].rule_version == "triage-v2"
    assert _rows(history["v2_fever"]) == {("cough", False), ("fever", True)}
    assert _rows(history["v2_at_threshold"]) == {("fever", True)}
    assert _rows(history["v2_below"]) == set()
    assert _rows(history["v2_ticked"]) == {("fever", False)}
    assert _rows(history["v2_unmeasured"]) == {("fatigue", False)}
    added = AssessmentSymptom.objects.get(assessment=history["v2_fever"], measured=True)
    assert (added.day, added.district_id) == (
        history["v2_fever"].day,
        history["v2_fever"].district_id,
    )


def test_it_writes_what_a_submission_writes_now(history):
    migration.backfill_measured_symptoms(apps, None)
    backfilled = {key: _rows(a) for key, a in history.items()}

    for assessment in history.values():
        AssessmentSymptom.objects.filter(assessment=assessment).delete()
        assessment.delete()
        assessment_submit(
            actor=None,
            answers=assessment.answers,
            client_key=assessment.client_key,
            district_code=assessment.district_id,
            now=assessment.created_at,
        )
    submitted = {
        key: _rows(Assessment.objects.get(client_key=a.client_key))
        for key, a in history.items()
    }
    assert submitted == backfilled


def test_it_can_run_twice_and_be_reversed(history):
    migration.backfill_measured_symptoms(apps, None)
    once = set(AssessmentSymptom.objects.values_list("assessment_id", "symptom"))

    migration.backfill_measured_symptoms(apps, None)
    assert set(AssessmentSymptom.objects.values_list("assessment_id", "symptom")) == (
        once
    )

    migration.remove_measured_symptoms(apps, None)
    assert not AssessmentSymptom.objects.filter(measured=True).exists()
    # The ticked ones stay: cough, the ticked fever, fatigue.
    assert AssessmentSymptom.objects.count() == 3
    assert _rows(history["v2_fever"]) == {("cough", False)}


def test_it_leaves_answers_it_cannot_judge_alone(history):
    Assessment.objects.filter(pk=history["v2_fever"].pk).update(
        answers={"temperature_c": "38.6"}  # no age: not answers v2 can judge
    )

    migration.backfill_measured_symptoms(apps, None)

    assert _rows(history["v2_fever"]) == {("cough", False)}
    assert _rows(history["v2_at_threshold"]) == {("fever", True)}
