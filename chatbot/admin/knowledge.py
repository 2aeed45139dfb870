from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from chatbot.admin.base import (
    CuratorAccessMixin,
    ImportExportMixin,
    LinesField,
    truncated_cell,
)
from chatbot.admin.history import HistoryAdmin
from chatbot.models import FaqEntry, HoaxEntry, ImportJob, Status, Synonym
from chatbot.richtext import to_html
from chatbot.selectors import matches_subquery
from chatbot.services import (
    entries_set_status,
    faq_export,
    faq_save,
    hoax_export,
    hoax_save,
    knowledge_delete,
    synonym_save,
)
from chatbot.services.transfer import (
    FAQ_COLUMNS,
    FAQ_OPTIONAL,
    FAQ_REQUIRED,
    HOAX_COLUMNS,
    HOAX_OPTIONAL,
    HOAX_REQUIRED,
)

# The bulk actions of the FAQ and hoax change lists.
KNOWLEDGE_ACTIONS = [
    "publish",
    "archive",
    "make_draft",
    "export_xlsx",
    "export_csv",
    "export_json",
]


class StatusActionsMixin:
    @admin.display(description="diperbarui", ordering="updated_at")
    def updated(self, obj):
        # The date in the list (the time is in the entry and its history).
        return date_format(timezone.localtime(obj.updated_at), "j M Y")

    def _set_status(self, request, queryset, status: str, label: str):
        changed, errors = entries_set_status(
            entries=list(queryset), status=status, actor=request.user
        )
        for error in errors:
            self.message_user(request, error, messages.ERROR)
        self.message_user(request, f"{changed} entri {label}.", messages.SUCCESS)

    @admin.action(description="Terbitkan")
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED, "diterbitkan")

    @admin.action(description="Arsipkan")
    def archive(self, request, queryset):
        self._set_status(request, queryset, Status.ARCHIVED, "diarsipkan")

    @admin.action(description="Kembalikan ke draf")
    def make_draft(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT, "dijadikan draf")

    def delete_model(self, request, obj):
        knowledge_delete(instance=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            knowledge_delete(instance=obj)


class ReviewDueFilter(admin.SimpleListFilter):
    title = "tinjau ulang"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", "Sudah waktunya"), ("none", "Tanpa tanggal")]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.filter(review_on__lte=timezone.localdate())
        if self.value() == "none":
            return queryset.filter(review_on__isnull=True)
        return queryset


class FaqEntryForm(forms.ModelForm):
    alternates = LinesField(
        label="Rumusan lain", required=False, help_text="Satu rumusan per baris."
    )
    tags = LinesField(label="Tag", required=False, help_text="Satu tag per baris.")
    source_url = forms.URLField(
        label="Tautan sumber", required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = FaqEntry
        fields = [
            "question",
            "alternates",
            "answer",
            "status",
            "language",
            "key",
            "category",
            "tags",
            "source_url",
            "review_on",
        ]


@admin.register(FaqEntry)
class FaqEntryAdmin(
    CuratorAccessMixin, StatusActionsMixin, ImportExportMixin, HistoryAdmin
):
    form = FaqEntryForm
    list_display = [
        "short_question",
        "lang",
        "short_category",
        "status",
        "matches",
        "review_on",
        "updated",
    ]
    list_filter = ["status", "language", "category", ReviewDueFilter]
    search_fields = ["question", "answer", "key", "category"]
    readonly_fields = ["answer_preview", "published_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["question", "alternates", "answer", "answer_preview"]}),
        (
            "Pengelolaan",
            {
                "fields": [
                    "status",
                    "language",
                    "key",
                    "category",
                    "tags",
                    "source_url",
                    "review_on",
                    "published_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    actions = KNOWLEDGE_ACTIONS
    import_kind = ImportJob.Kind.FAQ
    import_columns = FAQ_COLUMNS
    import_required = FAQ_REQUIRED
    export_columns = FAQ_COLUMNS + FAQ_OPTIONAL
    export_name = "faq"
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(matches=matches_subquery("faq"))

    def get_search_results(self, request, queryset, search_term):
        found, dupes = super().get_search_results(request, queryset, search_term)
        if search_term:
            # Alternate phrasings live in a JSON list: search their text too.
            found = queryset.filter(
                Q(pk__in=found.values("pk")) | Q(alternates__icontains=search_term)
            )
        return found, dupes

    @admin.display(description="pertanyaan", ordering="question")
    def short_question(self, obj):
        return truncated_cell(obj.question)

    @admin.display(description="bahasa", ordering="language")
    def lang(self, obj):
        return format_html(
            '<abbr title="{}">{}</abbr>',
            obj.get_language_display(),
            obj.language.upper(),
        )

    @admin.display(description="kategori", ordering="category")
    def short_category(self, obj):
        return truncated_cell(obj.category, 24) if obj.category else "-"

    @admin.display(description="cocok 30 hari", ordering="matches")
    def matches(self, obj):
        return obj.matches

    @admin.display(description="pratinjau jawaban")
    def answer_preview(self, obj):
        if not obj.answer:
            return "-"
        return mark_safe(f'<div style="max-width:40em">{to_html(obj.answer)}</div>')

    def save_model(self, request, obj, form, change):
        faq_save(entry=obj, actor=request.user)

    def export_records(self, queryset):
        return faq_export(queryset)


class HoaxEntryForm(forms.ModelForm):
    variants = LinesField(
        label="Varian yang beredar",
        required=False,
        help_text="Satu varian (atau tautan yang beredar) per baris.",
    )
    tags = LinesField(label="Tag", required=False, help_text="Satu tag per baris.")
    source_url = forms.URLField(
        label="Tautan sumber", required=False, max_length=500, assume_scheme="https"
    )

    class Meta:
        model = HoaxEntry
        fields = [
            "claim",
            "narrative",
            "variants",
            "verdict",
            "explanation",
            "claim_en",
            "explanation_en",
            "status",
            "key",
            "source_url",
            "published_on",
            "tags",
        ]


@admin.register(HoaxEntry)
class HoaxEntryAdmin(
    CuratorAccessMixin, StatusActionsMixin, ImportExportMixin, HistoryAdmin
):
    form = HoaxEntryForm
    list_display = [
        "short_claim",
        "verdict_badge",
        "status",
        "matches",
        "published_on",
        "updated",
    ]
    list_filter = ["status", "verdict"]
    search_fields = ["claim", "claim_en", "explanation", "key"]
    readonly_fields = ["published_at", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["claim", "narrative", "variants", "verdict", "explanation"]},
        ),
        ("English", {"fields": ["claim_en", "explanation_en"]}),
        (
            "Pengelolaan",
            {
                "fields": [
                    "status",
                    "key",
                    "source_url",
                    "published_on",
                    "tags",
                    "published_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    actions = KNOWLEDGE_ACTIONS
    import_kind = ImportJob.Kind.HOAX
    import_columns = HOAX_COLUMNS
    import_required = HOAX_REQUIRED
    export_columns = HOAX_COLUMNS + HOAX_OPTIONAL
    export_name = "hoaks"
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(matches=matches_subquery("hoax"))

    def get_search_results(self, request, queryset, search_term):
        found, dupes = super().get_search_results(request, queryset, search_term)
        if search_term:
            found = queryset.filter(
                Q(pk__in=found.values("pk")) | Q(variants__icontains=search_term)
            )
        return found, dupes

    @admin.display(description="klaim", ordering="claim")
    def short_claim(self, obj):
        return truncated_cell(obj.claim)

    @admin.display(description="putusan", ordering="verdict")
    def verdict_badge(self, obj):
        colour = {"hoax": "#ba2121", "misleading": "#b8860b", "fact": "#2e7d32"}
        return format_html(
            '<strong style="color:{}">{}</strong>',
            colour.get(obj.verdict, "#333"),
            obj.get_verdict_display(),
        )

    @admin.display(description="cocok 30 hari", ordering="matches")
    def matches(self, obj):
        return obj.matches

    def save_model(self, request, obj, form, change):
        hoax_save(entry=obj)

    def export_records(self, queryset):
        return hoax_export(queryset)


@admin.register(Synonym)
class SynonymAdmin(CuratorAccessMixin, HistoryAdmin):
    list_display = ["term", "canonical", "is_active", "note", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["term", "canonical", "note"]

    def save_model(self, request, obj, form, change):
        synonym_save(synonym=obj)

    def delete_model(self, request, obj):
        knowledge_delete(instance=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            knowledge_delete(instance=obj)
