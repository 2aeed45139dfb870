from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import TestCase
from django.utils import timezone

from core.models import ChannelIdentity, DeviceToken, Notification
from core.notifications.backends import DeliveryError
from core.services.notifications import notification_deliver, notify
from core.tasks import deliver_due_notifications

pytestmark = pytest.mark.django_db

TEXT = {"id": "Jangan lupa lapor pagi ini.", "en": "Remember this morning's report."}


class FlakyBackend:
    calls: list[int] = []
    fail_next = 0

    def send(self, notification):
        FlakyBackend.calls.append(notification.pk)
        if FlakyBackend.fail_next:
            FlakyBackend.fail_next -= 1
            raise DeliveryError("platform down")


@pytest.fixture
def flaky(settings):
    FlakyBackend.calls, FlakyBackend.fail_next = [], 0
    settings.SIGAP_NOTIFICATION_BACKENDS = {
        c: "tests.core.test_notifications.FlakyBackend"
        for c in ("push", "sms", "telegram", "whatsapp")
    }
    return FlakyBackend


@pytest.fixture
def daytime(time_machine):
    # 10:00 WIB
    time_machine.move_to(dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC), tick=False)


def test_it_reaches_a_person_on_each_linked_channel(alice, flaky, daytime):
    DeviceToken.objects.create(user=alice, token="tok-1", platform="android")
    ChannelIdentity.objects.create(user=alice, channel="telegram", external_id="12345")
    with TestCase.captureOnCommitCallbacks(execute=True):
        rows = notify(user=alice, kind="reminder", text=TEXT)
    assert sorted(r.channel for r in rows) == ["push", "telegram"]
    assert Notification.objects.filter(status="sent").count() == 2
    assert rows[0].body == TEXT["id"]


def test_it_falls_back_to_sms_and_speaks_the_users_language(alice, flaky, daytime):
    alice.language = "en"
    alice.save()
    with TestCase.captureOnCommitCallbacks(execute=True):
        (row,) = notify(user=alice, kind="reminder", text=TEXT)
    assert row.channel == "sms"
    assert Notification.objects.get(pk=row.pk).body == TEXT["en"]


def test_it_holds_non_urgent_messages_until_quiet_hours_end(alice, flaky, time_machine):
    # 22:30 WIB: quiet.
    time_machine.move_to(dt.datetime(2026, 11, 23, 15, 30, tzinfo=dt.UTC), tick=False)
    with TestCase.captureOnCommitCallbacks(execute=True):
        (row,) = notify(user=alice, kind="reminder", text=TEXT)
        (urgent,) = notify(user=alice, kind="danger", text=TEXT, urgent=True)
    assert Notification.objects.get(pk=row.pk).status == "pending"
    assert Notification.objects.get(pk=urgent.pk).status == "sent"
    assert row.send_after == dt.datetime(
        2026, 11, 23, 23, 0, tzinfo=dt.UTC
    )  # 06:00 WIB
    time_machine.move_to(dt.datetime(2026, 11, 23, 23, 1, tzinfo=dt.UTC), tick=False)
    deliver_due_notifications.apply()
    assert Notification.objects.get(pk=row.pk).status == "sent"


def test_it_never_sends_the_same_dedupe_key_twice(alice, flaky, daytime):
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify(user=alice, kind="reminder", text=TEXT, dedupe_key="checkin:1:am")
        notify(user=alice, kind="reminder", text=TEXT, dedupe_key="checkin:1:am")
    assert Notification.objects.count() == 1
    assert len(flaky.calls) == 1


def test_it_retries_a_failed_delivery_with_backoff(alice, flaky, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC), tick=False)
    flaky.fail_next = 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        (row,) = notify(user=alice, kind="reminder", text=TEXT)
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "platform down")
    assert row.send_after == timezone.now() + dt.timedelta(seconds=30)
    assert notification_deliver(notification_id=row.pk) is None  # not due yet
    time_machine.shift(31)
    notification_deliver(notification_id=row.pk)
    row.refresh_from_db()
    assert row.status == "sent"
    notification_deliver(notification_id=row.pk)
    assert len(flaky.calls) == 2  # sent rows are never sent again


@pytest.mark.worker
def test_it_delivers_through_a_real_celery_worker(celery_worker_live, alice, capfd):
    """Outbox row committed -> task on the Redis broker -> worker -> console backend."""
    DeviceToken.objects.create(user=alice, token="tok-live", platform="android")
    rows = notify(
        user=alice, kind="danger", text={"id": "Peringatan uji", "en": "x"}, urgent=True
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if Notification.objects.get(pk=rows[0].pk).status == "sent":
            break
        time.sleep(0.2)
    assert Notification.objects.get(pk=rows[0].pk).status == "sent"
    out = capfd.readouterr().out
    assert f"[sigap push] user #{alice.pk} (1 devices) danger" in out
    assert "Peringatan uji" not in out  # the console never shows a message body


def test_the_migrations_point_older_messages_at_the_person_they_are_about(
    alice, nurse, make_legacy_rows
):
    """Rows queued before `Notification.subject` get it from the record their data
    names (an escalation, a booking, a danger alert), so erasure finds them too."""
    from importlib import import_module

    from django.apps import apps

    rows = make_legacy_rows()
    for module, function in (
        ("core.migrations.0014_notification_subject", "psc_subjects"),
        ("isolation.teleconsult.migrations.0005_notification_subjects", None),
        ("isolation.migrations.0003_notification_subjects", "isolation_subjects"),
    ):
        name = function or "teleconsult_subjects"
        getattr(import_module(module), name)(apps, None)
    for row in rows["about_alice"]:
        row.refresh_from_db()
        assert row.subject == alice, row.kind
    rows["digest"].refresh_from_db()
    assert rows["digest"].subject is None


@pytest.fixture
def make_legacy_rows(alice, nurse):
    def make() -> dict:
        from core.models import Escalation, Region
        from isolation.models import Alert, CheckIn, Isolation
        from isolation.teleconsult.models import Booking

        now = timezone.now()
        isolation = Isolation.objects.create(
            patient=alice,
            facility=nurse.facility,
            reason="positive_test",
            start_date=now.date(),
            estimated_end=now.date() + dt.timedelta(days=10),
        )
        checkin = CheckIn.objects.create(
            isolation=isolation,
            client_id="danger-1",
            measured_at=now,
            slot_date=now.date(),
            slot="am",
            spo2=91,
            danger=True,
        )
        alert = Alert.objects.create(
            isolation=isolation,
            kind="danger",
            checkin=checkin,
            slot_date=now.date(),
            slot="am",
        )
        escalation = Escalation.objects.create(
            resident=alice,
            region=Region.objects.get(code="33.74"),
            source="app",
            trigger="checkin",
            consent_at=now,
        )
        booking = Booking.objects.create(
            doctor=nurse,
            patient=alice,
            facility=nurse.facility,
            start=now + dt.timedelta(days=1),
            end=now + dt.timedelta(days=1, minutes=30),
            scheduled_at=now,
        )

        def row(kind: str, data: dict) -> Notification:
            return Notification.objects.create(
                user=nurse, channel="sms", kind=kind, body="…", data=data
            )

        return {
            "about_alice": [
                row("psc.take", {"escalation_id": escalation.pk}),
                row("teleconsult.cancelled", {"booking_id": booking.pk}),
                row("isolation.alert.danger", {"alert_id": alert.pk}),
            ],
            "digest": row("isolation.alert.missed", {"alert_ids": [alert.pk]}),
        }

    return make
