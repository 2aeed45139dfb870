from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from core.exceptions import ApplicationError, Conflict, NotFound
from core.models import AuditLog, Facility, Notification, User
from isolation import rules, selectors, services
from isolation.models import (
    Alert,
    CheckIn,
    DashboardEvent,
    Isolation,
    IsolationRequest,
    Note,
)
from tests.isolation.helpers import enrol, new_client_id

pytestmark = pytest.mark.django_db


def local(isolation: Isolation, days: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in the patient's zone, ``days`` after today."""
    today = timezone.now().astimezone(isolation.tz).date()
    return dt.datetime.combine(
        today + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=isolation.tz
    )


def submit(patient, **values):
    values.setdefault("client_id", new_client_id())
    return services.checkin_submit(patient=patient, **values)


# --- check-ins ------------------------------------------------------------------------


def test_it_stores_a_checkin_once_per_client_id(alice, alice_isolating):
    first, created = submit(
        alice,
        client_id="phone-1-abc",
        spo2=97,
        temperature=Decimal("36.8"),
        symptoms=["cough", "fatigue"],
    )
    # The same report as stored: the symptoms' order and repeats say nothing.
    again, created_again = submit(
        alice,
        client_id="phone-1-abc",
        spo2=97,
        temperature=Decimal("36.8"),
        symptoms=["fatigue", "cough", "cough"],
    )

    assert created is True and created_again is False
    assert again.pk == first.pk
    assert CheckIn.objects.filter(isolation=alice_isolating).count() == 1


def test_it_refuses_a_client_id_reused_for_another_report(alice, alice_isolating):
    first, _ = submit(alice, client_id="phone-1-abc", spo2=97, temperature=36.8)

    with pytest.raises(Conflict) as exc:
        submit(alice, client_id="phone-1-abc", spo2=80, temperature=36.8)

    assert exc.value.status == 409
    assert exc.value.code == "client_id_reused"
    assert "client_id" in exc.value.fields
    assert list(CheckIn.objects.values_list("pk", "spo2")) == [(first.pk, 97)]
    assert not Alert.objects.exists()


def test_it_refuses_a_reused_client_id_after_the_isolation_closed(
    alice, alice_isolating, nurse
):
    submit(alice, client_id="late-retry-2", spo2=96)
    services.isolation_status_change(
        actor=nurse, isolation_id=alice_isolating.pk, status="released"
    )
    with pytest.raises(Conflict) as exc:
        submit(alice, client_id="late-retry-2", spo2=90)
    assert exc.value.code == "client_id_reused"


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"danger_signs": []},
        {"note": "   "},
        {"symptoms": None},
    ],
)
def test_it_refuses_a_checkin_that_says_nothing(alice, alice_isolating, values):
    with pytest.raises(ApplicationError) as exc:
        submit(alice, **values)
    assert (exc.value.status, exc.value.code) == (400, "empty_checkin")
    assert {"spo2", "symptoms", "note"} <= exc.value.fields.keys()
    assert not CheckIn.objects.exists()


def test_an_empty_symptom_list_is_the_answer_no_symptoms(alice, alice_isolating):
    checkin, created = submit(alice, symptoms=[])
    assert created and checkin.symptoms == [] and not checkin.unwell


def test_it_answers_a_retry_that_arrives_after_the_isolation_closed(
    alice, alice_isolating, nurse
):
    first, _ = submit(alice, client_id="late-retry-1", spo2=96)
    services.isolation_status_change(
        actor=nurse, isolation_id=alice_isolating.pk, status="released"
    )
    again, created = submit(alice, client_id="late-retry-1", spo2=96)
    assert (again.pk, created) == (first.pk, False)


def test_it_assigns_the_slot_in_the_patients_zone(alice, alice_isolating):
    checkin, _ = submit(alice, spo2=97, measured_at=local(alice_isolating, -1, 13, 30))
    assert (checkin.slot_date, checkin.slot) == (
        local(alice_isolating, -1, 0).date(),
        rules.MORNING,
    )
    evening, _ = submit(alice, spo2=97, measured_at=local(alice_isolating, -1, 14, 0))
    assert evening.slot == rules.EVENING


