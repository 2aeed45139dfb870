"""A health office reads its own region's case data in the admin, and nothing else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AreaDailyFigure, AuditLog, Case, CaseReport, Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(demo_world):
    office = demo_world["health_office"]
    assert office.is_staff and not office.is_superuser
    assert office.region_id == "33.74"
    return office


def _changelist_ids(client, model) -> set:
    url = reverse(f"admin:core_{model._meta.model_name}_changelist")
    response = client.get(url)
    assert response.status_code == 200, url
    return {obj.pk for obj in response.context["cl"].result_list}


def test_it_sees_the_cases_reports_and_figures_of_its_region(client, office):
    assert Case.objects.exists() and CaseReport.objects.exists()
    client.force_login(office)

    assert _changelist_ids(client, Case) == set(
        Case.objects.filter(kelurahan__code__startswith="33.74.").values_list(
            "pk", flat=True
        )[:100]
    )
    assert _changelist_ids(client, CaseReport)
    figures = _changelist_ids(client, AreaDailyFigure)
    assert figures
    assert (
        not AreaDailyFigure.objects.filter(pk__in=figures)
        .exclude(region__code__startswith="33.74")
        .exists()
    )


def test_it_sees_nothing_of_another_region(client, office):
    other = Region.objects.create(
        code="33.01",
        name="Kabupaten Cilacap",
        level=2,
        kind="kabupaten",
        parent_id="33",
    )
    office.region = other
    office.save(update_fields=["region"])
    case = Case.objects.first()
    client.force_login(office)

    assert _changelist_ids(client, Case) == set()
    assert _changelist_ids(client, CaseReport) == set()
    opened = client.get(reverse("admin:core_case_change", args=[case.pk]))
    assert opened.status_code in (302, 403, 404)


def test_opening_a_case_is_audited_and_nothing_can_be_changed(client, office):
    case = Case.objects.filter(kelurahan__code__startswith="33.74.").first()
    client.force_login(office)

    page = client.get(reverse("admin:core_case_change", args=[case.pk]))

    assert page.status_code == 200
    assert AuditLog.objects.filter(
        actor=office, action="case.view", target_id=str(case.pk)
    ).exists()
    assert b'name="_save"' not in page.content
    assert client.post(
        reverse("admin:core_case_delete", args=[case.pk]), {"post": "yes"}
    ).status_code in (302, 403)
    assert Case.objects.filter(pk=case.pk).exists()


def test_it_sees_no_other_admin_page(client, office):
    client.force_login(office)
    index = client.get(reverse("admin:index"))
    visible = {m["object_name"] for a in index.context["app_list"] for m in a["models"]}

    assert visible == {"Case", "CaseReport", "AreaDailyFigure"}
    for name in ("core_user", "selfcheck_assessment", "chatbot_faq", "core_auditlog"):
        try:
            url = reverse(f"admin:{name}_changelist")
        except Exception:  # not registered under that name
            continue
        assert client.get(url).status_code in (302, 403), url
