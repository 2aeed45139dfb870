"""Helpers of the isolation tests (plain functions and data; fixtures stay in
conftest.py)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from isolation import services
from isolation.models import Alert, CheckIn, Isolation


def new_client_id() -> str:
    return f"app-{uuid.uuid4().hex[:16]}"


def enrol(nurse, patient, *, days_ago: int = 2, **kwargs) -> Isolation:
    """Enrol ``patient`` at the nurse's facility, monitoring started days ago."""
    today = timezone.now().astimezone(patient.tz).date()
    start = today - dt.timedelta(days=days_ago)
    isolation = services.isolation_enroll(
        actor=nurse,
        phone=patient.phone,
        full_name=kwargs.pop("full_name", patient.full_name or "Pasien"),
        consent_at_puskesmas=kwargs.pop("consent_at_puskesmas", True),
        reason=kwargs.pop("reason", Isolation.Reason.POSITIVE_TEST),
        test_date=kwargs.pop("test_date", start),
        start_date=start,
        **kwargs,
    )
    started = dt.datetime.combine(start, dt.time(7, 0), tzinfo=isolation.tz)
    Isolation.objects.filter(pk=isolation.pk).update(started_at=started)
    isolation.refresh_from_db()
    return isolation


def danger_alert_create(
    *,
    patient,
    facility,
    start_date: dt.date,
    measured_at: dt.datetime,
    slot_date: dt.date,
    slot: str,
    spo2: int,
) -> Alert:
    """An isolation with one danger check-in and its alert, stored as rows (no
    service: nothing delivered, no dashboard events)."""
    isolation = Isolation.objects.create(
        patient=patient,
        facility=facility,
        reason="positive_test",
        start_date=start_date,
        estimated_end=start_date + dt.timedelta(days=10),
    )
    checkin = CheckIn.objects.create(
        isolation=isolation,
        client_id="c1",
        measured_at=measured_at,
        slot_date=slot_date,
        slot=slot,
        spo2=spo2,
        danger=True,
    )
    return Alert.objects.create(
        isolation=isolation,
        kind="danger",
        checkin=checkin,
        slot_date=slot_date,
        slot=slot,
    )