def test_it_stores_a_danger_alert_with_the_checkin(alice, alice_isolating):
    checkin, _ = submit(alice, spo2=92, breathing_rate=26)

    alert = Alert.objects.get()
    assert alert.kind == Alert.Kind.DANGER
    assert alert.checkin == checkin
    assert alert.reasons == ["spo2_low", "breathing_rate_high"]
    assert checkin.danger and checkin.unwell
    kinds = list(
        DashboardEvent.objects.filter(facility=alice_isolating.facility)
        .order_by("seq")
        .values_list("kind", flat=True)
    )
    assert kinds[-2:] == ["checkin", "alert"]


@pytest.mark.parametrize(
    ("values", "danger"),
    [
        ({"spo2": 95, "breathing_rate": 24}, False),
        ({"spo2": 94}, True),
        ({"breathing_rate": 25}, True),
        ({"danger_signs": ["chest_pain"]}, True),
    ],
)
def test_it_alerts_on_the_danger_thresholds(alice, alice_isolating, values, danger):
    submit(alice, **values)
    assert Alert.objects.filter(kind=Alert.Kind.DANGER).exists() is danger


def test_it_raises_one_danger_alert_per_dangerous_report(alice, alice_isolating):
    moment = local(alice_isolating, -1, 8)
    submit(alice, spo2=93, measured_at=moment)
    submit(alice, spo2=91, measured_at=moment + dt.timedelta(hours=1))
    assert Alert.objects.filter(kind=Alert.Kind.DANGER).count() == 2


def test_it_moves_the_estimated_end_while_symptoms_last(alice, nurse):
    isolation = enrol(nurse, alice, days_ago=9)
    assert isolation.estimated_end == isolation.start_date + dt.timedelta(days=10)

    submit(alice, symptoms=["cough"])

    isolation.refresh_from_db()
    today = timezone.now().astimezone(isolation.tz).date()
    assert isolation.last_symptom_day == today
    assert isolation.estimated_end == today + dt.timedelta(days=3)


def test_it_tells_the_dashboard_how_today_looks_after_each_report(
    alice, alice_isolating
):
    with time_machine.travel(local(alice_isolating, 0, 10), tick=False):
        submit(alice, spo2=98)
        submit(alice, spo2=97, symptoms=["cough"])
        submit(alice, spo2=98)
    statuses = [
        e.payload["today_status"]
        for e in DashboardEvent.objects.filter(kind="checkin").order_by("seq")
    ]
    assert statuses == ["seen_ok", "seen_not_ok", "seen_not_ok"]


def test_it_refuses_a_checkin_without_an_active_isolation(bob):
    with pytest.raises(Conflict) as exc:
        submit(bob, spo2=97)
    assert exc.value.code == "no_active_isolation"


def test_it_refuses_measurements_from_the_future_or_before_isolation(
    alice, alice_isolating
):
    with pytest.raises(ApplicationError) as future:
        submit(alice, spo2=97, measured_at=timezone.now() + dt.timedelta(hours=1))
    assert "measured_at" in future.value.fields
    with pytest.raises(ApplicationError) as before:
        submit(alice, spo2=97, measured_at=local(alice_isolating, -5, 8))
    assert "measured_at" in before.value.fields


def test_it_writes_an_audit_row_for_each_checkin(alice, alice_isolating):
    checkin, _ = submit(alice, spo2=97)
    row = AuditLog.objects.get(action="isolation.checkin.create")
    assert (row.actor_id, row.patient_id, row.target_id) == (
        alice.pk,
        alice.pk,
        str(checkin.pk),
    )


# --- periodic scans ----------------------------------------------------------------


def test_it_flags_two_missed_slots_once(alice, alice_isolating, nurse):
    after_yesterday = local(alice_isolating, 0, 0, 30)

    assert services.missed_checkins_flag(now=after_yesterday) == 1
    assert services.missed_checkins_flag(now=after_yesterday) == 0

    alert = Alert.objects.get(kind=Alert.Kind.MISSED)
    yesterday = after_yesterday.date() - dt.timedelta(days=1)
    assert (alert.slot_date, alert.slot) == (yesterday, rules.EVENING)
    event = DashboardEvent.objects.get(kind="alerts")
    assert [a["alert_id"] for a in event.payload["alerts"]] == [alert.pk]
    assert event.payload["alerts"][0]["patient_name"] == alice.full_name


