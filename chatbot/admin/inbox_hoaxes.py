"""Curator inboxes of hoaxes: possible matches to review and residents' hoax reports
(the shared inbox base is in inbox.py)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html

from chatbot.admin.inbox import (
    InboxAdmin,
    OpenStateFilter,
    PendingStateFilter,
    button_html,
    buttons_html,
    date_cell,
    nearest_cell,
    nearest_hoax,
    text_cell,
)
from chatbot.models import (
    HoaxEntry,
    HoaxReport,
    PossibleHoaxMatch,
)
from chatbot.services import (
    hoax_report_dismiss,
    hoax_report_link,
    hoax_report_to_draft,
    possible_match_review,
)
from core.exceptions import ApplicationError


@admin.register(PossibleHoaxMatch)
class PossibleHoaxMatchAdmin(InboxAdmin):
    list_display = [
        "short_text",
        "buttons",
        "claim",
        "count",
        "last_seen",
        "state",
    ]
    list_filter = [PendingStateFilter]
    search_fields = ["text", "hoax__claim"]
    readonly_fields = [
        "text",
        "hoax",
        "score",
        "count",
        "state",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "last_seen_at",
    ]
    exclude = ["fingerprint"]
    actions = ["confirm", "reject"]
    list_select_related = ["hoax"]

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:pk>/confirm/",
                self._post_view(lambda r, o: self._review(r, o, True)),
                name=f"{info[0]}_{info[1]}_confirm",
            ),
            path(
                "<int:pk>/reject/",
                self._post_view(lambda r, o: self._review(r, o, False)),
                name=f"{info[0]}_{info[1]}_reject",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="pesan")
    def short_text(self, obj):
        return text_cell(obj.text)

    @admin.display(description="klaim (skor)", ordering="score")
    def claim(self, obj):
        return nearest_cell(obj.hoax.claim, obj.score)

    @admin.display(description="klaim sama?")
    def buttons(self, obj):
        if obj.state != PossibleHoaxMatch.State.PENDING:
            return obj.get_state_display()
        return format_html(
            '<div class="sigap-row-actions" style="display:flex;gap:4px">{}{}</div>',
            button_html(self._url("confirm", obj.pk), "Ya"),
            button_html(self._url("reject", obj.pk), "Bukan"),
        )

    def _review(self, request, obj, confirmed):
        possible_match_review(match=obj, confirmed=confirmed, actor=request.user)
        self.message_user(
            request,
            "Ditambahkan sebagai varian klaim." if confirmed else "Ditandai bukan.",
        )
        return redirect(self._changelist())

    @admin.action(description="Ya, klaim yang sama (jadikan varian)")
    def confirm(self, request, queryset):
        for match in queryset.filter(state=PossibleHoaxMatch.State.PENDING):
            possible_match_review(match=match, confirmed=True, actor=request.user)

    @admin.action(description="Bukan klaim yang sama")
    def reject(self, request, queryset):
        for match in queryset.filter(state=PossibleHoaxMatch.State.PENDING):
            possible_match_review(match=match, confirmed=False, actor=request.user)


@admin.register(HoaxReport)
class HoaxReportAdmin(InboxAdmin):
    list_display = [
        "short_text",
        "buttons",
        "count",
        "nearest_hoax",
        "channel",
        "last_reported",
        "state",
    ]
    list_filter = [OpenStateFilter, "channel"]
    search_fields = ["text", "note"]
    readonly_fields = [
        "text",
        "urls",
        "note",
        "language",
        "channel",
        "count",
        "nearest_hoax",
        "best_score",
        "hoax",
        "state",
        "reviewed_by",
        "reviewed_at",
        "created_at",
        "last_reported_at",
    ]
    exclude = ["fingerprint", "reporter"]
    actions = ["link_to_hoax", "make_drafts", "dismiss"]
    list_select_related = ["best_match"]

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<int:pk>/to-draft/",
                self._post_view(self._to_draft),
                name=f"{info[0]}_{info[1]}_to_draft",
            ),
            path(
                "<int:pk>/link-best/",
                self._post_view(self._link_best),
                name=f"{info[0]}_{info[1]}_link_best",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="pesan")
    def short_text(self, obj):
        return text_cell(obj.text)

    @admin.display(description="terakhir", ordering="last_reported_at")
    def last_reported(self, obj):
        return date_cell(obj.last_reported_at)

    @admin.display(description="tindakan")
    def buttons(self, obj):
        if obj.state != HoaxReport.State.OPEN:
            return "-"
        parts = [button_html(self._url("to_draft", obj.pk), "→ draf entri hoaks")]
        if nearest_hoax(obj) is not None:
            parts.append(
                button_html(
                    self._url("link_best", obj.pk), "→ kaitkan ke entri terdekat"
                )
            )
        return buttons_html(parts)

    @admin.display(description="entri terdekat", ordering="best_score")
    def nearest_hoax(self, obj):
        hoax = nearest_hoax(obj)
        if hoax is None:
            return "-"
        return nearest_cell(hoax, obj.best_score)

    def _to_draft(self, request, obj):
        entry = hoax_report_to_draft(report=obj, actor=request.user)
        self.message_user(request, "Draf entri hoaks dibuat; lengkapi lalu terbitkan.")
        return redirect(reverse("admin:chatbot_hoaxentry_change", args=[entry.pk]))

    def _link_best(self, request, obj):
        hoax = nearest_hoax(obj)
        if hoax is None:
            raise ApplicationError("Tidak ada entri terdekat.")
        hoax_report_link(reports=[obj], hoax=hoax, actor=request.user)
        self.message_user(request, f"Dikaitkan ke: {hoax}")
        return redirect(self._changelist())

    @admin.action(description="Kaitkan ke entri hoaks…")
    def link_to_hoax(self, request, queryset):
        chosen = self._choose(
            request,
            queryset,
            action="link_to_hoax",
            title="Kaitkan laporan ke entri hoaks",
            targets=HoaxEntry.objects.exclude(status="archived").order_by("claim"),
            label="Entri hoaks",
        )
        if not isinstance(chosen, HoaxEntry):
            return chosen
        n = hoax_report_link(reports=list(queryset), hoax=chosen, actor=request.user)
        self.message_user(request, f"{n} laporan dikaitkan.", messages.SUCCESS)
        return None

    @admin.action(description="Jadikan draf entri hoaks")
    def make_drafts(self, request, queryset):
        for report in queryset.filter(state=HoaxReport.State.OPEN):
            hoax_report_to_draft(report=report, actor=request.user)
        self.message_user(request, "Draf entri hoaks dibuat.", messages.SUCCESS)

    @admin.action(description="Abaikan")
    def dismiss(self, request, queryset):
        n = hoax_report_dismiss(reports=list(queryset), actor=request.user)
        self.message_user(request, f"{n} laporan diabaikan.", messages.SUCCESS)
