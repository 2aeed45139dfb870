"""Admin: each record's state at SATUSEHAT (with the centre's own error text and the
ids it assigned), a retry action, the facilities' SATUSEHAT ids, reconciliation runs."""

from __future__ import annotations

from django.contrib import admin, messages

from core.models import SatusehatFacility, SatusehatReconciliation, SatusehatRecord
from core.satusehat.services import outbox_retry


@admin.register(SatusehatRecord)
class SatusehatRecordAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "object_id",
        "status",
        "attempts",
        "day",
        "kelurahan",
        "sent_at",
        "next_attempt_at",
        "short_error",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["=kelurahan", "=condition_id", "=patient_id"]
    date_hierarchy = "day"
    actions = ["retry"]
    readonly_fields = [
        f.name for f in SatusehatRecord._meta.fields if f.name != "id"
    ]  # state is the sync's to write; an operator retries

    def get_search_results(self, request, queryset, search_term):
        # A number is a case or check-in id.
        if search_term.strip().isdigit():
            return queryset.filter(object_id=int(search_term)), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="pesan SATUSEHAT")
    def short_error(self, row: SatusehatRecord) -> str:
        return row.last_error[:120]

    @admin.action(description="Kirim ulang sekarang")
    def retry(self, request, queryset):
        count = outbox_retry(ids=queryset.values_list("id", flat=True))
        self.message_user(
            request,
            f"{count} rekaman dijadwalkan ulang; terkirim pada sinkronisasi berikutnya.",
            messages.SUCCESS,
        )

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SatusehatFacility)
class SatusehatFacilityAdmin(admin.ModelAdmin):
    list_display = ["facility", "organization_id", "location_id"]
    search_fields = ["facility__name", "organization_id"]
    autocomplete_fields = ["facility"]


@admin.register(SatusehatReconciliation)
class SatusehatReconciliationAdmin(admin.ModelAdmin):
    list_display = [
        "started_at",
        "since",
        "sigap_total",
        "centre_total",
        "difference_count",
        "error",
    ]
    readonly_fields = [f.name for f in SatusehatReconciliation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
