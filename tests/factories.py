"""factory_boy factories for the tests' users and facilities; the fixed users (alice,
bob, nurse, nurse2, health_office, curator) are built from them in tests/conftest.py."""

from __future__ import annotations

import factory
from django.utils import timezone

from core.models import Facility, Region, ResidentProfile, User
from core.services.accounts import CONSENT_PURPOSE, CONSENT_VERSION

# What a staff factory signs its users in with unless told otherwise; each built user
# also carries it as `raw_password`, for tests that sign in through a form.
STAFF_PASSWORD = "sigap-test-pw"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"33.74.{n % 90 + 10:02d}")
    name = factory.Sequence(lambda n: f"Kecamatan Uji {n}")
    level = Region.Level.DISTRICT
    kind = "kecamatan"
    timezone = "Asia/Jakarta"


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility
        django_get_or_create = ("code",)

    class Params:
        district_code = "33.74.10"

    name = factory.Sequence(lambda n: f"Puskesmas Uji {n}")
    code = factory.Sequence(lambda n: f"TEST{n:06d}")
    kind = Facility.Kind.PUSKESMAS
    district = factory.LazyAttribute(lambda o: Region.objects.get(code=o.district_code))
    address = factory.Faker("street_address", locale="id_ID")
    phone = "(024) 000000"
    latitude = -7.05
    longitude = 110.44


def semarang_facilities() -> dict[str, Facility]:
    """Puskesmas, hospitals and a lab of Kota Semarang (real names, approximate
    places), by code: the facilities the tests staff, rank and refer to. Needs the
    regions of Kota Semarang."""

    def facility(code, name, kind, district, lat, lng, *, referral=False):
        return FacilityFactory(
            code=code,
            name=name,
            kind=kind,
            is_referral=referral,
            district_code=district,
            latitude=lat,
            longitude=lng,
        )

    puskesmas, hospital = Facility.Kind.PUSKESMAS, Facility.Kind.HOSPITAL
    built = [
        facility("P3374100201", "Puskesmas Rowosari", puskesmas, "33.74.10", -7.0716, 110.4639),
        facility("P3374100202", "Puskesmas Kedungmundu", puskesmas, "33.74.10", -7.0215, 110.46),
        facility("P3374030201", "Puskesmas Halmahera", puskesmas, "33.74.03", -6.9905, 110.4395),
        facility("R3374070001", "RSUP Dr. Kariadi", hospital, "33.74.07", -6.9936, 110.4069, referral=True),
        facility("R3374060001", "RSUD K.R.M.T. Wongsonegoro", hospital, "33.74.06", -7.0209, 110.4673, referral=True),
        facility("R3374010001", "RS Telogorejo", hospital, "33.74.01", -6.9869, 110.4162),
        facility("L3374060001", "Balai Laboratorium Kesehatan Jawa Tengah", Facility.Kind.LAB, "33.74.06", -6.9866, 110.4576),
    ]  # fmt: skip
    return {f.code: f for f in built}


class UserFactory(factory.django.DjangoModelFactory):
    """A resident who gave consent in the app (`profile__<field>` sets the profile)."""

    class Meta:
        model = User
        django_get_or_create = ("phone",)
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
    full_name = factory.Faker("name", locale="id_ID")
    role = User.Role.RESIDENT

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            ResidentProfile.objects.get_or_create(
                user=obj, defaults={"consent_given_at": timezone.now(), **kwargs}
            )


class ResidentFactory(UserFactory):
    """A resident with the whole consent record the app writes (`consent_give`)."""

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            ResidentProfile.objects.update_or_create(
                user=obj,
                defaults={
                    "consent_given_at": timezone.now(),
                    "consent_purpose": CONSENT_PURPOSE["id"],
                    "consent_version": CONSENT_VERSION,
                    "consent_source": ResidentProfile.ConsentSource.APP,
                    **kwargs,
                },
            )


class StaffFactory(UserFactory):
    """A staff account as `staff_create` leaves it: a profile without consent, admin
    access for curators and health offices only, and a password to sign in with."""

    phone = factory.Sequence(lambda n: f"+62813{n:08d}")
    role = User.Role.CURATOR
    is_staff = factory.LazyAttribute(
        lambda o: o.role in (User.Role.CURATOR, User.Role.HEALTH_OFFICE)
    )

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            ResidentProfile.objects.get_or_create(user=obj)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.raw_password = extracted or STAFF_PASSWORD
        obj.set_password(obj.raw_password)
        if create:
            obj.save(update_fields=["password"])


class HealthWorkerFactory(UserFactory):
    """A health worker at a facility, without a password (tests sign in by token or
    session); `NurseFactory` makes one with a password."""

    role = User.Role.HEALTH_WORKER
    facility = factory.SubFactory(FacilityFactory)


class NurseFactory(StaffFactory):
    """A health worker at a facility, with a password for the dashboard's form."""

    role = User.Role.HEALTH_WORKER
    facility = factory.SubFactory(FacilityFactory)


class HealthOfficeFactory(StaffFactory):
    """A Dinas Kesehatan user; `region` is the kabupaten/kota it sees (Kota
    Semarang unless told)."""

    role = User.Role.HEALTH_OFFICE
    region = factory.LazyFunction(lambda: Region.objects.get(code="33.74"))


class PscOperatorFactory(StaffFactory):
    """An operator of a kabupaten/kota's PSC 119 (Kota Semarang unless told)."""

    role = User.Role.PSC_OPERATOR
    psc_region = factory.LazyFunction(lambda: Region.objects.get(code="33.74"))


class HospitalStaffFactory(StaffFactory):
    """Staff of a hospital who report its beds."""

    role = User.Role.HOSPITAL_STAFF
    facility = factory.SubFactory(FacilityFactory, kind=Facility.Kind.HOSPITAL)
