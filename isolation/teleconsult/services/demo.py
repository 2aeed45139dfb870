"""Demo availability for the seeded health workers (called by seed_demo)."""

from __future__ import annotations

from datetime import time

from django.db import transaction

from core.models import User
from isolation.teleconsult.models import DoctorSchedule
from isolation.teleconsult.services.availability import schedule_update

# Weekday mornings plus Monday-Thursday afternoons, local facility time.
DEMO_WINDOWS = [
    *({"weekday": d, "start": time(8), "end": time(12)} for d in range(5)),
    *({"weekday": d, "start": time(13), "end": time(15)} for d in range(4)),
    {"weekday": 5, "start": time(8), "end": time(11)},
]


@transaction.atomic
def teleconsult_demo_seed() -> list[DoctorSchedule]:
    """Give the demo health workers (nurse, nurse2) a weekly teleconsult schedule.

    Idempotent: re-running replaces the windows with the same ones.
    """
    from core.demo import DEMO_ACCOUNTS, demo_accounts_ensure

    phones = [DEMO_ACCOUNTS[key][0] for key in ("nurse", "nurse2")]
    doctors = list(
        User.objects.filter(phone__in=phones, role=User.Role.HEALTH_WORKER)
    ) or [demo_accounts_ensure()[key] for key in ("nurse", "nurse2")]
    return [
        schedule_update(doctor=doctor, windows=DEMO_WINDOWS, slot_minutes=30)
        for doctor in sorted(doctors, key=lambda d: d.phone)
    ]
