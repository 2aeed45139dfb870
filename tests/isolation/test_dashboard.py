from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from core.models import AuditLog, Facility
from isolation import services
from isolation.models import Alert, CheckIn, Isolation
from tests.helpers import local_phone
from tests.isolation.helpers import new_client_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def nurse_browser(nurse) -> Client:
    client = Client()
    client.force_login(nurse)
    return client


def danger(patient):
    return services.checkin_submit(patient=patient, client_id=new_client_id(), spo2=92)


def test_it_signs_in_with_a_local_phone_number(nurse):
    client = Client()
    page = client.get("/dashboard/login/")
    assert page.status_code == 200 and "Nomor HP" in page.text

    response = client.post(
        "/dashboard/login/",
        {"username": local_phone(nurse), "password": nurse.raw_password},
    )

    assert response.status_code == 302 and response.url == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_it_rejects_a_wrong_password(nurse):
    response = Client().post(
        "/dashboard/login/", {"username": nurse.phone, "password": "nope"}
    )
    assert response.status_code == 200 and "salah" in response.text


def test_it_sends_strangers_to_the_login_page():
    response = Client().get("/dashboard/")
    assert response.status_code == 302 and response.url.startswith("/dashboard/login/")


def test_it_shows_residents_a_403(alice):
    client = Client()
    client.force_login(alice)
    assert client.get("/dashboard/").status_code == 403


def test_it_renders_the_board_with_open_alerts(
    alice, alice_isolating, nurse, nurse_browser
):
    danger(alice)
    page = nurse_browser.get("/dashboard/")
    assert page.status_code == 200
    html = page.text
    assert alice.full_name in html
    assert "Tanda bahaya" in html and "SpO2 di bawah 95%" in html
    assert 'data-last-seq="3"' in html
    assert "Terpantau bergejala" in html
    assert AuditLog.objects.filter(action="isolation.list", actor=nurse).exists()


def test_it_renders_the_patient_page_for_the_facility_only(
    alice, alice_isolating, nurse_browser, nurse2
):
    danger(alice)
    page = nurse_browser.get(f"/dashboard/patients/{alice_isolating.pk}/")
    assert page.status_code == 200
    assert "Linimasa" in page.text and "SpO2 92%" in page.text

    other = Client()
    other.force_login(nurse2)
    assert other.get(f"/dashboard/patients/{alice_isolating.pk}/").status_code == 404


def test_it_tells_no_answer_about_symptoms_from_no_symptoms(
    alice, alice_isolating, nurse_browser
):
    services.checkin_submit(patient=alice, client_id=new_client_id(), spo2=97)
    services.checkin_submit(patient=alice, client_id=new_client_id(), symptoms=[])
    page = nurse_browser.get(f"/dashboard/patients/{alice_isolating.pk}/").text
    assert page.count("Gejala: tidak dijawab") == 1
    assert page.count("Gejala: tidak ada") == 1
    assert "–°C" not in page and "suhu –" in page.lower()


def test_it_shows_times_in_the_health_workers_wall_time(
    alice, alice_isolating, nurse_browser
):
    checkin, _ = danger(alice)
    # 13:47 WIB at the nurse's puskesmas in Semarang.
    CheckIn.objects.filter(pk=checkin.pk).update(
        measured_at=dt.datetime(2026, 1, 5, 6, 47, tzinfo=dt.UTC)
    )
    page = nurse_browser.get(f"/dashboard/patients/{alice_isolating.pk}/").text
    assert "13:47" in page and "06:47" not in page


def test_it_acknowledges_from_the_page(alice, alice_isolating, nurse_browser):
    danger(alice)
    alert = Alert.objects.get()
    response = nurse_browser.post(
        f"/dashboard/alerts/{alert.pk}/ack/", {"note": "Ditelepon"}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None and alert.note == "Ditelepon"
    # Twice: a message, not an error page.
    again = nurse_browser.post(f"/dashboard/alerts/{alert.pk}/ack/", follow=True)
    assert "sudah ditangani" in again.text


def test_it_notes_extends_and_closes_from_the_page(
    alice, alice_isolating, nurse_browser
):
    base = f"/dashboard/patients/{alice_isolating.pk}"
    nurse_browser.post(f"{base}/note/", {"text": "Kontrol besok"})
    nurse_browser.post(f"{base}/extend/", {"days": "2", "note": "masih batuk"})
    hospital = Facility.objects.get(code="R3374070001")
    nurse_browser.post(
        f"{base}/status/",
        {"status": "referred", "referral_facility_id": hospital.pk, "note": "IGD"},
    )
    isolation = Isolation.objects.get(pk=alice_isolating.pk)
    assert isolation.status == "referred" and isolation.referral_facility == hospital
    assert isolation.notes.count() == 4  # enrolment, note, extension, status


def test_it_enrols_and_confirms_requests_from_the_page(alice, nurse, nurse_browser):
    response = nurse_browser.post(
        "/dashboard/patients/new/",
        {
            "phone": "081234567893",
            "full_name": "Eko",
            "consent_at_puskesmas": "on",
            "reason": "close_contact",
        },
    )
    assert response.status_code == 302
    assert Isolation.objects.filter(patient__phone="+6281234567893").exists()

    from django.utils import timezone

    request = services.isolation_request_create(
        patient=alice, test_date=timezone.now().date(), facility_id=nurse.facility_id
    )
    assert "Alice" in nurse_browser.get("/dashboard/requests/").text
    confirmed = nurse_browser.post(f"/dashboard/requests/{request.pk}/confirm/")
    assert confirmed.status_code == 302
    assert Isolation.objects.get(patient=alice).status == "active"
