"""On PostgreSQL a self-check is written in one statement (the assessment, its symptom
rows and, signed in, the audit row): the rows must be the ones the transaction path
writes, a refused row must write none of them, and a retry must still change
nothing."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from core.db import insert_together
from core.exceptions import Conflict
from core.models import AuditLog
from selfcheck import services
from selfcheck.models import Assessment, AssessmentSymptom
from tests.selfcheck.helpers import body

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the one-statement write is PostgreSQL's; elsewhere a transaction",
    ),
]

ANSWERS = {k: v for k, v in body().items() if k not in ("district_code", "client_key")}


def _submit(actor, client_key=None, **answers):
    return services.assessment_submit(
        actor=actor,
        answers={**ANSWERS, **answers},
        client_key=client_key or uuid.uuid4(),
        district_code="33.74.10",
    )


def _rows(assessment: Assessment) -> tuple[dict, list[dict], list[dict]]:
    stored = Assessment.objects.values().get(pk=assessment.pk)
    symptoms = list(
        AssessmentSymptom.objects.filter(assessment=assessment)
        .order_by("symptom")
        .values("symptom", "day", "district_id")
    )
    audit = list(
        AuditLog.objects.filter(target_id=str(assessment.pk)).values(
            "actor_id", "actor_role", "action", "target_type", "patient_id", "detail"
        )
    )
    return stored, symptoms, audit


def test_one_statement_writes_the_rows_the_transaction_writes(
    alice, regions_semarang, monkeypatch
):
    with CaptureQueriesContext(connection) as queries:
        fast, created = _submit(alice)
    assert created
    writes = [
        q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"].upper()
    ]
    assert len(writes) == 1, "assessment, symptoms and audit row: one statement"
    assert writes[0].count("INSERT INTO") == 4  # assessment, 2 symptoms, audit

    monkeypatch.setattr(services, "insert_together", lambda objs: False)
    slow, created = _submit(alice)
    assert created

    fast_rows, slow_rows = _rows(fast), _rows(slow)
    differ = {"id", "client_key", "created_at"}
    assert {k: v for k, v in fast_rows[0].items() if k not in differ} == {
        k: v for k, v in slow_rows[0].items() if k not in differ
    }
    assert fast_rows[1] == slow_rows[1] and len(fast_rows[1]) == 2
    assert fast_rows[2] == slow_rows[2] and len(fast_rows[2]) == 1
    assert fast_rows[2][0]["action"] == "selfcheck.submit"


def test_an_anonymous_self_check_is_one_statement_without_audit(regions_semarang):
    with CaptureQueriesContext(connection) as queries:
        assessment, _ = _submit(None, symptoms=["fever"])
    writes = [
        q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"].upper()
    ]
    assert len(writes) == 1 and writes[0].count("INSERT INTO") == 2
    stored, symptoms, audit = _rows(assessment)
    assert stored["owner_id"] is None and [s["symptom"] for s in symptoms] == ["fever"]
    assert audit == []


@pytest.mark.django_db(transaction=True)
def test_a_retry_writes_nothing_more_and_a_refused_row_writes_none(
    alice, regions_semarang
):
    # No transaction around it (as served): the statement is atomic on its own.
    key = uuid.uuid4()
    first, created = _submit(alice, client_key=key)
    assert created
    counts = (
        Assessment.objects.count(),
        AssessmentSymptom.objects.count(),
        AuditLog.objects.count(),
    )

    again, created = _submit(alice, client_key=key)
    assert not created and again.pk == first.pk
    with pytest.raises(Conflict):
        _submit(alice, client_key=key, symptoms=["fever"])

    # The refused statements wrote neither symptom rows nor audit rows.
    assert (
        Assessment.objects.count(),
        AssessmentSymptom.objects.count(),
        AuditLog.objects.count(),
    ) == counts


def test_a_refused_row_inside_a_transaction_leaves_it_usable(alice, regions_semarang):
    first, _ = _submit(alice)
    duplicate = Assessment(
        **{
            f.attname: getattr(first, f.attname)
            for f in Assessment._meta.concrete_fields
            if f.attname != "id"
        }
    )
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            insert_together([duplicate])
        # The savepoint took the refused statement back: the transaction goes on.
        assert Assessment.objects.filter(owner=alice).count() == 1
