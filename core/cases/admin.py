"""Admin for case data integration (imported by core/admin.py).

Sources (integrators) are managed here; cases and reports are derived data and
therefore read-only."""

from __future__ import annotations

from django.contrib import admin, messages

from core.admin_base import ReadOnlyAdmin
from core.admin_scope import HealthOfficeRegionAdmin
from core.cases.models import Case, CaseReport, Integrator, ReportBatch
from core.cases.services import integrator_create, integrator_key_rotate


@admin.register(Integrator)
class IntegratorAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "display_name",
        "kind",
        "is_active",
        "key_prefix",
        "last_used_at",
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "display_name"]
    readonly_fields = ["key_prefix", "created_at", "last_used_at"]
    fields = ["name", "display_name", "kind", "facility", "is_active", *readonly_fields]
    raw_id_fields = ["facility"]
    actions = ["issue_new_key"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created, key = integrator_create(
            name=obj.name,
            display_name=obj.display_name,
            kind=obj.kind,
            facility=obj.facility,
        )
        obj.pk = created.pk
        self.message_user(
            request,
            f"API key for {created.name} (shown once, store it now): {key}",
            level=messages.WARNING,
        )

    @admin.action(
        description="Terbitkan kunci API baru (yang lama langsung tidak berlaku)"
    )
    def issue_new_key(self, request, queryset):
        for integrator in queryset:
            key = integrator_key_rotate(integrator=integrator)
            self.message_user(
                request,
                f"New API key for {integrator.name} (shown once): {key}",
                level=messages.WARNING,
            )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # reports keep pointing at their source; deactivate instead


@admin.register(ReportBatch)
class ReportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "integrator", "channel", "filename", "started_at", "received", "created",
        "updated", "unchanged", "rejected",
    ]  # fmt: skip
    list_filter = ["channel", "integrator"]


@admin.register(Case)
class CaseAdmin(HealthOfficeRegionAdmin, ReadOnlyAdmin):
    """Health data, never editable (derived from reports): the superuser sees every
    case, a health office those of its region (each opened case is audited)."""

    region_field = "kelurahan__code"
    audit_action = "case.view"

    list_display = [
        "id",
        "kelurahan",
        "status",
        "confirmed_on",
        "source_count",
        "ambiguous_match",
    ]
    list_filter = ["status", "ambiguous_match"]
    search_fields = ["id", "kelurahan__code"]
    exclude = ["nik_key", "name_key"]


@admin.register(CaseReport)
class CaseReportAdmin(HealthOfficeRegionAdmin, ReadOnlyAdmin):
    region_field = "kelurahan__code"
    audit_action = "case_report.view"

    list_display = [
        "integrator",
        "record_id",
        "case",
        "status",
        "event_date",
        "kelurahan",
        "match",
    ]
    list_filter = ["integrator", "status", "match"]
    search_fields = ["record_id"]
    exclude = ["nik_key", "name_match_key", "name_key"]