def test_it_raises_no_new_missed_alert_while_one_is_open(alice, alice_isolating, nurse):
    services.missed_checkins_flag(now=local(alice_isolating, 0, 0, 30))
    # Next slot also missed: the open alert already says so.
    assert services.missed_checkins_flag(now=local(alice_isolating, 0, 14, 30)) == 0

    services.alert_acknowledge(
        actor=nurse, alert_id=Alert.objects.get().pk, note="Ditelepon, tidak aktif"
    )
    assert services.missed_checkins_flag(now=local(alice_isolating, 0, 14, 30)) == 1
    assert Alert.objects.filter(kind=Alert.Kind.MISSED).count() == 2


def test_it_does_not_flag_when_one_slot_of_the_pair_was_reported(
    alice, alice_isolating
):
    submit(alice, spo2=97, measured_at=local(alice_isolating, -1, 18))
    assert services.missed_checkins_flag(now=local(alice_isolating, 0, 0, 30)) == 0


@pytest.mark.parametrize(
    ("received_hour", "late", "raised"), [(5, False, 0), (7, True, 1)]
)
def test_a_report_received_long_after_its_slot_does_not_undo_the_miss(
    alice, alice_isolating, received_hour, late, raised, settings
):
    settings.SIGAP_LATE_CHECKIN_HOURS = 6
    # Yesterday evening's slot closed at midnight: 06:00 is the last moment in time.
    with time_machine.travel(local(alice_isolating, 0, received_hour), tick=False):
        checkin, _ = submit(alice, spo2=97, measured_at=local(alice_isolating, -1, 18))

    assert checkin.late is late
    yesterday_evening = rules.Slot(local(alice_isolating, -1, 18).date(), "pm")
    missed = selectors.missed_slot_list(
        alice_isolating, now=local(alice_isolating, 0, 0, 30)
    )
    assert (yesterday_evening in missed) is late
    assert services.missed_checkins_flag(now=local(alice_isolating, 0, 0, 30)) == raised


def test_it_does_not_count_slots_before_enrolment(alice, nurse):
    isolation = enrol(nurse, alice, days_ago=0)
    Isolation.objects.filter(pk=isolation.pk).update(
        started_at=local(isolation, -1, 19)
    )
    # Yesterday evening was expected by 20:00, after enrolment at 19:00: due.
    # Yesterday morning was not. One missed slot is not a pair.
    assert services.missed_checkins_flag(now=local(isolation, 0, 0, 30)) == 0


def test_it_ignores_closed_isolations(alice, alice_isolating, nurse):
    services.isolation_status_change(
        actor=nurse, isolation_id=alice_isolating.pk, status="lost_to_follow_up"
    )
    assert services.missed_checkins_flag(now=local(alice_isolating, 0, 0, 30)) == 0


def test_it_flags_release_due_once(alice, nurse):
    isolation = enrol(nurse, alice, days_ago=11)
    assert services.release_due_flag() == 1
    assert services.release_due_flag() == 0
    alert = Alert.objects.get(kind=Alert.Kind.RELEASE_DUE)
    assert alert.slot_date == isolation.estimated_end


def test_it_leaves_isolations_before_their_end_alone(alice, alice_isolating):
    assert services.release_due_flag() == 0


@pytest.mark.parametrize(
    ("hour", "minute", "reminded"),
    [(12, 30, True), (20, 30, True), (11, 0, False), (21, 15, False), (5, 0, False)],
)
def test_it_reminds_late_patients_only_outside_quiet_hours(
    alice, alice_isolating, hour, minute, reminded
):
    now = local(alice_isolating, 0, hour, minute)
    sent = services.checkin_reminders_send(now=now)
    notes = Notification.objects.filter(user=alice, kind="isolation.reminder")
    assert (sent == 1) is reminded
    assert notes.exists() is reminded
    # Re-running the job sends nothing new.
    services.checkin_reminders_send(now=now)
    assert notes.count() == (1 if reminded else 0)


def test_it_does_not_remind_patients_who_reported(alice, alice_isolating):
    now = local(alice_isolating, 0, 12, 30)
    with time_machine.travel(now, tick=False):  # the check-in is not in the future
        submit(alice, spo2=97, measured_at=now - dt.timedelta(hours=1))
        assert services.checkin_reminders_send(now=now) == 0


# --- delivery --------------------------------------------------------------------------


