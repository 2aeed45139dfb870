"""seed_demo's case data goes to SATUSEHAT as it stands."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from core.models import Case, SatusehatRecord
from core.satusehat import fhir
from core.satusehat.reconcile import reconciliation_run

pytestmark = pytest.mark.django_db


def test_the_demo_cases_are_syncable(centre, regions_semarang, zone_rules):
    from core.cases.demo import seed

    seed()
    reportable = Case.objects.exclude(status="discarded").count()
    assert reportable > 10

    out = io.StringIO()
    call_command("satusehat_sync", stdout=out)

    assert SatusehatRecord.objects.filter(status="sent").count() == reportable, (
        out.getvalue()
    )
    assert not SatusehatRecord.objects.exclude(status="sent").exists()
    assert centre.count("Condition") == reportable
    # The demo people have no NIK: they are identified by Sigap's own record id.
    systems = {s for s, _ in centre.identifiers("Patient")}
    assert systems == {fhir.identifier_system("patient", centre_org())}
    assert reconciliation_run().difference_count == 0


def centre_org() -> str:  # the organisation the test centre gives Sigap
    from tests.satusehat.fake_centre import ORG_ID

    return ORG_ID
