"""Admin (Bahasa Indonesia): staff read conversations handed over by the bot and
reply; the reply goes back to the chat through its own channel."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from chatbot.conversation import services
from chatbot.conversation.models import Handoff
from chatbot.conversation.selectors import handoff_scope
from core.exceptions import ApplicationError
from core.services.audit import audit_record

STAFF_ROLES = ("curator", "health_worker")


def is_chat_staff(user) -> bool:
    return bool(
        user.is_active
        and user.is_staff
        and (user.is_superuser or getattr(user, "role", "") in STAFF_ROLES)
    )


class HandoffForm(forms.ModelForm):
    reply = forms.CharField(
        label="Balas warga",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text="Dikirim ke warga lewat kanal yang sama (Telegram, WhatsApp "
        "atau chat aplikasi).",
    )
    close = forms.BooleanField(
        label="Akhiri percakapan setelah membalas", required=False
    )

    class Meta:
        model = Handoff
        fields = ()


@admin.register(Handoff)
class HandoffAdmin(admin.ModelAdmin):
    form = HandoffForm
    list_display = ("__str__", "channel", "resident", "status", "last_message_at")
    list_filter = ("status", "channel")
    ordering = ("-last_message_at",)
    readonly_fields = (
        "channel",
        "resident",
        "language",
        "status",
        "created_at",
        "last_message_at",
        "closed_at",
        "closed_by",
        "transcript",
    )
    fieldsets = (
        (None, {"fields": readonly_fields}),
        ("Balasan", {"fields": ("reply", "close")}),
    )
    actions = ["close_selected"]

    @admin.display(description="warga")
    def resident(self, obj: Handoff) -> str:
        # Never the chat id: on WhatsApp it is a phone number.
        return obj.user.full_name if obj.user_id else "(chat belum terhubung)"

    @admin.display(description="percakapan")
    def transcript(self, obj: Handoff) -> str:
        rows = format_html_join(
            "",
            "<p><small>{} · {}{}</small><br>{}</p>",
            (
                (
                    m.created_at.strftime("%d-%m-%Y %H:%M"),
                    m.get_direction_display(),
                    f" ({m.author.full_name})" if m.author_id else "",
                    m.text,
                )
                for m in obj.messages.select_related("author")
            ),
        )
        return format_html("<div>{}</div>", rows) if rows else "-"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(handoff_scope(request.user))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        handoff = self.get_object(request, object_id)
        if handoff is not None:  # the page shows the transcript: audit the read
            audit_record(
                actor=request.user,
                action="chatbot.handoff.read",
                target=handoff,
                patient=handoff.user,
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def has_module_permission(self, request):
        return is_chat_staff(request.user)

    def has_view_permission(self, request, obj=None):
        return is_chat_staff(request.user)

    def has_change_permission(self, request, obj=None):
        return is_chat_staff(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        text = form.cleaned_data.get("reply", "").strip()
        try:
            if text:
                services.handoff_reply(actor=request.user, handoff_id=obj.pk, text=text)
                messages.success(request, "Balasan dikirim.")
            if form.cleaned_data.get("close"):
                services.handoff_close(actor=request.user, handoff_id=obj.pk)
                messages.success(request, "Percakapan diakhiri.")
        except ApplicationError as exc:
            messages.error(request, exc.message)

    def save_related(self, request, form, formsets, change):
        """Messages are read-only; nothing else to save."""

    @admin.action(description="Akhiri percakapan terpilih")
    def close_selected(self, request, queryset):
        closed = 0
        for handoff in queryset.filter(status=Handoff.Status.OPEN):
            services.handoff_close(actor=request.user, handoff_id=handoff.pk)
            closed += 1
        messages.success(request, f"{closed} percakapan diakhiri.")
