"""Reminders, no-shows and proposals run by Celery (eager here, real in CI)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection

from core.models import Notification
from isolation.teleconsult import tasks
from isolation.teleconsult.models import Booking, ConsultationProposal
from isolation.teleconsult.services import (
    bookings_settle,
    proposal_create,
    reminders_send_due,
)
from isolation.teleconsult.services.jobs import _reminder_send
from tests.helpers import require_postgres
from tests.isolation.helpers import danger_alert_create
from tests.teleconsult.helpers import MONDAY_0800_WIB

START = MONDAY_0800_WIB


def reminders(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=f"teleconsult.reminder_{kind}"))


@pytest.mark.django_db
def test_it_sends_each_reminder_once_even_if_the_job_runs_twice(
    clock, nurse, yosef, make_booking
):
    make_booking(START, patient=yosef)
    clock.move_to(START - timedelta(hours=24))
    tasks.send_due_reminders.apply()
    tasks.send_due_reminders.apply()
    assert reminders_send_due() == 0
    sent = reminders("24h")
    assert {n.user_id for n in sent} == {yosef.pk, nurse.pk}
    assert len(sent) == len({(n.user_id, n.channel) for n in sent})

    clock.move_to(START - timedelta(minutes=59))
    assert reminders_send_due() == 1
    assert reminders_send_due() == 0
    hour = reminders("1h")
    assert {n.user_id for n in hour} == {yosef.pk, nurse.pk}
    assert all(n.urgent for n in hour)
    assert len(reminders("24h")) == len(sent)


@pytest.mark.django_db
def test_it_writes_reminders_in_each_persons_time_zone(
    clock, nurse, yosef, make_booking
):
    make_booking(START, patient=yosef)
    clock.move_to(START - timedelta(hours=1))
    reminders_send_due()
    [to_patient] = [n for n in reminders("1h") if n.user_id == yosef.pk]
    [to_doctor] = [n for n in reminders("1h") if n.user_id == nurse.pk]
    assert "04/03/2030 10:00 WIT" in to_patient.body
    assert to_patient.body.startswith("Reminder")  # Yosef reads English
    assert "04/03/2030 08:00 WIB" in to_doctor.body
    # The doctor's reminder names the patient by initials only.
    assert "dengan pasien Y.W. 1 jam lagi" in to_doctor.body
    assert yosef.full_name not in to_doctor.body and to_doctor.subject == yosef


@pytest.mark.django_db
def test_it_claims_a_reminder_in_the_database(clock, make_booking):
    booking = make_booking(START)
    now = START - timedelta(hours=2)
    assert _reminder_send(booking_id=booking.pk, start=START, kind="24h", now=now) == 1
    # A second worker holding the same stale candidate gets nothing.
    assert _reminder_send(booking_id=booking.pk, start=START, kind="24h", now=now) == 0


@pytest.mark.django_db
def test_it_skips_reminders_for_cancelled_and_rescheduled_bookings(clock, make_booking):
    make_booking(START, status="cancelled")
    moved = make_booking(
        START + timedelta(hours=1), scheduled_at=START - timedelta(hours=2)
    )
    clock.move_to(START - timedelta(hours=1, minutes=30))
    assert reminders_send_due() == 0  # the 24 h mark passed before the reschedule
    assert not Notification.objects.exists()
    assert moved.reminder_24h_sent_at is None


@pytest.mark.django_db(transaction=True)
def test_it_sends_a_reminder_once_when_two_workers_race(make_booking, clock):
    require_postgres()
    make_booking(START)
    clock.move_to(START - timedelta(hours=1))
    barrier = threading.Barrier(4)
    counts: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            counts.append(reminders_send_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(counts) == [0, 0, 0, 1]
    assert {n.user_id for n in reminders("1h")} == set(
        Booking.objects.values_list("patient_id", flat=True)
    ) | set(Booking.objects.values_list("doctor_id", flat=True))


@pytest.mark.django_db
def test_it_marks_a_no_show_15_minutes_after_the_start(clock, alice, make_booking):
    booking = make_booking(START)
    clock.move_to(START + timedelta(minutes=14, seconds=59))
    tasks.settle_bookings.apply()
    booking.refresh_from_db()
    assert booking.status == "booked"

    clock.move_to(START + timedelta(minutes=15))
    tasks.settle_bookings.apply()
    tasks.settle_bookings.apply()
    booking.refresh_from_db()
    assert booking.status == "no_show"
    told = Notification.objects.filter(user=alice, kind="teleconsult.no_show")
    assert told.count() == len({n.channel for n in told}) >= 1


@pytest.mark.django_db
def test_it_does_not_mark_a_patient_who_joined(clock, make_booking):
    booking = make_booking(START, patient_joined_at=START - timedelta(minutes=2))
    clock.move_to(START + timedelta(minutes=20))
    assert bookings_settle()["no_show"] == 0
    clock.move_to(booking.end + timedelta(minutes=30))
    assert bookings_settle()["completed"] == 1
    booking.refresh_from_db()
    assert booking.status == "completed"


# --- proposals after a danger sign ---------------------------------------------------


@pytest.mark.django_db
def test_it_proposes_the_earliest_free_slot_without_booking_it(
    clock, schedule, schedule2, nurse, alice, bob, make_booking
):
    make_booking(START, patient=bob)  # 08:00 is taken; 08:30 is the earliest free
    proposal = proposal_create(patient=alice, facility=nurse.facility)
    assert proposal.doctor == nurse
    assert proposal.start == START + timedelta(minutes=30)
    assert proposal.status == "proposed"
    assert not Booking.objects.filter(patient=alice).exists()
    told = Notification.objects.filter(user=alice, kind="teleconsult.proposal")
    assert told.exists()
    assert all(n.urgent for n in told)
    # An open proposal is not repeated.
    assert proposal_create(patient=alice, facility=nurse.facility) is None


@pytest.mark.django_db
def test_it_does_not_propose_to_a_patient_already_booked(
    clock, schedule, nurse, alice, make_booking
):
    make_booking(START + timedelta(days=1))
    assert proposal_create(patient=alice, facility=nurse.facility) is None


@pytest.mark.django_db
def test_it_proposes_nothing_when_the_facility_has_no_slots(clock, nurse, alice):
    assert proposal_create(patient=alice, facility=nurse.facility) is None


@pytest.mark.django_db
def test_it_proposes_a_slot_for_a_danger_alert_once(clock, schedule, nurse, alice):
    alert = danger_alert_create(
        patient=alice,
        facility=nurse.facility,
        start_date=START.date(),
        measured_at=START - timedelta(days=1),
        slot_date=START.date(),
        slot="am",
        spo2=91,
    )
    tasks.propose_consultation_for_alert.apply(args=[alert.pk])
    tasks.propose_consultation_for_alert.apply(args=[alert.pk])
    proposal = ConsultationProposal.objects.get()
    assert proposal.alert_id == alert.pk
    assert proposal.start == START
    assert proposal.facility == nurse.facility


@pytest.mark.django_db
def test_it_ignores_unknown_alerts(clock, schedule):
    tasks.propose_consultation_for_alert.apply(args=[987654])
    assert not ConsultationProposal.objects.exists()


@pytest.mark.django_db
def test_it_expires_proposals_whose_slot_passed(clock, schedule, nurse, alice):
    proposal = proposal_create(patient=alice, facility=nurse.facility)
    clock.move_to(proposal.start)
    assert bookings_settle()["proposals_expired"] == 1
    proposal.refresh_from_db()
    assert proposal.status == "expired"
