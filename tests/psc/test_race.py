"""Fifty operators take the same case at once: exactly one wins (real PostgreSQL, one
connection per thread); the others are told who has it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.exceptions import Conflict
from core.models import Escalation, EscalationAction, PscEvent, Region
from core.psc import services
from tests.factories import PscOperatorFactory
from tests.helpers import require_postgres, run_together

pytestmark = pytest.mark.django_db(transaction=True)

OPERATORS = 50


def test_exactly_one_of_fifty_operators_takes_a_case(alice, regions_semarang):
    require_postgres()
    operators = PscOperatorFactory.create_batch(OPERATORS)
    escalation = Escalation.objects.create(
        resident=alice,
        region=Region.objects.get(code="33.74"),
        source="app",
        trigger="selfcheck",
        consent_at=timezone.now() - dt.timedelta(minutes=1),
    )

    def taker(op):
        return lambda: services.escalation_take(
            escalation_id=escalation.pk, operator=op
        )

    results = run_together([taker(op) for op in operators], timeout=60)

    winners = [r for r in results if isinstance(r, Escalation)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert len(winners) == 1, [
        r for r in results if not isinstance(r, Escalation | Conflict)
    ]
    assert len(losers) == OPERATORS - 1
    escalation.refresh_from_db()
    winner = escalation.taken_by
    assert winner == winners[0].taken_by
    assert {e.code for e in losers} == {"already_taken"}
    assert {e.fields["taken_by"] for e in losers} == {winner.full_name}
    assert (
        EscalationAction.objects.filter(escalation=escalation, action="take").count()
        == 1
    )
    assert list(PscEvent.objects.filter(kind="take").values_list("seq", flat=True)) == [
        1
    ]
