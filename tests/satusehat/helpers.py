"""Helpers of the satusehat tests (plain functions and data; fixtures stay in
conftest.py)."""

from __future__ import annotations

import datetime as dt

from tests.satusehat.fake_centre import CLIENT_ID, CLIENT_SECRET, ORG_ID, FakeCentre

TODAY = dt.date.today()
METESEH = "33.74.10.1001"
ROWOSARI = "33.74.10.1002"
KELURAHAN = [METESEH, ROWOSARI, "33.74.10.1003", "33.74.10.1004"]


def nik_for(n: int, *, district: str = "337410") -> tuple[str, dt.date]:
    """A valid NIK (Tembalang) and the birth date it encodes; distinct for n < 20,000."""
    born = dt.date(1950, 1, 1) + dt.timedelta(days=n % 18000)
    serial = 1 + n // 18000
    return f"{district}{born:%d%m%y}{serial:04d}", born


def case_report(n: int, *, nik: bool = True, **overrides) -> dict:
    number, born = nik_for(n)
    report = {
        "record_id": f"LAB-{n:06d}",
        "full_name": f"Warga Uji {n}",
        "birth_date": born.isoformat(),
        "sex": "M",
        "kelurahan_code": KELURAHAN[n % len(KELURAHAN)],
        "household_id": f"RT{n:06d}",
        "status": "confirmed",
        "event_date": (TODAY - dt.timedelta(days=1 + n % 20)).isoformat(),
        "specimen_type": "nasopharyngeal_swab",
        "test_type": "pcr" if n % 3 else "antigen",
        "test_result": "positive",
        **overrides,
    }
    if nik:
        report["nik"] = number
    return report


def configure(settings, centre: FakeCentre) -> None:
    settings.SATUSEHAT_AUTH_URL = centre.auth_url
    settings.SATUSEHAT_BASE_URL = centre.base_url
    settings.SATUSEHAT_CLIENT_ID = CLIENT_ID
    settings.SATUSEHAT_CLIENT_SECRET = CLIENT_SECRET
    settings.SATUSEHAT_ORGANIZATION_ID = ORG_ID
    settings.SATUSEHAT_RETRY_BASE_SECONDS = 0.05
    settings.SATUSEHAT_TIMEOUT = 10


def sync_until_done(rounds: int = 400, **kwargs):
    """Run the sync until nothing waits (rows in back-off become due within ms)."""
    import time

    from core.satusehat import services

    last = None
    for _ in range(rounds):
        last = services.satusehat_sync(**kwargs)
        kwargs["refresh"] = False
        wait = services.next_due_in()
        if wait is None:
            return last
        time.sleep(min(wait, 0.2))
    raise AssertionError(f"the outbox did not drain: {services.outbox_counts()}")
