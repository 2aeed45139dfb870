"""Curator inboxes. Rows carry one-click buttons (they submit the changelist form, which
already holds the CSRF token, to a small POST-only view)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from chatbot.admin.base import CuratorAccessMixin
from chatbot.models import (
    FaqEntry,
    HoaxEntry,
    HoaxReport,
    UnansweredQuestion,
)
from chatbot.rules import truncate_words
from chatbot.services import (
    unanswered_add_alternate,
    unanswered_close,
    unanswered_dismiss,
    unanswered_to_draft_faq,
)
from core.exceptions import ApplicationError


def button_html(url: str, label: str, style: str = "") -> str:
    # Long labels wrap inside the button instead of widening the column off-screen.
    return format_html(
        '<button type="submit" class="button" formaction="{}" formmethod="post" '
        'style="margin:0;white-space:normal;text-align:left;max-width:100%;{}">'
        "{}</button>",
        url,
        style,
        label,
    )


def buttons_html(parts: list[str]) -> str:
    """Row buttons stacked in a narrow column (no <br>: parts are already safe)."""
    return format_html(
        '<div class="sigap-row-actions" style="display:flex;flex-direction:column;'
        'align-items:stretch;gap:4px;min-width:7rem;max-width:10rem">{}</div>',
        format_html_join("", "{}", ((p,) for p in parts)),
    )


# What a residents' message shows in an inbox list (whole words, "…"; the whole text
# is its tooltip), and of each grouped example below it: the inbox fits a 1366 px
# screen whatever residents send (a 4,000-letter "word" wraps instead of widening).
INBOX_TEXT_CHARS = 160
INBOX_EXAMPLE_CHARS = 60
NEAREST_CHARS = 60
_CELL_STYLE = "min-width:9rem;max-width:16rem;overflow-wrap:anywhere"


def short(text: str, limit: int) -> str:
    return truncate_words(" ".join((text or "").split()), limit)


def text_cell(text: str, examples: list[str] | tuple[str, ...] = ()) -> str:
    """A resident's message, cut on a whole word with its full text as a tooltip,
    and up to 3 grouped examples under it."""
    full = " ".join((text or "").split())
    shown = short(full, INBOX_TEXT_CHARS)
    head = format_html(
        '<span class="sigap-cell"{}>{}</span>',
        format_html(' title="{}"', full) if shown != full else "",
        shown,
    )
    if not examples:
        return format_html('<div style="{}">{}</div>', _CELL_STYLE, head)
    return format_html(
        "<div style=\"{}\">{}<br><small style='color:#666'>{}</small></div>",
        _CELL_STYLE,
        head,
        format_html_join(
            " · ", "{}", ((short(e, INBOX_EXAMPLE_CHARS),) for e in examples[:3])
        ),
    )


def nearest_cell(entry, score: float) -> str:
    """The nearest entry to a message (cut short) and its score."""
    full = " ".join(str(entry).split())
    return format_html(
        '<div style="max-width:12rem;overflow-wrap:anywhere" title="{}">{} '
        "<small>({})</small></div>",
        full,
        short(full, NEAREST_CHARS),
        f"{score:.2f}",
    )


def nearest_faq(question: UnansweredQuestion) -> FaqEntry | None:
    """The FAQ to suggest for a question, if the match is worth a curator's look."""
    if question.best_faq_id and (
        question.best_score >= settings.CHATBOT_INBOX_FAQ_MIN_SCORE
    ):
        return question.best_faq
    return None


def nearest_hoax(report: HoaxReport) -> HoaxEntry | None:
    if report.best_match_id and (
        report.best_score >= settings.CHATBOT_INBOX_HOAX_MIN_SCORE
    ):
        return report.best_match
    return None


class OpenStateFilter(admin.SimpleListFilter):
    """State filter that shows the open rows unless asked otherwise."""

    title = "status"
    parameter_name = "state"
    open_value = "open"

    def lookups(self, request, model_admin):
        return [*model_admin.model.State.choices, ("all", "Semua")]

    def value(self):
        return super().value() or self.open_value

    def queryset(self, request, queryset):
        value = self.value()
        return queryset if value == "all" else queryset.filter(state=value)

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string(
                    {self.parameter_name: lookup}
                ),
                "display": title,
            }


class PendingStateFilter(OpenStateFilter):
    open_value = "pending"


