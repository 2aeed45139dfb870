"""Shared admin pieces: curator access, one-per-line list fields, import/export."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html

from chatbot.models import ImportJob
from chatbot.rules import truncate_words
from chatbot.services.imports import (
    import_job_create,
    import_job_enqueue,
    import_job_progress,
    import_job_run,
)
from chatbot.services.transfer import (
    check_size,
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


# A list column shows this many characters of a long text (whole words, "…"); the
# full text is its tooltip. Keeps the change lists within a 1366 px screen.
LIST_TEXT_CHARS = 90


def truncated_cell(text: str, limit: int = LIST_TEXT_CHARS) -> str:
    text = " ".join((text or "").split())
    short = truncate_words(text, limit)
    if short == text:
        return format_html('<span class="sigap-cell">{}</span>', text)
    return format_html('<span class="sigap-cell" title="{}">{}</span>', text, short)


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
        label="Status entri baru",
        choices=[("published", "Terbit"), ("draft", "Draf")],
        initial="draft",
        help_text="Untuk baris tanpa kolom status yang menjadi entri baru. Entri "
        "yang sudah ada tetap dengan statusnya, kecuali barisnya menyebut status.",
    )


class ImportExportMixin:
    """Adds "Impor" (upload .xlsx/CSV/JSON, upsert, per-line errors; a large file is
    imported by a worker while the curator watches its progress) and export
    actions."""

    change_list_template = "admin/chatbot/change_list_import.html"
    import_kind = ""  # ImportJob.Kind
    import_columns: list[str] = []  # the documented header
    import_required: list[str] = []  # the columns a file must have
    export_columns: list[str] = []
    export_name = "entries"

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
            path(
                "import/<int:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name=f"{info[0]}_{info[1]}_import_job",
            ),
            *super().get_urls(),
        ]

    def _url(self, name: str, *args) -> str:
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse(f"admin:{info[0]}_{info[1]}_{name}", args=args)

    def import_view(self, request):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_size(upload.size)  # before it is read into memory
                job = import_job_create(
                    kind=self.import_kind,
                    file_name=upload.name,
                    content=upload.read(),
                    default_status=form.cleaned_data["status"],
                    user=request.user,
                )
            except ApplicationError as exc:
                form.add_error("file", exc.message)
            else:
                if job.size > settings.CHATBOT_IMPORT_INLINE_BYTES:
                    import_job_enqueue(job)
                    self.message_user(
                        request,
                        f"Berkas {job.file_name} diterima dan diimpor di latar "
                        "belakang; halaman ini menunjukkan kemajuannya.",
                        messages.INFO,
                    )
                    return redirect(self._url("import_job", job.pk))
                try:
                    job = import_job_run(job_id=job.pk)
                except Exception:
                    self.message_user(
                        request,
                        "Impor gagal karena galat sistem; dicoba lagi otomatis "
                        "dalam beberapa menit.",
                        messages.ERROR,
                    )
                    return redirect(self._url("import_job", job.pk))
                if job.state == ImportJob.State.FAILED:
                    form.add_error("file", job.message)
                else:
                    report = job
                    level = (
                        messages.WARNING
                        if job.error_count or job.message
                        else messages.SUCCESS
                    )
                    notice = f" {job.message}" if job.message else ""
                    self.message_user(
                        request, f"Impor: {job.summary()}.{notice}", level
                    )
                    if not job.error_count:
                        return redirect(self._url("changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Impor {self.model._meta.verbose_name_plural}",
            "form": form,
            "report": report,
            "jobs": self._recent_jobs(),
            "kind": self.import_kind,
            "columns": self.import_columns,
            "required": self.import_required,
            "max_bytes": settings.CHATBOT_IMPORT_MAX_BYTES,
            "inline_bytes": settings.CHATBOT_IMPORT_INLINE_BYTES,
            "max_rows": number_format(
                settings.CHATBOT_IMPORT_MAX_ROWS, force_grouping=True
            ),
        }
        return TemplateResponse(request, "admin/chatbot/import.html", context)

    def _recent_jobs(self) -> list:
        jobs = ImportJob.objects.filter(kind=self.import_kind).select_related(
            "created_by"
        )
        return [
            (job, self._url("import_job", job.pk))
            for job in jobs.defer("content", "errors")[:10]
        ]

    def import_job_view(self, request, job_id: int):
        if not self.has_add_permission(request):
            return redirect("admin:index")
        job = (
            ImportJob.objects.filter(pk=job_id, kind=self.import_kind)
            .select_related("created_by")
            .defer("content")
            .first()
        )
        if job is None:
            raise Http404("Impor tidak ditemukan.")
        done = import_job_progress(job)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Impor {job.file_name}",
            "job": job,
            "done": number_format(done, force_grouping=True) if done else None,
            "rows": number_format(job.rows, force_grouping=True) if job.rows else None,
            "more_errors": job.error_count - len(job.errors),
            "import_url": self._url("import"),
        }
        return TemplateResponse(request, "admin/chatbot/import_job.html", context)

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
