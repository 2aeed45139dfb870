"""A report without danger is written in one statement on PostgreSQL (check-in,
symptom day, audit row, dashboard event); the rows must be the ones the transaction
of `_store` writes, and a retry must still change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.exceptions import Conflict
from core.models import AuditLog
from isolation.models import CheckIn, DashboardEvent, EventCounter, Isolation
from isolation.services import checkins, events
from tests.factories import ResidentFactory
from tests.isolation.helpers import enrol, new_client_id

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the one-statement write is PostgreSQL's; elsewhere `_store` writes",
)

REPORT = {
    "temperature": "37.9",
    "spo2": 96,
    "breathing_rate": 20,
    "symptoms": ["cough", "fatigue"],
    "note": "batuk sejak pagi",
}


@pytest.fixture
def pushed(monkeypatch):
    """The frames pushed to dashboards (after commit: inside the test's transaction,
    within ``django_capture_on_commit_callbacks(execute=True)``)."""
    frames: list[dict] = []
    monkeypatch.setattr(events, "events_push", lambda batch: frames.extend(batch))
    return frames


def _rows(checkin: CheckIn) -> tuple[dict, dict, dict]:
    stored = CheckIn.objects.values().get(pk=checkin.pk)
    audit = AuditLog.objects.values().get(
        action="isolation.checkin.create", target_id=str(checkin.pk)
    )
    event = DashboardEvent.objects.values().get(
        kind=DashboardEvent.Kind.CHECKIN, payload__checkin_id=checkin.pk
    )
    return stored, audit, event


@pytest.mark.django_db
def test_one_statement_writes_the_rows_the_transaction_writes(
    nurse, monkeypatch, pushed, django_capture_on_commit_callbacks
):
    fast_patient = ResidentFactory(full_name="Pasien Satu")
    slow_patient = ResidentFactory(full_name="Pasien Satu")
    fast_isolation = enrol(nurse, fast_patient, days_ago=9)
    slow_isolation = enrol(nurse, slow_patient, days_ago=9)

    pushed.clear()  # the enrolments' events
    with django_capture_on_commit_callbacks(execute=True):
        fast, created = checkins.checkin_submit(
            patient=fast_patient, client_id=new_client_id(), **REPORT
        )
    assert created
    monkeypatch.setattr(checkins, "_store_at_once", lambda **kwargs: None)
    with django_capture_on_commit_callbacks(execute=True):
        slow, _ = checkins.checkin_submit(
            patient=slow_patient, client_id=new_client_id(), **REPORT
        )

    fast_rows, slow_rows = _rows(fast), _rows(slow)
    differ = {"id", "client_id", "isolation_id", "created_at", "target_id"}
    differ |= {"patient_id", "actor_id", "detail", "seq", "payload", "measured_at"}
    for fast_row, slow_row in zip(fast_rows, slow_rows, strict=True):
        assert {k: v for k, v in fast_row.items() if k not in differ} == {
            k: v for k, v in slow_row.items() if k not in differ
        }
    (fast_checkin, fast_audit, fast_event), (_, slow_audit, slow_event) = (
        fast_rows,
        slow_rows,
    )
    assert fast_audit["target_id"] == str(fast.pk)
    assert fast_audit["actor_id"] == fast_audit["patient_id"] == fast_patient.pk
    assert fast_audit["detail"] == {"isolation": fast_isolation.pk}
    assert slow_audit["detail"] == {"isolation": slow_isolation.pk}
    assert fast_event["isolation_id"] == fast_isolation.pk
    assert fast_event["seq"] + 1 == slow_event["seq"]
    unlike = {"checkin_id", "measured_at", "measured_at_label"}
    assert {k: v for k, v in fast_event["payload"].items() if k not in unlike} == {
        k: v for k, v in slow_event["payload"].items() if k not in unlike
    }
    assert fast_event["payload"]["checkin_id"] == fast.pk
    # The symptom day and estimated end moved in both.
    for isolation in (fast_isolation, slow_isolation):
        before = isolation.estimated_end
        isolation.refresh_from_db()
        assert isolation.last_symptom_day == fast_checkin["slot_date"]
        assert isolation.estimated_end > before
    # The returned check-in is the stored one, and the dashboard got its frame.
    assert fast._state.adding is False and fast.pk == fast_checkin["id"]
    assert [f["payload"]["checkin_id"] for f in pushed] == [fast.pk, slow.pk]
    assert [f["seq"] for f in pushed] == [fast_event["seq"], slow_event["seq"]]


@pytest.mark.django_db
def test_a_report_without_danger_is_one_write_statement(alice, alice_isolating):
    with CaptureQueriesContext(connection) as queries:
        checkins.checkin_submit(patient=alice, client_id=new_client_id(), spo2=97)
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].split(None, 1)[0].upper() in ("INSERT", "UPDATE", "WITH")
    ]
    assert len(writes) == 1
    for table in ("checkin", "auditlog", "eventcounter", "dashboardevent"):
        assert f"INSERT INTO {connection.ops.quote_name(table)}" in writes[0] or (
            f"_{table}" in writes[0]
        ), table


@pytest.mark.django_db
def test_postgresql_plans_the_write_once_per_connection(alice, alice_isolating):
    """Prepared statements (DB_PREPARED_STATEMENTS, on by default): once the write
    and the isolation lookup ran DB_PREPARE_THRESHOLD times on a connection,
    PostgreSQL keeps their plans instead of parsing and planning each check-in."""
    from django.conf import settings

    if not settings.DB_PREPARED_STATEMENTS:
        pytest.skip("prepared statements off (DB_PGBOUNCER or DB_PREPARED_STATEMENTS)")
    runs = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] + 1
    for _ in range(runs):
        checkins.checkin_submit(patient=alice, client_id=new_client_id(), spo2=97)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(
        s.startswith('WITH ck AS (INSERT INTO "isolation_checkin"') for s in prepared
    )
    assert any(s.startswith('SELECT "isolation_isolation"."id"') for s in prepared)
    assert CheckIn.objects.filter(isolation=alice_isolating).count() == runs


@pytest.mark.django_db
def test_a_dangerous_report_still_takes_the_transaction(alice, alice_isolating):
    checkin, _ = checkins.checkin_submit(
        patient=alice, client_id=new_client_id(), spo2=88
    )
    assert checkin.alerts.count() == 1
    kinds = DashboardEvent.objects.filter(
        isolation=alice_isolating, kind__in=["checkin", "alert"]
    ).values_list("kind", flat=True)
    assert sorted(kinds) == ["alert", "checkin"]


@pytest.mark.django_db
def test_a_facility_without_a_counter_starts_at_one(
    alice, alice_isolating, pushed, django_capture_on_commit_callbacks
):
    EventCounter.objects.filter(facility=alice_isolating.facility).delete()
    DashboardEvent.objects.filter(facility=alice_isolating.facility).delete()

    with django_capture_on_commit_callbacks(execute=True):
        checkins.checkin_submit(patient=alice, client_id=new_client_id(), spo2=97)
        checkins.checkin_submit(patient=alice, client_id=new_client_id(), spo2=97)

    assert [f["seq"] for f in pushed] == [1, 2]
    assert EventCounter.objects.get(facility=alice_isolating.facility).last_seq == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_retry_changes_nothing(nurse, pushed):
    patient = ResidentFactory()
    isolation = enrol(nurse, patient)
    pushed.clear()  # the enrolment's event
    first, created = checkins.checkin_submit(
        patient=patient, client_id="retry-1", spo2=97, symptoms=["cough"]
    )
    again, created_again = checkins.checkin_submit(
        patient=patient, client_id="retry-1", spo2=97, symptoms=["cough"]
    )
    with pytest.raises(Conflict):
        checkins.checkin_submit(patient=patient, client_id="retry-1", spo2=80)

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and again.spo2 == 97
    assert CheckIn.objects.filter(isolation=isolation).count() == 1
    assert AuditLog.objects.filter(action="isolation.checkin.create").count() == 1
    assert (
        DashboardEvent.objects.filter(isolation=isolation, kind="checkin").count() == 1
    )
    assert [f["kind"] for f in pushed] == ["checkin"]
    assert Isolation.objects.get(pk=isolation.pk).last_symptom_day == first.slot_date


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["one statement", "transaction"])
def test_a_late_report_never_moves_the_symptom_day_back(
    alice, alice_isolating, monkeypatch, path
):
    # The report read the isolation before another one moved its symptom day to
    # today: writing it must not put yesterday back.
    stale = Isolation.objects.get(pk=alice_isolating.pk)
    stale.patient = alice
    today = stale.local_today()
    Isolation.objects.filter(pk=stale.pk).update(
        last_symptom_day=today, estimated_end=today + dt.timedelta(days=3)
    )
    yesterday = dt.datetime.combine(
        today - dt.timedelta(days=1), dt.time(10), tzinfo=stale.tz
    )
    checkin, _ = checkins.checkin_build(
        isolation=stale,
        client_id=new_client_id(),
        measured_at=yesterday,
        temperature=None,
        spo2=97,
        breathing_rate=None,
        symptoms=["cough"],
        danger_signs=[],
        note="",
    )
    if path == "one statement":
        checkins._store_at_once(isolation=stale, checkin=checkin)
    else:
        checkins._store(isolation=stale, checkin=checkin, reasons=[])

    assert CheckIn.objects.filter(pk=checkin.pk).exists()
    stored = Isolation.objects.get(pk=stale.pk)
    assert stored.last_symptom_day == today
    assert stored.estimated_end == today + dt.timedelta(days=3)
