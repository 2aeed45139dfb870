"""Admin for risk areas (imported by core/admin.py).

Zoning rules are managed here; boundaries and figures are derived or imported data
and therefore read-only."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from core.admin_base import ReadOnlyAdmin
from core.admin_scope import HealthOfficeRegionAdmin
from core.areas.models import (
    AreaBoundary,
    AreaDailyFigure,
    BoundaryImport,
    FigureDirty,
    ZoneRule,
)
from core.areas.services import zone_rule_save
from core.exceptions import ApplicationError


@admin.register(ZoneRule)
class ZoneRuleAdmin(admin.ModelAdmin):
    list_display = ["version", "name", "effective_from", "is_enabled", "metric"]
    list_filter = ["is_enabled"]
    ordering = ["-effective_from"]

    def get_readonly_fields(self, request, obj=None):
        if obj and AreaDailyFigure.objects.filter(zone_rule=obj).exists():
            return ["version", "name", "metric", "thresholds"]
        return []

    def save_model(self, request, obj, form, change):
        try:
            zone_rule_save(rule=obj)
        except (ApplicationError, ValidationError) as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
            return
        self.message_user(
            request,
            f"Zona sejak {obj.effective_from} akan dihitung ulang dengan aturan yang berlaku.",
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not AreaDailyFigure.objects.filter(zone_rule=obj).exists()


@admin.register(BoundaryImport)
class BoundaryImportAdmin(ReadOnlyAdmin):
    list_display = [
        "source",
        "started_at",
        "features",
        "created",
        "updated",
        "unchanged",
        "repaired",
    ]


@admin.register(AreaBoundary)
class AreaBoundaryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region", "area_km2", "repaired", "updated_at"]
    list_filter = ["repaired"]
    search_fields = ["code", "name"]
    exclude = ["geometry", "geometry_mid", "geometry_low"]


@admin.register(AreaDailyFigure)
class AreaDailyFigureAdmin(HealthOfficeRegionAdmin, ReadOnlyAdmin):
    region_field = "region__code"
    list_display = [
        "region", "date", "zone", "households_confirmed_7d", "new_confirmed",
        "active_confirmed", "recovered", "deaths", "zone_rule",
    ]  # fmt: skip
    list_filter = ["level", "zone"]
    search_fields = ["region__code", "region__name"]
    date_hierarchy = "date"
    list_select_related = ["region", "zone_rule"]


@admin.register(FigureDirty)
class FigureDirtyAdmin(ReadOnlyAdmin):
    list_display = ["region", "since", "marked_at"]
