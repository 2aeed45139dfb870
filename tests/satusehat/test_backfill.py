"""10,000 integrated cases backfilled through a centre failing 10 % of calls: each
arrives exactly once, a re-run changes nothing, the reconciliation finds no difference."""

from __future__ import annotations

import io
import time

import pytest
from django.core.management import call_command

from core.cases.services import reports_submit
from core.models import Case, SatusehatRecord
from core.satusehat.reconcile import reconciliation_run
from tests.helpers import require_postgres
from tests.satusehat.fake_centre import CentreProcess
from tests.satusehat.helpers import case_report, configure, sync_until_done

pytestmark = pytest.mark.django_db
N = 10_000
EXACT = {"Patient": N, "Encounter": N, "Condition": N, "Observation": N}


@pytest.fixture
def centre_process(settings):
    centre = CentreProcess(failure_rate=0.10, seed=20)
    configure(settings, centre)
    yield centre
    centre.stop()


def test_a_backfill_of_10000_cases_arrives_once_and_reconciles(
    centre_process, lab, settings
):
    require_postgres()
    reports = [case_report(n) for n in range(N)]
    for i in range(0, N, 1000):
        reports_submit(integrator=lab, reports=reports[i : i + 1000])
    assert Case.objects.count() == N

    started = time.monotonic()
    out = io.StringIO()
    call_command("satusehat_sync", stdout=out)
    sync_until_done(refresh=False)  # what waited for its back-off
    elapsed = time.monotonic() - started

    stats = centre_process.stats()
    assert stats["counts"] == EXACT, stats
    assert set(stats["duplicates"].values()) == {0}, stats
    assert stats["failures"] > 0.05 * stats["calls"]  # the centre did fail
    assert SatusehatRecord.objects.filter(status="sent").count() == N
    assert f"outbox: {N} records checked, {N} new" in out.getvalue()
    print(f"backfill: {4 * N} resources in {elapsed:.0f} s")

    # Re-running the backfill sends nothing; forcing a resend creates nothing new.
    out = io.StringIO()
    call_command("satusehat_sync", stdout=out)
    assert "sent 0 records" in out.getvalue()
    every_tenth = SatusehatRecord.objects.filter(
        id__in=list(SatusehatRecord.objects.values_list("id", flat=True)[::10])
    )
    every_tenth.update(
        status="pending",
        patient_id="",
        encounter_id="",
        condition_id="",
        observation_ids={},
        sent_fingerprint="",
    )
    sync_until_done()
    stats = centre_process.stats()
    assert stats["counts"] == EXACT, stats
    assert set(stats["duplicates"].values()) == {0}, stats

    run = reconciliation_run()
    assert run.error == ""
    assert (run.sigap_total, run.centre_total, run.difference_count) == (N, N, 0)
    assert all(sigap == centre for _, _, sigap, centre in run.figures)