def test_it_delivers_a_danger_alert_urgently_to_the_facility_only(
    alice, alice_isolating, nurse, nurse2
):
    submit(alice, spo2=92)
    alert = Alert.objects.get()
    # Eager Celery (no REDIS_URL) delivered it after commit; run again: no-op.
    services.alerts_deliver(alert_ids=[alert.pk])

    alert.refresh_from_db()
    assert alert.delivered_at is not None
    sent = Notification.objects.filter(kind="isolation.alert.danger")
    assert {n.user_id for n in sent} == {nurse.pk}
    assert all(n.urgent for n in sent)
    assert sent.count() == len({n.channel for n in sent})
    assert "92" not in sent.first().body  # no health values in messages


def test_it_sweeps_alerts_whose_delivery_never_ran(alice, alice_isolating, nurse):
    flagged_at = local(alice_isolating, 0, 0, 30)
    with time_machine.travel(flagged_at, tick=False):
        services.missed_checkins_flag(now=flagged_at)
    alert = Alert.objects.get()
    assert alert.delivered_at is None

    later = flagged_at + dt.timedelta(minutes=5)
    assert services.alerts_deliver_pending(now=later) == 1
    assert services.alerts_deliver_pending(now=later) == 0

    alert.refresh_from_db()
    assert alert.delivered_at is not None
    digest = Notification.objects.get(user=nurse, kind="isolation.alert.missed")
    assert not digest.urgent


