"""The operator's view: each record's state at SATUSEHAT, and a retry."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.cases.services import reports_submit
from core.models import SatusehatRecord
from tests.satusehat.helpers import case_report, nik_for, sync_until_done

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:core_satusehatrecord_changelist")


def test_it_shows_each_records_state_with_the_centres_error(
    centre, lab, client, operator
):
    centre.rejected_niks.add(nik_for(2)[0])
    reports_submit(integrator=lab, reports=[case_report(1), case_report(2)])
    sync_until_done()
    client.force_login(operator)

    page = client.get(CHANGELIST, {"status__exact": "permanent"}).content.decode()

    assert "tidak ditemukan di Dukcapil" in page
    rejected = SatusehatRecord.objects.get(status="permanent")
    found = client.get(CHANGELIST, {"q": str(rejected.object_id)}).content.decode()
    link = reverse("admin:core_satusehatrecord_change", args=[rejected.pk])
    assert link in found
    others = SatusehatRecord.objects.exclude(pk=rejected.pk).values_list(
        "pk", flat=True
    )
    assert all(
        reverse("admin:core_satusehatrecord_change", args=[pk]) not in found
        for pk in others
    )


def test_an_operator_retries_a_rejected_record(centre, lab, client, operator):
    centre.rejected_niks.add(nik_for(2)[0])
    reports_submit(integrator=lab, reports=[case_report(2)])
    sync_until_done()
    row = SatusehatRecord.objects.get()
    assert row.status == "permanent"
    centre.rejected_niks.clear()
    client.force_login(operator)

    response = client.post(
        CHANGELIST, {"action": "retry", "_selected_action": [row.pk]}, follow=True
    )

    assert response.status_code == 200
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, "")
    sync_until_done()
    row.refresh_from_db()
    assert row.status == "sent" and centre.count("Condition") == 1


def test_it_retries_network_errors_and_never_gives_up_on_them(centre, lab, settings):
    reports_submit(integrator=lab, reports=[case_report(1)])
    from core.satusehat import services

    centre.stop()  # nothing listens any more
    result = services.satusehat_sync()

    assert result.sent.failed == 1
    row = SatusehatRecord.objects.get()
    assert row.status == "failed" and row.next_attempt_at is not None
    assert "ConnectError" in row.last_error
