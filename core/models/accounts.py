from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.db import models
from django.utils import timezone

from core.rules import WIB_ZONE, normalise_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **extra):
        user = self.model(phone=normalise_phone(phone), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.CURATOR)
        return self.create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person, keyed by their E.164 phone number."""

    class Role(models.TextChoices):
        RESIDENT = "resident", "Warga"
        HEALTH_WORKER = "health_worker", "Tenaga kesehatan"
        HEALTH_OFFICE = "health_office", "Dinas kesehatan"
        CURATOR = "curator", "Kurator"
        HOSPITAL_STAFF = "hospital_staff", "Petugas rumah sakit"
        PSC_OPERATOR = "psc_operator", "Operator PSC 119"

    class Language(models.TextChoices):
        ID = "id", "Bahasa Indonesia"
        EN = "en", "English"

    phone = models.CharField("nomor HP", max_length=16, unique=True)
    full_name = models.CharField("nama", max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.RESIDENT)
    facility = models.ForeignKey(
        "core.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    # A health office works for one provinsi or kabupaten/kota (/kantor/ shows only it).
    region = models.ForeignKey(
        "core.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level__lte": 2},
        verbose_name="wilayah kerja",
        help_text="Untuk dinas kesehatan: provinsi atau kabupaten/kota.",
    )
    psc_region = models.ForeignKey(
        "core.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 2},
        verbose_name="kab/kota PSC",
        help_text="The kabupaten/kota whose PSC 119 a psc_operator works for.",
    )
    language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.ID
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "pengguna"
        verbose_name_plural = "pengguna"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="health_worker")
                | models.Q(facility__isnull=False),
                name="health_worker_has_facility",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="hospital_staff")
                | models.Q(facility__isnull=False),
                name="hospital_staff_has_facility",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="psc_operator")
                | models.Q(psc_region__isnull=False),
                name="psc_operator_has_region",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or f"user #{self.pk}"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """What the admin greets with: the name, not the phone number."""
        return self.full_name

    #: The name `tz` would work out, when the code that loaded this user read it in
    #: the same query (token sign-in); lives as long as this object.
    _tz_name: str | None = None

    def tz_remember(self, name: str | None) -> None:
        self._tz_name = name or WIB_ZONE.key

    def tz_forget(self) -> None:
        """After a change of home village or facility: the zone is looked up again."""
        self._tz_name = None

    @property
    def tz(self) -> ZoneInfo:
        if self._tz_name:
            return ZoneInfo(self._tz_name)
        if self.facility_id:
            return self.facility.tz
        if self.psc_region_id:
            return self.psc_region.tz
        profile = getattr(self, "profile", None)
        if profile is not None and profile.home_village_id:
            return profile.home_village.tz
        return WIB_ZONE

    @property
    def is_health_worker(self) -> bool:
        return self.role == self.Role.HEALTH_WORKER

    @property
    def is_curator(self) -> bool:
        return self.role == self.Role.CURATOR

    @property
    def is_hospital_staff(self) -> bool:
        return self.role == self.Role.HOSPITAL_STAFF

    @property
    def is_psc_operator(self) -> bool:
        return self.role == self.Role.PSC_OPERATOR

    @property
    def is_health_office(self) -> bool:
        return self.role in (self.Role.HEALTH_OFFICE, self.Role.CURATOR)


class ResidentProfile(models.Model):
    class Sex(models.TextChoices):
        MALE = "M", "Laki-laki"
        FEMALE = "F", "Perempuan"

    class ConsentSource(models.TextChoices):
        APP = "app", "Aplikasi (oleh warga)"
        FACILITY = "facility", "Puskesmas (dicatat petugas)"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    # Declared by the resident; unique only once verified (see docs/privacy.md, "NIK").
    nik = models.CharField("NIK", max_length=16, null=True, blank=True)  # noqa: DJ001 (NULL: no NIK)
    nik_verified_at = models.DateTimeField("NIK diverifikasi", null=True, blank=True)
    nik_verified_by = models.CharField(
        "diverifikasi oleh",
        max_length=12,
        choices=[("facility", "Puskesmas"), ("case_report", "Laporan kasus")],
        blank=True,
    )
    home_village = models.ForeignKey(
        "core.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": 4},
    )
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_purpose = models.CharField(max_length=300, blank=True)
    consent_version = models.CharField(max_length=16, blank=True)
    consent_source = models.CharField(
        max_length=8, choices=ConsentSource.choices, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "profil warga"
        verbose_name_plural = "profil warga"
        constraints = [
            models.UniqueConstraint(
                fields=["nik"],
                condition=models.Q(nik_verified_at__isnull=False),
                name="verified_nik_unique",
            ),
        ]
        indexes = [models.Index(fields=["nik"], name="profile_nik_idx")]

    def __str__(self) -> str:
        return f"profile of user #{self.user_id}"

    @property
    def has_consent(self) -> bool:
        return self.consent_given_at is not None


class OneTimeCode(models.Model):
    """A sign-in code. Only its hash is stored; attempts are counted with F() updates."""

    phone = models.CharField(max_length=16, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "kode sekali pakai"
        verbose_name_plural = "kode sekali pakai"
        indexes = [models.Index(fields=["phone", "-created_at"])]

    def __str__(self) -> str:
        return f"code #{self.pk}"


class DeviceToken(models.Model):
    class Platform(models.TextChoices):
        ANDROID = "android", "Android"
        IOS = "ios", "iOS"
        WEB = "web", "Web"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="device_tokens"
    )
    token = models.CharField(max_length=512, unique=True)
    platform = models.CharField(max_length=8, choices=Platform.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "token perangkat"
        verbose_name_plural = "token perangkat"

    def __str__(self) -> str:
        return f"{self.platform} device of user #{self.user_id}"
