"""Shared admin pieces: curator access, one-per-line list fields, import/export."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format

from chatbot.services.transfer import (
    check_size,
    read_records,
    to_csv,
    to_json,
    to_xlsx,
)
from core.csvsafe import XLSX_CONTENT_TYPE
from core.exceptions import ApplicationError


def is_curator(user) -> bool:
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or getattr(user, "role", "") == "curator")
    )


class CuratorAccessMixin:
    """Curators manage the chatbot without per-model permission setup."""

    def has_module_permission(self, request):
        return is_curator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_curator(request.user)

    def has_add_permission(self, request, *args):
        return is_curator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_curator(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_curator(request.user)


class LinesField(forms.CharField):
    """A JSON list of strings edited as a textarea, one item per line."""

    widget = forms.Textarea(attrs={"rows": 5, "cols": 80})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        value = super().to_python(value) or ""
        return [line.strip() for line in value.splitlines() if line.strip()]


class ImportForm(forms.Form):
    file = forms.FileField(label="Berkas Excel (.xlsx), CSV atau JSON")
    status = forms.ChoiceField(
        label="Status untuk baris tanpa status",
        choices=[("published", "Terbit"), ("draft", "Draf")],
        initial="draft",
    )


class ImportExportMixin:
    """Adds "Impor" (upload .xlsx/CSV/JSON, upsert, per-line errors) and export
    actions."""

    change_list_template = "admin/chatbot/change_list_import.html"
    import_columns: list[str] = []  # the documented header
    import_required: list[str] = []  # the columns a file must have
    export_columns: list[str] = []
    export_name = "entries"

    def run_import(self, rows, status):  # pragma: no cover - overridden
        raise NotImplementedError

    def export_records(self, queryset):  # pragma: no cover - overridden
        raise NotImplementedError

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{info[0]}_{info[1]}_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_size(upload.size)  # before it is read into memory
                rows = read_records(
                    upload.read(), filename=upload.name, required=self.import_required
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                report = self.run_import(rows, form.cleaned_data["status"])
                level = messages.WARNING if report.errors else messages.SUCCESS
                self.message_user(request, f"Impor: {report.summary()}", level)
                if not report.errors:
                    info = self.model._meta.app_label, self.model._meta.model_name
                    return redirect(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Impor {self.model._meta.verbose_name_plural}",
            "form": form,
            "report": report,
            "columns": self.import_columns,
            "required": self.import_required,
            "max_bytes": settings.CHATBOT_IMPORT_MAX_BYTES,
            "max_rows": number_format(
                settings.CHATBOT_IMPORT_MAX_ROWS, force_grouping=True
            ),
        }
        return TemplateResponse(request, "admin/chatbot/import.html", context)

    def _export(self, queryset, fmt: str) -> HttpResponse:
        records = self.export_records(queryset.order_by("id"))
        stamp = dt.date.today().isoformat()
        if fmt == "xlsx":
            body = to_xlsx(records, self.export_columns, sheet=self.export_name)
            response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
        else:
            if fmt == "csv":
                body, ctype = to_csv(records, self.export_columns), "text/csv"
            else:
                body, ctype = to_json(records), "application/json"
            response = HttpResponse(body, content_type=f"{ctype}; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.export_name}-{stamp}.{fmt}"'
        )
        return response

    @admin.action(description="Ekspor terpilih sebagai CSV")
    def export_csv(self, request, queryset):
        return self._export(queryset, "csv")

    @admin.action(description="Ekspor terpilih sebagai JSON")
    def export_json(self, request, queryset):
        return self._export(queryset, "json")

    @admin.action(description="Ekspor terpilih sebagai Excel")
    def export_xlsx(self, request, queryset):
        return self._export(queryset, "xlsx")
