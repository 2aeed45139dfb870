"""The no-overlap guarantee lives in the database, not only in the services."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ResidentProfile, User
from isolation.teleconsult.models import Booking
from tests.helpers import api_token_for, require_postgres
from tests.teleconsult.helpers import MONDAY_0800_WIB

START = MONDAY_0800_WIB


@pytest.mark.django_db
def test_it_refuses_two_active_bookings_of_one_doctor_slot(make_booking, bob):
    make_booking(START)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_booking(START, patient=bob)


@pytest.mark.django_db
def test_it_refuses_one_patient_two_bookings_at_one_start(make_booking, nurse2):
    make_booking(START)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_booking(START, doctor=nurse2)


@pytest.mark.django_db
def test_it_lets_a_cancelled_booking_free_its_slot(make_booking, bob):
    make_booking(START, status="cancelled")
    assert make_booking(START, patient=bob).pk


@pytest.mark.django_db
def test_it_excludes_overlapping_ranges_on_postgres(make_booking, bob, nurse2):
    require_postgres()
    make_booking(START)
    # Not the same start, still overlapping: only the exclusion constraint sees it.
    with pytest.raises(IntegrityError), transaction.atomic():
        make_booking(START + timedelta(minutes=15), patient=bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_booking(START + timedelta(minutes=15), doctor=nurse2)
    # Back to back is fine.
    assert make_booking(START + timedelta(minutes=30), patient=bob).pk


@pytest.mark.django_db
def test_it_reports_an_overlap_with_a_legacy_booking_as_taken(
    clock, schedule, nurse, alice, bob, make_booking, auth_client
):
    # A 45-minute booking left from before the doctor moved to 30-minute slots.
    make_booking(START - timedelta(minutes=15), patient=bob, minutes=45)
    response = auth_client(alice).post(
        "/api/v1/teleconsult/bookings",
        {"doctor": nurse.pk, "start": START.isoformat()},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "slot_taken"


def _residents(n: int) -> list[str]:
    """n residents with consent and API tokens, in three bulk inserts."""
    users = User.objects.bulk_create(
        User(phone=f"+62813{i:08d}", full_name=f"Warga {i}", password="!")
        for i in range(n)
    )
    now = timezone.now()
    ResidentProfile.objects.bulk_create(
        ResidentProfile(user=u, consent_given_at=now) for u in users
    )
    return [api_token_for(u) for u in users]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("app_check", [True, False], ids=["with-app-check", "db-only"])
def test_it_books_one_slot_once_under_200_concurrent_requests(
    clock, schedule, nurse, monkeypatch, app_check
):
    require_postgres()
    if not app_check:
        # Prove the database alone decides: drop the service's locks and pre-insert
        # check.
        monkeypatch.setattr(
            "isolation.teleconsult.services.bookings._clash", lambda booking, now: None
        )
        monkeypatch.setattr(
            "isolation.teleconsult.services.bookings._lock_parties",
            lambda booking, patient: None,
        )
    keys = _residents(200)
    body = {"doctor": nurse.pk, "start": START.isoformat(), "reason": "sesak napas"}

    def attempt(key: str) -> tuple[int, str | None]:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            response = client.post("/api/v1/teleconsult/bookings", body, format="json")
            error = (
                response.json().get("error") if response.status_code != 201 else None
            )
            return response.status_code, error and error["code"]
        finally:
            connections.close_all()

    # 40 at a time keeps within PostgreSQL's connection limit shared with others;
    # every request still overlaps dozens of others in flight.
    with ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(attempt, keys))

    assert Counter(status for status, _ in results) == {201: 1, 409: 199}
    assert {code for status, code in results if status == 409} == {"slot_taken"}
    assert Booking.objects.count() == 1


def test_it_warns_when_sqlite_would_not_serialise_bookings():
    from django.db import connections

    from isolation.teleconsult.checks import check_sqlite_serialises_bookings

    conn = connections["default"]
    options = conn.settings_dict.setdefault("OPTIONS", {})
    previous = options.get("transaction_mode")
    try:
        options["transaction_mode"] = "DEFERRED"
        issues = check_sqlite_serialises_bookings(None, databases=["default"])
        expected = ["teleconsult.W001"] if conn.vendor == "sqlite" else []
        assert [i.id for i in issues] == expected
    finally:
        if previous is None:
            options.pop("transaction_mode")
        else:
            options["transaction_mode"] = previous
    assert check_sqlite_serialises_bookings(None, databases=["default"]) == []


def _post_all(bodies: list[dict], keys: list[str]) -> list[tuple[int, str | None]]:
    def attempt(args) -> tuple[int, str | None]:
        body, key = args
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            response = client.post("/api/v1/teleconsult/bookings", body, format="json")
            error = (
                response.json().get("error") if response.status_code >= 400 else None
            )
            return response.status_code, error and error["code"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(attempt, zip(bodies, keys, strict=True)))


@pytest.mark.django_db(transaction=True)
def test_it_holds_one_resident_to_the_cap_under_concurrent_requests(
    clock, schedule, nurse
):
    require_postgres()
    [key] = _residents(1)
    bodies = [
        {"doctor": nurse.pk, "start": (START + timedelta(minutes=30 * i)).isoformat()}
        for i in range(8)
    ]
    results = _post_all(bodies, [key] * 8)
    assert Counter(results) == {(201, None): 2, (409, "booking_limit"): 6}
    assert Booking.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_it_books_a_slot_once_when_one_resident_retries_concurrently(
    clock, schedule, nurse
):
    require_postgres()
    [key] = _residents(1)
    body = {"doctor": nurse.pk, "start": START.isoformat()}
    results = _post_all([body] * 10, [key] * 10)
    assert Counter(results) == {(201, None): 1, (200, None): 9}
    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_never_holds_a_slot_another_resident_booked_meanwhile(
    clock, schedule, nurse
):
    """A proposal and bookings racing for the earliest slot: the slot ends up either
    booked or held, never both."""
    from isolation.teleconsult.models import ConsultationProposal
    from isolation.teleconsult.services import proposal_create

    require_postgres()
    keys = _residents(20)
    patient = User.objects.create(phone="+6281399999999", full_name="Citra")
    ResidentProfile.objects.create(user=patient, consent_given_at=timezone.now())
    facility = User.objects.get(pk=nurse.pk).facility

    def propose() -> None:
        try:
            proposal_create(patient=patient, facility=facility)
        finally:
            connections.close_all()

    body = {"doctor": nurse.pk, "start": START.isoformat()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        proposed = pool.submit(propose)
        results = _post_all([body] * 20, keys)
        proposed.result()
    proposal = ConsultationProposal.objects.get()
    booked = Booking.objects.filter(start=START).exists()
    assert booked != (proposal.start == START)
    if booked:
        assert Counter(status for status, _ in results)[201] == 1
    else:
        assert {code for _, code in results} == {"slot_held"}
