"""Demo data: alice isolating at the nurse's puskesmas (called by seed_demo)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from isolation import rules
from isolation.models import Alert, Isolation, Note


def isolation_demo_seed() -> str:
    """Idempotent: alice, enrolled 4 days ago, with check-ins, a missed pair and a
    danger report (SpO2 93) yesterday evening."""
    from core.demo import demo_accounts_ensure
    from isolation.services.checkins import checkin_submit
    from isolation.services.enrolment import isolation_enroll
    from isolation.services.scans import _insert_slot_alerts

    users = demo_accounts_ensure()
    alice, nurse = users["alice"], users["nurse"]
    if Isolation.objects.filter(patient=alice).exists():
        return "alice already has an isolation"
    tz = alice.tz
    today = timezone.now().astimezone(tz).date()
    start = today - dt.timedelta(days=4)
    isolation = isolation_enroll(
        actor=nurse,
        phone=alice.phone,
        full_name=alice.full_name,
        consent_at_puskesmas=True,
        reason=Isolation.Reason.POSITIVE_TEST,
        test_date=start - dt.timedelta(days=1),
        symptom_onset=start - dt.timedelta(days=2),
        start_date=start,
        note="Data demo: hasil PCR positif, gejala ringan.",
    )
    started_at = dt.datetime.combine(start, dt.time(7, 0), tzinfo=tz)
    Isolation.objects.filter(pk=isolation.pk).update(started_at=started_at)

    def at(days: int, hour: int) -> dt.datetime:
        return dt.datetime.combine(start + dt.timedelta(days=days), dt.time(hour), tz)

    ok = {"temperature": Decimal("37.2"), "spo2": 97, "breathing_rate": 18}
    plan = [
        (
            at(0, 8),
            {**ok, "temperature": Decimal("38.1"), "symptoms": ["fever", "cough"]},
        ),
        (at(0, 18), {**ok, "symptoms": ["cough"]}),
        (at(1, 8), ok),
        (at(1, 18), {**ok, "spo2": 96}),
        # day 3: morning and evening missed
        (at(3, 8), {**ok, "spo2": 95, "symptoms": ["cough", "fatigue"]}),
        (
            at(3, 18),
            {
                **ok,
                "spo2": 93,
                "breathing_rate": 26,
                "symptoms": ["cough"],
                "note": "Agak sesak sore ini.",
            },
        ),
    ]
    for measured_at, values in plan:
        checkin_submit(
            patient=alice,
            client_id=f"demo-{measured_at:%Y%m%d%H}",
            measured_at=measured_at,
            **values,
        )
    # Backdate what the seeding itself stamped "now", so the timeline reads naturally.
    Note.objects.filter(isolation=isolation, kind=Note.Kind.ENROLMENT).update(
        created_at=started_at
    )
    for alert in Alert.objects.filter(isolation=isolation).select_related("checkin"):
        alert.created_at = alert.checkin.measured_at + dt.timedelta(minutes=1)
        alert.save(update_fields=["created_at"])
    missed = rules.Slot(start + dt.timedelta(days=2), rules.EVENING)
    _insert_slot_alerts(
        Isolation.objects.filter(pk=isolation.pk),
        kind=Alert.Kind.MISSED,
        slot_date=missed.day,
        slot=missed.slot,
        created_at=missed.closes_at(tz) + dt.timedelta(minutes=5),
    )
    return (
        f"alice isolating at {isolation.facility.name}: {len(plan)} check-ins, "
        "one missed pair, one danger alert"
    )
