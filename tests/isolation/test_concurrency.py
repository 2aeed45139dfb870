"""Races that only a real PostgreSQL can show (row locks, unique keys under load)."""

from __future__ import annotations

import pytest

from isolation import services
from isolation.models import CheckIn, DashboardEvent
from tests.helpers import require_postgres, run_together
from tests.isolation.helpers import new_client_id

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_stores_one_checkin_when_retries_race(alice, alice_isolating):
    require_postgres()

    def send():
        return services.checkin_submit(patient=alice, client_id="race-0001", spo2=96)

    results = run_together([send] * 6)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(created for _, created in results) == [False] * 5 + [True]
    assert len({checkin.pk for checkin, _ in results}) == 1
    assert CheckIn.objects.count() == 1


def test_it_numbers_concurrent_events_without_gaps_or_duplicates(
    alice, alice_isolating
):
    require_postgres()

    def send():
        return services.checkin_submit(
            patient=alice, client_id=new_client_id(), spo2=92
        )

    results = run_together([send] * 8)

    assert not [r for r in results if isinstance(r, Exception)], results
    seqs = list(
        DashboardEvent.objects.filter(facility=alice_isolating.facility)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) == 1 + 8 * 2  # enrolment, then a check-in and an alert each


def test_racing_different_reports_under_one_client_id_store_one(alice, alice_isolating):
    from core.exceptions import Conflict
    from isolation.models import Alert

    require_postgres()

    def send(spo2):
        return lambda: services.checkin_submit(
            patient=alice, client_id="race-0003", spo2=spo2
        )

    results = run_together([send(97), send(91)])

    stored = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert [created for _, created in stored] == [True]
    assert [type(r) for r in refused] == [Conflict], refused
    assert refused[0].code == "client_id_reused"
    checkin = CheckIn.objects.get()
    assert checkin.pk == stored[0][0].pk
    # The danger alert exists exactly when the stored report was the dangerous one.
    assert Alert.objects.filter(checkin=checkin).exists() is (checkin.spo2 == 91)