class UnansweredStateFilter(OpenStateFilter):
    """Open questions, with those waiting for a draft's answer as a choice of their
    own: a draft keeps its group open until the answer is published."""

    waiting_value = "waiting"

    def lookups(self, request, model_admin):
        choices = list(super().lookups(request, model_admin))
        choices.insert(1, (self.waiting_value, WAITING_LABEL))
        return choices

    def queryset(self, request, queryset):
        if self.value() == self.waiting_value:
            return queryset.filter(
                state=UnansweredQuestion.State.OPEN, draft_faq__isnull=False
            )
        return super().queryset(request, queryset)


WAITING_LABEL = "Menunggu draf terbit"


class TargetForm(forms.Form):
    target = forms.ModelChoiceField(queryset=FaqEntry.objects.none(), label="Entri")


def date_cell(value) -> str:
    """A date and time on two short lines ("5 Des 2026" / "20.05")."""
    if value is None:
        return "-"
    local = timezone.localtime(value)
    return format_html(
        "{}<br>{}", date_format(local, "j M Y"), date_format(local, "H.i")
    )


class InboxAdmin(CuratorAccessMixin, admin.ModelAdmin):
    change_list_template = "admin/chatbot/change_list_inbox.html"

    def has_add_permission(self, request, *args):
        return False

    @admin.display(description="terakhir", ordering="last_seen_at")
    def last_seen(self, obj):
        return date_cell(obj.last_seen_at)

    def _url(self, name: str, pk: int) -> str:
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse(f"admin:{info[0]}_{info[1]}_{name}", args=[pk])

    def _changelist(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return reverse(f"admin:{info[0]}_{info[1]}_changelist")

    def _post_view(self, handler):
        """POST-only, permission-checked wrapper of a one-click row action."""

        def view(request, pk):
            if request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            if not self.has_change_permission(request):
                return redirect("admin:index")
            obj = get_object_or_404(self.model, pk=pk)
            try:
                return handler(request, obj)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return redirect(self._changelist())

        return self.admin_site.admin_view(view)

    def _choose(self, request, queryset, *, action, title, targets, label):
        """Intermediate page of a bulk action: pick the target entry."""
        form = TargetForm(request.POST if "apply" in request.POST else None)
        form.fields["target"].queryset = targets
        form.fields["target"].label = label
        if "apply" in request.POST and form.is_valid():
            return form.cleaned_data["target"]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "queryset": queryset,
            "form": form,
            "action": action,
        }
        return TemplateResponse(request, "admin/chatbot/choose_target.html", context)


