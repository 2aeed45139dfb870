from __future__ import annotations

import datetime as dt
import json

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html

from core.services.audit import audit_record
from selfcheck import rules, services
from selfcheck.models import Assessment, Questionnaire, RuleSet


class CuratorOnly:
    """Curators (and superusers) manage self-check versions without per-model perms."""

    def _is_curator(self, request) -> bool:
        user = request.user
        return user.is_active and (
            user.is_superuser or (user.is_staff and user.role == "curator")
        )

    def has_module_permission(self, request) -> bool:
        return self._is_curator(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._is_curator(request)


class PublicationForm(forms.ModelForm):
    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at < timezone.now() - dt.timedelta(minutes=1):
            raise forms.ValidationError(
                "Versi baru tidak boleh berlaku surut; pilih sekarang atau nanti."
            )
        return starts_at


class PublicationAdmin(CuratorOnly, admin.ModelAdmin):
    """Publish a version defined in code from a start moment. Started rows are history:
    read-only and undeletable; a future one may be withdrawn."""

    form = PublicationForm
    list_display = ["version", "starts_at", "in_force", "published_by", "note"]
    fields = ["version", "starts_at", "note"]
    readonly_fields = ["published_by", "created_at"]
    actions = None
    publish = None  # service function

    def has_add_permission(self, request) -> bool:
        return self._is_curator(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._is_curator(request) and obj is not None and not obj.has_started

    @admin.display(boolean=True, description="berlaku")
    def in_force(self, obj) -> bool:
        newest = (
            type(obj)
            .objects.filter(starts_at__lte=timezone.now())
            .order_by("-starts_at")
            .first()
        )
        return newest is not None and newest.pk == obj.pk

    def save_model(self, request, obj, form, change) -> None:
        published = type(self).publish(
            version=obj.version,
            starts_at=obj.starts_at,
            note=obj.note,
            actor=request.user,
        )
        obj.pk = published.pk

    def delete_model(self, request, obj) -> None:
        services.publication_withdraw(publication=obj)


@admin.register(RuleSet)
class RuleSetAdmin(PublicationAdmin):
    publish = staticmethod(services.ruleset_publish)
    readonly_fields = [*PublicationAdmin.readonly_fields, "thresholds"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "published_by", "thresholds"] if obj else self.fields

    @admin.display(description="ambang (dari kode)")
    def thresholds(self, obj) -> str:
        if obj.version not in rules.rule_versions():
            return "-"
        params = json.dumps(rules.describe(obj.version)["params"], indent=2)
        return format_html("<pre>{}</pre>", params)


@admin.register(Questionnaire)
class QuestionnaireAdmin(PublicationAdmin):
    publish = staticmethod(services.questionnaire_publish)

    def get_fields(self, request, obj=None):
        return [*self.fields, "published_by"] if obj else self.fields


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-only, for the operator (superuser) alone: assessments are health data,
    not chatbot content, so curators do not see them. Who submitted is deliberately
    not shown (data minimisation)."""

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    list_display = [
        "created_at",
        "risk_level",
        "rule_version",
        "district",
        "signed_in",
    ]
    list_filter = ["risk_level", "rule_version", "questionnaire_version", "day"]
    date_hierarchy = "created_at"
    fields = [
        "id",
        "created_at",
        "day",
        "district",
        "signed_in",
        "risk_level",
        "rule_version",
        "questionnaire_version",
        "language",
        "answers",
        "reasons",
    ]
    readonly_fields = fields
    actions = None
    list_select_related = ["district"]

    @admin.display(boolean=True, description="masuk")
    def signed_in(self, obj) -> bool:
        return obj.owner_id is not None

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and obj.owner_id is not None:
            audit_record(
                actor=request.user,
                action="selfcheck.admin_view",
                target=obj,
                patient=obj.owner,
            )
        return super().change_view(request, object_id, form_url, extra_context)
