"""Demo facilities and accounts in Kota Semarang (used by seed_demo and the tests)."""

from __future__ import annotations

from django.db import transaction
from django.utils.module_loading import import_string

from core.models import Facility, Region, User
from core.services.accounts import consent_give, profile_update, staff_create
from core.services.regions import regions_load

# Real facilities of Kota Semarang; coordinates approximate.
DEMO_FACILITIES = [
    # code, name, kind, referral, district, address, lat, lng
    (
        "P3374100201",
        "Puskesmas Rowosari",
        "puskesmas",
        False,
        "33.74.10",
        "Jl. Tembalang Pesona Asri, Rowosari, Tembalang",
        -7.0716,
        110.4639,
    ),
    (
        "P3374100202",
        "Puskesmas Kedungmundu",
        "puskesmas",
        False,
        "33.74.10",
        "Jl. Sambiroto Raya No. 1, Kedungmundu, Tembalang",
        -7.0215,
        110.4600,
    ),
    (
        "P3374030201",
        "Puskesmas Halmahera",
        "puskesmas",
        False,
        "33.74.03",
        "Jl. Halmahera Raya No. 38, Karangtempel, Semarang Timur",
        -6.9905,
        110.4395,
    ),
    (
        "R3374070001",
        "RSUP Dr. Kariadi",
        "hospital",
        True,
        "33.74.07",
        "Jl. Dr. Sutomo No. 16, Randusari, Semarang Selatan",
        -6.9936,
        110.4069,
    ),
    (
        "R3374060001",
        "RSUD K.R.M.T. Wongsonegoro",
        "hospital",
        True,
        "33.74.06",
        "Jl. Fatmawati No. 1, Mangunharjo, Tembalang",
        -7.0209,
        110.4673,
    ),
    (
        "R3374010001",
        "RS Telogorejo",
        "hospital",
        False,
        "33.74.01",
        "Jl. K.H. Ahmad Dahlan, Pekunden, Semarang Tengah",
        -6.9869,
        110.4162,
    ),
    (
        "L3374060001",
        "Balai Laboratorium Kesehatan Jawa Tengah",
        "lab",
        False,
        "33.74.06",
        "Jl. Soekarno-Hatta No. 185, Pedurungan",
        -6.9866,
        110.4576,
    ),
]

DEMO_PASSWORD = "sigap-demo"

DEMO_ACCOUNTS = {
    # key: phone, name, role, facility code
    "alice": ("+6281100000001", "Alice Wulandari", User.Role.RESIDENT, None),
    "bob": ("+6281100000002", "Bob Santoso", User.Role.RESIDENT, None),
    "nurse": (
        "+6281100000003",
        "Ns. Siti Rahayu",
        User.Role.HEALTH_WORKER,
        "P3374100201",
    ),
    "nurse2": (
        "+6281100000005",
        "Ns. Dewi Lestari",
        User.Role.HEALTH_WORKER,
        "P3374030201",
    ),
    "health_office": (
        "+6281100000006",
        "Dinkes Kota Semarang",
        User.Role.HEALTH_OFFICE,
        None,
    ),
    "curator": ("+6281100000004", "Kurator Sigap", User.Role.CURATOR, None),
    "psc_operator": (
        "+6281100000007",
        "Operator PSC 119 Kota Semarang",
        User.Role.PSC_OPERATOR,
        None,
    ),
    "hospital_staff": (
        "+6281100000008",
        "Petugas RSUP Dr. Kariadi",
        User.Role.HOSPITAL_STAFF,
        "R3374070001",
    ),
}
# The kabupaten/kota whose PSC 119 a demo operator works for.
DEMO_PSC_REGION = "33.74"


@transaction.atomic
def demo_facilities_ensure() -> dict[str, Facility]:
    if not Region.objects.filter(code="33.74.10").exists():
        regions_load(root="33.74")
    out = {}
    for code, name, kind, referral, district, address, lat, lng in DEMO_FACILITIES:
        facility, _ = Facility.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "is_referral": referral,
                "district_id": district,
                "address": address,
                "phone": "(024) 000000",
                "latitude": lat,
                "longitude": lng,
            },
        )
        out[code] = facility
    return out


@transaction.atomic
def demo_accounts_ensure() -> dict[str, User]:
    facilities = demo_facilities_ensure()
    users: dict[str, User] = {}
    for key, (phone, name, role, facility_code) in DEMO_ACCOUNTS.items():
        if role == User.Role.RESIDENT:
            user, _ = User.objects.get_or_create(
                phone=phone, defaults={"full_name": name}
            )
            village = "33.74.10.1002" if key == "alice" else "33.74.03.1001"
            birth = {"alice": "1991-04-12", "bob": "1985-09-30"}[key]
            sex = {"alice": "F", "bob": "M"}[key]
            profile_update(
                user=user,
                data={
                    "full_name": name,
                    "birth_date": _date(birth),
                    "sex": sex,
                    "home_village": village,
                },
            )
            if not user.profile.has_consent:
                consent_give(user=user)
        else:
            # Only a new account gets the demo password: setting it again would change
            # its hash (a new salt) and sign everyone out on every `make run`.
            is_new = not User.objects.filter(phone=phone).exists()
            user = staff_create(
                phone=phone,
                full_name=name,
                role=role,
                facility=facilities.get(facility_code) if facility_code else None,
                password=DEMO_PASSWORD if is_new else None,
                region=Region.objects.get(code="33.74")
                if role == User.Role.HEALTH_OFFICE
                else None,
                psc_region=Region.objects.get(code=DEMO_PSC_REGION)
                if role == User.Role.PSC_OPERATOR
                else None,
            )
        users[key] = user
    return users


def _date(value: str):
    import datetime as dt

    return dt.date.fromisoformat(value)


# Each feature seeds its own demo rows; all are idempotent.
FEATURE_SEEDERS: list[str] = [
    "core.beds.services.beds_demo_seed",
    "core.cases.services.area_demo_seed",
    "chatbot.demo.chatbot_demo_seed",
    # Doctors' schedules first: the isolation demo's danger alert proposes a slot.
    "isolation.teleconsult.services.teleconsult_demo_seed",
    "isolation.services.isolation_demo_seed",
]


def demo_features_seed() -> dict[str, object]:
    """Run every feature's demo seeder, in order; returns each one's result by name.
    Needs the demo accounts (`demo_accounts_ensure`)."""
    return {path.rsplit(".", 1)[-1]: import_string(path)() for path in FEATURE_SEEDERS}