@admin.register(UnansweredQuestion)
class UnansweredQuestionAdmin(InboxAdmin):
    # The buttons come right after the question: trailing columns scroll out of
    # sight beside the admin's sidebar and filters on a laptop screen.
    list_display = [
        "text_with_examples",
        "buttons",
        "count",
        "kind",
        "nearest_faq",
        "last_seen",
        "status",
    ]
    list_filter = [UnansweredStateFilter, "kind", "language"]
    search_fields = ["text", "terms"]
    ordering = ["-count", "-last_seen_at"]
    readonly_fields = [
        "text",
        "terms",
        "language",
        "kind",
        "count",
        "examples",
        "nearest_faq",
        "best_score",
        "draft_faq",
        "resolved_faq",
        "handled_by",
        "handled_at",
        "first_seen_at",
        "last_seen_at",
    ]
    fields = [*readonly_fields, "state"]
    actions = ["make_drafts", "add_as_alternate", "close", "dismiss"]
    list_select_related = ["best_faq", "draft_faq"]

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:pk>/to-draft/",
                self._post_view(self._to_draft),
                name=f"{info[0]}_{info[1]}_to_draft",
            ),
            path(
                "<int:pk>/to-alternate/",
                self._post_view(self._to_alternate),
                name=f"{info[0]}_{info[1]}_to_alternate",
            ),
            path(
                "<int:pk>/close/",
                self._post_view(self._close),
                name=f"{info[0]}_{info[1]}_close",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="pertanyaan")
    def text_with_examples(self, obj):
        return text_cell(obj.text, obj.examples or ())

    @admin.display(description="FAQ terdekat", ordering="best_score")
    def nearest_faq(self, obj):
        faq = nearest_faq(obj)
        if faq is None:
            return "-"
        return nearest_cell(faq, obj.best_score)

    @admin.display(description="status", ordering="state")
    def status(self, obj):
        if obj.state == UnansweredQuestion.State.OPEN and obj.draft_faq_id:
            return WAITING_LABEL
        return obj.get_state_display()

    @admin.display(description="tindakan")
    def buttons(self, obj):
        if obj.state != UnansweredQuestion.State.OPEN:
            return "-"
        if obj.draft_faq_id is not None:
            # Waiting for the draft's answer: handled when it is published.
            link = reverse("admin:chatbot_faqentry_change", args=[obj.draft_faq_id])
            return buttons_html(
                [
                    format_html(
                        '<span class="sigap-draft">draf dibuat: <a href="{}" '
                        'title="{}">{}</a><br><small>menunggu jawaban '
                        "diterbitkan</small></span>",
                        link,
                        obj.draft_faq.question,
                        short(obj.draft_faq.question, NEAREST_CHARS),
                    ),
                    button_html(self._url("close", obj.pk), "✓ tandai ditangani"),
                ]
            )
        parts = [button_html(self._url("to_draft", obj.pk), "→ draf FAQ baru")]
        faq = nearest_faq(obj)
        if faq is not None:
            parts.append(
                button_html(
                    self._url("to_alternate", obj.pk),
                    format_html("→ rumusan lain dari “{}”", short(faq.question, 40)),
                )
            )
        return buttons_html(parts)

    def _to_draft(self, request, obj):
        existing = obj.draft_faq_id
        entry = unanswered_to_draft_faq(question=obj, actor=request.user)
        self.message_user(
            request,
            "Draf FAQ untuk pertanyaan ini sudah ada."
            if existing
            else "Draf FAQ dibuat; tulis jawabannya lalu terbitkan. Pertanyaan ini "
            "tetap terbuka sampai jawabannya terbit.",
        )
        if not existing:
            self.log_change(request, obj, f"Draf FAQ dibuat (#{entry.pk})")
        return redirect(reverse("admin:chatbot_faqentry_change", args=[entry.pk]))

    def _close(self, request, obj):
        if unanswered_close(questions=[obj], actor=request.user):
            self.log_change(request, obj, "Ditandai ditangani")
            self.message_user(request, "Pertanyaan ditandai ditangani.")
        return redirect(self._changelist())

    def _to_alternate(self, request, obj):
        faq = nearest_faq(obj)
        if faq is None:
            raise ApplicationError("Tidak ada FAQ terdekat.")
        unanswered_add_alternate(questions=[obj], faq=faq, actor=request.user)
        self.message_user(request, f"Ditambahkan sebagai rumusan lain dari: {faq}")
        return redirect(self._changelist())

    @admin.action(description="Jadikan draf FAQ baru")
    def make_drafts(self, request, queryset):
        waiting = queryset.filter(
            state=UnansweredQuestion.State.OPEN, draft_faq__isnull=True
        )
        for q in waiting:
            entry = unanswered_to_draft_faq(question=q, actor=request.user)
            self.log_change(request, q, f"Draf FAQ dibuat (#{entry.pk})")
        self.message_user(request, "Draf FAQ dibuat.", messages.SUCCESS)

    @admin.action(description="Tambahkan sebagai rumusan lain dari entri FAQ…")
    def add_as_alternate(self, request, queryset):
        chosen = self._choose(
            request,
            queryset,
            action="add_as_alternate",
            title="Tambahkan sebagai rumusan lain",
            targets=FaqEntry.objects.exclude(status="archived").order_by("question"),
            label="Entri FAQ",
        )
        if not isinstance(chosen, FaqEntry):
            return chosen
        unanswered_add_alternate(
            questions=list(queryset), faq=chosen, actor=request.user
        )
        self.message_user(request, f"Ditambahkan ke: {chosen}", messages.SUCCESS)
        return None

    @admin.action(description="Tandai ditangani")
    def close(self, request, queryset):
        n = unanswered_close(questions=list(queryset), actor=request.user)
        self.message_user(request, f"{n} pertanyaan ditandai ditangani.")

    @admin.action(description="Abaikan")
    def dismiss(self, request, queryset):
        n = unanswered_dismiss(questions=list(queryset), actor=request.user)
        self.message_user(request, f"{n} pertanyaan diabaikan.", messages.SUCCESS)
