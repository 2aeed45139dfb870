from __future__ import annotations

import threading
import uuid

import pytest
from django.db import connection

from core.exceptions import Conflict
from core.services.regions import regions_load
from selfcheck.models import Assessment
from selfcheck.services import assessment_submit
from tests.helpers import require_postgres


def _race(answers_per_thread: list[dict], key: uuid.UUID) -> list:
    barrier = threading.Barrier(len(answers_per_thread))
    outcomes: list = [None] * len(answers_per_thread)

    def run(i: int, answers: dict) -> None:
        try:
            barrier.wait()
            outcomes[i] = assessment_submit(
                actor=None, answers=answers, client_key=key, district_code="33.74.10"
            )
        except Exception as exc:  # collected and asserted below
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, a))
        for i, a in enumerate(answers_per_thread)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_it_stores_one_assessment_when_retries_race():
    require_postgres()
    regions_load(root="33.74.10")
    key = uuid.uuid4()
    answers = {"age": 40, "exposure": "none", "symptoms": ["fever"]}

    outcomes = _race([answers] * 4, key)

    assert all(isinstance(o, tuple) for o in outcomes), outcomes
    assert len({o[0].pk for o in outcomes}) == 1
    assert sorted(created for _, created in outcomes) == [False, False, False, True]
    assert Assessment.objects.filter(client_key=key).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_rejects_the_loser_of_a_race_with_other_answers():
    require_postgres()
    regions_load(root="33.74.10")
    key = uuid.uuid4()

    outcomes = _race(
        [{"age": 40, "exposure": "none"}, {"age": 41, "exposure": "none"}], key
    )

    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "tuple"]
    assert any(isinstance(o, Conflict) for o in outcomes)
    assert Assessment.objects.filter(client_key=key).count() == 1