def test_it_numbers_events_per_facility_without_gaps(
    alice, alice_isolating, bob, bob_isolating
):
    assert alice_isolating.facility != bob_isolating.facility
    for _ in range(3):
        submit(alice, spo2=97)
        submit(bob, spo2=97)
    for facility in (alice_isolating.facility, bob_isolating.facility):
        seqs = list(
            DashboardEvent.objects.filter(facility=facility)
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        # At least the three check-ins of this facility's patient, numbered 1..n.
        assert len(seqs) >= 3
        assert seqs == list(range(1, len(seqs) + 1))


def test_it_enqueues_a_consultation_proposal_after_a_danger_alert(
    alice, alice_isolating, monkeypatch, django_capture_on_commit_callbacks
):
    from isolation.teleconsult import tasks as teleconsult_tasks

    proposed = []
    monkeypatch.setattr(
        teleconsult_tasks.propose_consultation_for_alert,
        "apply_async",
        lambda args, **options: proposed.append(args[0]),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit(alice, spo2=92)
    assert proposed == []  # nothing before commit
    for callback in callbacks:
        callback()
    assert proposed == [Alert.objects.get().pk]


# --- acknowledging and caring ---------------------------------------------------------


def test_it_acknowledges_an_alert_once(alice, alice_isolating, nurse):
    submit(alice, spo2=92)
    alert = Alert.objects.get()

    services.alert_acknowledge(actor=nurse, alert_id=alert.pk, note="Dirujuk ke IGD")

    alert.refresh_from_db()
    assert alert.acknowledged_by == nurse and alert.note == "Dirujuk ke IGD"
    with pytest.raises(Conflict):
        services.alert_acknowledge(actor=nurse, alert_id=alert.pk)
    assert DashboardEvent.objects.filter(alert=alert, kind="alert_ack").exists()
    assert AuditLog.objects.filter(
        action="isolation.alert.acknowledge", actor=nurse, patient=alice
    ).exists()


def test_it_hides_another_facilitys_alert(alice, alice_isolating, nurse2):
    submit(alice, spo2=92)
    with pytest.raises(NotFound):
        services.alert_acknowledge(actor=nurse2, alert_id=Alert.objects.get().pk)


def test_it_refers_to_a_hospital_and_closes_open_alerts(
    alice, alice_isolating, nurse, facilities
):
    submit(alice, spo2=90)
    hospital = Facility.objects.get(code="R3374070001")

    isolation = services.isolation_status_change(
        actor=nurse,
        isolation_id=alice_isolating.pk,
        status="referred",
        referral_facility_id=hospital.pk,
        note="Rujuk IGD",
    )

    assert isolation.status == "referred" and isolation.referral_facility == hospital
    assert isolation.ended_at is not None
    assert not Alert.objects.filter(acknowledged_at__isnull=True).exists()
    assert Note.objects.filter(isolation=isolation, kind="status").exists()
    with pytest.raises(Conflict):
        services.isolation_status_change(
            actor=nurse, isolation_id=isolation.pk, status="released"
        )


@pytest.mark.parametrize("referral", [None, "P3374030201"])
def test_it_needs_a_hospital_to_refer_to(alice, alice_isolating, nurse, referral):
    facility_id = Facility.objects.get(code=referral).pk if referral else None
    with pytest.raises(ApplicationError) as exc:
        services.isolation_status_change(
            actor=nurse,
            isolation_id=alice_isolating.pk,
            status="referred",
            referral_facility_id=facility_id,
        )
    assert "referral_facility_id" in exc.value.fields


def test_it_refuses_active_as_a_final_status(alice, alice_isolating, nurse):
    with pytest.raises(ApplicationError):
        services.isolation_status_change(
            actor=nurse, isolation_id=alice_isolating.pk, status="active"
        )


def test_it_extends_an_isolation_and_settles_the_release_task(alice, nurse):
    isolation = enrol(nurse, alice, days_ago=11)
    services.release_due_flag()
    old_end = isolation.estimated_end

    extended = services.isolation_extend(
        actor=nurse, isolation_id=isolation.pk, days=4, note="Masih batuk"
    )

    assert extended.estimated_end == old_end + dt.timedelta(days=4)
    assert not Alert.objects.filter(acknowledged_at__isnull=True).exists()
    with pytest.raises(ApplicationError):
        services.isolation_extend(actor=nurse, isolation_id=isolation.pk, until=old_end)


def test_it_keeps_notes_for_the_facility_only(alice, alice_isolating, nurse, nurse2):
    services.note_add(actor=nurse, isolation_id=alice_isolating.pk, text="Sudah ditelp")
    with pytest.raises(NotFound):
        services.note_add(actor=nurse2, isolation_id=alice_isolating.pk, text="x")
    with pytest.raises(ApplicationError):
        services.note_add(actor=nurse, isolation_id=alice_isolating.pk, text="  ")


# --- enrolment and requests ---------------------------------------------------------


def test_it_enrols_an_unknown_number_as_a_new_resident(nurse):
    isolation = services.isolation_enroll(
        actor=nurse,
        phone="081234567890",
        full_name="Charlie Pratama",
        consent_at_puskesmas=True,
        reason="close_contact",
    )
    assert isolation.patient.phone == "+6281234567890"
    assert isolation.patient.role == User.Role.RESIDENT
    assert isolation.facility_id == nurse.facility_id
    assert Notification.objects.filter(
        user=isolation.patient, kind="isolation.enrolled"
    ).exists()


def test_it_refuses_to_enrol_twice(alice, alice_isolating, nurse):
    with pytest.raises(Conflict) as exc:
        services.isolation_enroll(
            actor=nurse,
            phone=alice.phone,
            full_name=alice.full_name,
            consent_at_puskesmas=True,
            reason="close_contact",
        )
    assert exc.value.code == "already_isolating"


def test_it_needs_a_test_date_for_a_positive_test(alice, nurse):
    with pytest.raises(ApplicationError) as exc:
        services.isolation_enroll(
            actor=nurse,
            phone=alice.phone,
            full_name=alice.full_name,
            consent_at_puskesmas=True,
            reason="positive_test",
        )
    assert "test_date" in exc.value.fields


def test_it_turns_a_confirmed_request_into_an_isolation(alice, nurse):
    today = timezone.now().date()
    request = services.isolation_request_create(
        patient=alice,
        test_date=today - dt.timedelta(days=1),
        facility_id=nurse.facility_id,
    )
    assert request.reason == "positive_test" and request.status == "pending"
    with pytest.raises(Conflict):
        services.isolation_request_create(
            patient=alice, test_date=today, facility_id=nurse.facility_id
        )

    isolation = services.isolation_request_confirm(actor=nurse, request_id=request.pk)

    request.refresh_from_db()
    assert request.status == "confirmed" and request.isolation == isolation
    assert isolation.facility_id == nurse.facility_id
    assert isolation.estimated_end == today + dt.timedelta(days=9)
    with pytest.raises(Conflict):
        services.isolation_request_confirm(actor=nurse, request_id=request.pk)


def test_it_sends_a_request_to_the_home_puskesmas(alice):
    request = services.isolation_request_create(
        patient=alice, test_date=timezone.now().date()
    )
    # alice lives in Kecamatan Tembalang.
    assert request.facility.district_id == "33.74.10"


def test_it_hides_requests_of_another_facility(alice, nurse, nurse2):
    request = services.isolation_request_create(
        patient=alice, test_date=timezone.now().date(), facility_id=nurse.facility_id
    )
    with pytest.raises(NotFound):
        services.isolation_request_confirm(actor=nurse2, request_id=request.pk)
    declined = services.isolation_request_decline(
        actor=nurse, request_id=request.pk, note="Silakan ke puskesmas domisili"
    )
    assert declined.status == IsolationRequest.Status.DECLINED


def test_it_checks_the_self_check_behind_a_request(alice):
    import uuid

    with pytest.raises(ApplicationError) as exc:
        services.isolation_request_create(patient=alice, assessment_id=uuid.uuid4())
    assert "assessment_id" in exc.value.fields


def test_it_needs_consent_for_a_request(alice):
    from core.services.accounts import consent_withdraw

    consent_withdraw(user=alice)
    with pytest.raises(ApplicationError) as exc:
        services.isolation_request_create(
            patient=alice, test_date=timezone.now().date()
        )
    assert exc.value.status == 403


# --- privacy and demo -------------------------------------------------------------------


def test_it_exports_and_erases_a_residents_isolation_data(alice, alice_isolating):
    from core.services.privacy import user_erase, user_export

    submit(alice, spo2=96, temperature=Decimal("37.5"), note="agak pusing")
    data = user_export(user=alice)["isolation"]
    exported = data["isolations"][0]["checkins"][0]
    assert exported["spo2"] == 96
    # Left out, symptoms are "not answered", not "none"; on time, not late.
    assert exported["symptoms"] is None
    assert exported["late"] is False

    # While monitored: refused, and the patient stays on the nurse's board.
    with pytest.raises(Conflict) as refused:
        user_erase(user=alice)
    assert refused.value.code == "active_isolation"
    assert "Puskesmas" in refused.value.fields["isolation"]
    assert Isolation.objects.filter(patient=alice, status="active").exists()

    # A sweep's event names several patients: only hers goes.
    DashboardEvent.objects.create(
        facility=alice_isolating.facility,
        seq=10_000,
        kind=DashboardEvent.Kind.ALERTS,
        payload={
            "alerts": [
                {"isolation_id": alice_isolating.pk, "patient_name": alice.full_name},
                {"isolation_id": 10**9, "patient_name": "Pasien lain"},
            ]
        },
    )
    services.isolation_status_change(
        actor=alice_isolating.enrolled_by,
        isolation_id=alice_isolating.pk,
        status="released",
    )
    user_erase(user=alice)
    assert not Isolation.objects.exists() and not CheckIn.objects.exists()
    assert not DashboardEvent.objects.filter(isolation__isnull=False).exists()
    sweep = DashboardEvent.objects.get(kind=DashboardEvent.Kind.ALERTS)
    assert sweep.payload["alerts"] == [
        {"isolation_id": 10**9, "patient_name": "Pasien lain"}
    ]


def test_it_seeds_the_demo_once(regions_semarang):
    from core.demo import demo_accounts_ensure
    from isolation.services import isolation_demo_seed

    demo_users = demo_accounts_ensure()
    isolation_demo_seed()
    isolation_demo_seed()

    isolation = Isolation.objects.get(patient=demo_users["alice"])
    assert isolation.facility == demo_users["nurse"].facility
    assert isolation.checkins.count() == 6
    assert set(isolation.alerts.values_list("kind", flat=True)) == {"danger", "missed"}


def test_a_request_whose_patient_withdrew_consent_is_not_confirmed(alice, nurse):
    """Monitoring needs consent: a withdrawal while the request waits stops the
    confirmation, and the nurse is told to talk to the patient."""
    from core.services.accounts import consent_withdraw

    request = services.isolation_request_create(
        patient=alice,
        test_date=timezone.now().date(),
        facility_id=nurse.facility_id,
    )
    consent_withdraw(user=alice)

    with pytest.raises(Conflict) as exc:
        services.isolation_request_confirm(actor=nurse, request_id=request.pk)

    assert exc.value.code == "consent_withdrawn"
    request.refresh_from_db()
    assert request.status == "pending"
    assert not Isolation.objects.filter(patient=alice).exists()
