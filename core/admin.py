from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError

from core.models import (
    AuditLog,
    ChannelIdentity,
    DeviceToken,
    Facility,
    Notification,
    Region,
    ResidentProfile,
    User,
)
from core.rules import InvalidPhone, normalise_phone


class UserCreationForm(forms.ModelForm):
    password = forms.CharField(
        label="Kata sandi (untuk dasbor/admin; kosongkan untuk warga)",
        widget=forms.PasswordInput,
        required=False,
    )

    class Meta:
        model = User
        fields = ["phone", "full_name", "role", "facility", "psc_region"]

    def clean_phone(self):
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except InvalidPhone as exc:
            raise ValidationError(str(exc)) from exc

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password"):
            user.set_password(self.cleaned_data["password"])
        else:
            user.set_unusable_password()
        user.is_staff = user.role in (User.Role.CURATOR, User.Role.HEALTH_OFFICE)
        if commit:
            user.save()
        return user


class ProfileInline(admin.StackedInline):
    model = ResidentProfile
    can_delete = False
    fields = [
        "birth_date",
        "sex",
        "home_village",
        "consent_given_at",
        "consent_version",
    ]
    readonly_fields = ["consent_given_at", "consent_version"]
    autocomplete_fields = ["home_village"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    inlines = [ProfileInline]
    ordering = ["-date_joined"]
    list_display = [
        "id",
        "full_name",
        "role",
        "facility",
        "language",
        "is_active",
        "date_joined",
    ]
    list_filter = ["role", "is_active", "language", "facility"]
    search_fields = ["full_name", "phone"]
    autocomplete_fields = ["facility", "region", "psc_region"]
    fieldsets = [
        (None, {"fields": ["phone", "password"]}),
        ("Profil", {"fields": ["full_name", "language"]}),
        (
            "Peran",
            {
                "fields": [
                    "role",
                    "facility",
                    "region",
                    "psc_region",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ]
            },
        ),
        ("Waktu", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "phone",
                    "full_name",
                    "role",
                    "facility",
                    "psc_region",
                    "password",
                ],
            },
        )
    ]
    filter_horizontal = ["groups", "user_permissions"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "timezone"]
    list_filter = ["level", "timezone"]
    search_fields = ["code", "name"]
    readonly_fields = ["code", "level", "kind", "parent"]

    def has_add_permission(self, request):
        return False  # regions come from `manage.py load_regions`

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "is_referral", "district", "phone", "is_active"]
    list_filter = ["kind", "is_referral", "is_active"]
    search_fields = ["name", "code", "district__name"]
    autocomplete_fields = ["district"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor",
        "actor_role",
        "action",
        "target_type",
        "target_id",
    ]
    list_filter = ["action", "actor_role"]
    search_fields = ["target_id", "request_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "user",
        "channel",
        "kind",
        "status",
        "attempts",
        "send_after",
    ]
    list_filter = ["status", "channel", "kind"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ChannelIdentity)
class ChannelIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "channel", "linked_at"]
    list_filter = ["channel"]


@admin.register(DeviceToken)
class DeviceTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "platform", "created_at", "last_seen_at"]
    list_filter = ["platform"]


# Risk areas, case integration, hospital beds + PSC 119 (their own modules).
from core import admin_beds  # noqa: E402,F401
from core.areas import admin as areas_admin  # noqa: E402,F401
from core.cases import admin as cases_admin  # noqa: E402,F401
from core.satusehat import admin as satusehat_admin  # noqa: E402,F401  (SATUSEHAT)
