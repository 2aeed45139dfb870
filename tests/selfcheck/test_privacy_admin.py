from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditLog
from core.services.privacy import user_erase, user_export
from selfcheck.models import Assessment, AssessmentSymptom, RuleSet

pytestmark = pytest.mark.django_db


def test_it_exports_a_residents_self_checks(alice, auth_client, submit):
    submit(auth_client(alice))
    submit()

    exported = user_export(user=alice)["selfcheck_assessments"]

    assert len(exported) == 1
    assert exported[0]["risk_level"] == "moderate"
    assert exported[0]["answers"]["symptoms"] == ["cough", "fever"]


def test_it_erases_a_residents_self_checks(alice, bob, auth_client, submit):
    submit(auth_client(alice))
    submit(auth_client(bob))

    user_erase(user=alice)

    assert list(Assessment.objects.values_list("owner", flat=True)) == [bob.pk]
    assert AssessmentSymptom.objects.count() == 2
    assert AuditLog.objects.filter(action="selfcheck.erase", patient=alice).exists()


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


def test_curators_browse_versions_and_only_the_operator_assessments(
    curator_client, alice, auth_client, submit, operator, client
):
    assessment_id = submit(auth_client(alice)).json()["id"]
    assessments = (
        "/admin/selfcheck/assessment/",
        f"/admin/selfcheck/assessment/{assessment_id}/change/",
    )

    for url in (
        "/admin/selfcheck/ruleset/",
        "/admin/selfcheck/questionnaire/",
        f"/admin/selfcheck/ruleset/{RuleSet.objects.get(version='triage-v1').pk}/change/",
    ):
        assert curator_client.get(url).status_code == 200, url
    for url in assessments:  # health data: not chatbot content
        assert curator_client.get(url).status_code in (302, 403), url
    client.force_login(operator)
    for url in assessments:
        assert client.get(url).status_code == 200, url
    assert AuditLog.objects.filter(
        action="selfcheck.admin_view", target_id=assessment_id
    ).exists()


def test_it_publishes_a_rule_version_from_the_admin(
    curator_client, curator, stricter_rules
):
    start = timezone.localtime(timezone.now() + dt.timedelta(days=3))

    response = curator_client.post(
        "/admin/selfcheck/ruleset/add/",
        {
            "version": "test-strict",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
            "note": "lebih ketat",
        },
    )

    assert response.status_code == 302
    published = RuleSet.objects.get(version="test-strict")
    assert published.published_by == curator


def test_it_refuses_a_backdated_publication_in_the_admin(
    curator_client, stricter_rules
):
    start = timezone.localtime(timezone.now() - dt.timedelta(days=3))

    response = curator_client.post(
        "/admin/selfcheck/ruleset/add/",
        {
            "version": "test-strict",
            "starts_at_0": start.strftime("%Y-%m-%d"),
            "starts_at_1": start.strftime("%H:%M:%S"),
        },
    )

    assert response.status_code == 200
    assert not RuleSet.objects.filter(version="test-strict").exists()


def test_it_keeps_started_versions_and_assessments_read_only(curator_client):
    started = RuleSet.objects.get(version="triage-v1")

    assert (
        curator_client.post(
            f"/admin/selfcheck/ruleset/{started.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert curator_client.get("/admin/selfcheck/assessment/add/").status_code == 403
    assert RuleSet.objects.filter(pk=started.pk).exists()


def test_it_keeps_other_staff_out_of_the_self_check_admin(client, nurse):
    nurse.is_staff = True
    nurse.save()
    client.force_login(nurse)

    assert client.get("/admin/selfcheck/assessment/").status_code == 403
