from __future__ import annotations

import factory
from django.utils import timezone

from core.models import Facility, Region, ResidentProfile, User


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

    name = factory.Sequence(lambda n: f"Puskesmas Uji {n}")
    code = factory.Sequence(lambda n: f"TEST{n:06d}")
    kind = Facility.Kind.PUSKESMAS
    district = factory.LazyFunction(lambda: Region.objects.get(code="33.74.10"))
    latitude = -7.05
    longitude = 110.44


class UserFactory(factory.django.DjangoModelFactory):
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


class HealthWorkerFactory(UserFactory):
    role = User.Role.HEALTH_WORKER
    facility = factory.SubFactory(FacilityFactory)
