"""Admin: bed reports (history, read-only once stored; a new one goes through the same
service as the API and the form) and PSC 119 escalations (read-only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.beds import rules
from core.beds.services import bed_report_submit
from core.exceptions import ApplicationError
from core.models import BedKind, BedReport, Escalation, Facility


class BedReportAddForm(forms.ModelForm):
    class Meta:
        model = BedReport
        fields = ["facility", "reported_at", "oxygen_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = Facility.objects.filter(
            kind=Facility.Kind.HOSPITAL, is_active=True
        )
        self.fields["reported_at"].required = False
        self.fields["reported_at"].help_text = "Kosongkan untuk sekarang."
        for kind, label in BedKind.choices:
            for part, text in (("total", "total"), ("free", "kosong")):
                self.fields[f"{kind}__{part}"] = forms.IntegerField(
                    label=f"{label} ({text})",
                    required=False,
                    min_value=0,
                    max_value=rules.MAX_BEDS_PER_KIND,
                )

    def beds(self) -> dict:
        out = {}
        for kind in rules.BED_KINDS:
            total = self.cleaned_data.get(f"{kind}__total")
            free = self.cleaned_data.get(f"{kind}__free")
            if total is not None or free is not None:
                out[kind] = {"total": total or 0, "free": free or 0}
        return out

    def clean(self):
        data = super().clean()
        _clean, errors = rules.beds_validate(self.beds())
        if errors:
            raise ValidationError("; ".join(f"{k}: {v}" for k, v in errors.items()))
        return data


class BedCountInline(admin.TabularInline):
    from core.models import BedCount

    model = BedCount
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "total", "free"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(BedReport)
class BedReportAdmin(admin.ModelAdmin):
    list_display = [
        "facility",
        "reported_at",
        "stale",
        "source",
        "oxygen_days",
        "received_at",
    ]
    list_filter = ["source", "facility"]
    search_fields = ["facility__name", "facility__code", "report_key"]
    date_hierarchy = "reported_at"
    inlines = [BedCountInline]

    @admin.display(boolean=True, description="kedaluwarsa (>24 jam)")
    def stale(self, obj: BedReport) -> bool:
        return rules.is_stale(obj.reported_at, timezone.now())

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = BedReportAddForm
            kwargs["fields"] = None
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            form = BedReportAddForm()
            return [(None, {"fields": list(form.fields)})]
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return [] if obj is None else self.inlines

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in BedReport._meta.fields]

    def has_delete_permission(self, request, obj=None):
        return False  # history is kept

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            report, _ = bed_report_submit(
                facility=form.cleaned_data["facility"],
                beds=form.beds(),
                oxygen_days=form.cleaned_data.get("oxygen_days"),
                reported_at=form.cleaned_data.get("reported_at"),
                source=BedReport.Source.ADMIN,
                reported_by=request.user,
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            raise
        obj.pk = report.pk
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        pass  # the counts were stored by the service


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["id", "region", "status", "urgency", "source", "created_at"]
    list_filter = ["status", "source", "region"]
    readonly_fields = [f.name for f in Escalation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from core.services.audit import audit_record

        escalation = Escalation.objects.filter(pk=object_id).first()
        if escalation is not None:
            # The page shows contact, location and health data: audited like the
            # PSC console's case page.
            audit_record(
                actor=request.user,
                action="psc.escalation.admin_view",
                target=escalation,
                patient=escalation.resident,
            )
        return super().change_view(request, object_id, form_url, extra_context)
