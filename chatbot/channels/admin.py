"""Admin (Bahasa Indonesia): inbound/outbound logs (read-only) and broadcasts."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from chatbot.admin.base import CuratorAccessMixin
from chatbot.channels.broadcasts import broadcast_counts, broadcast_create
from chatbot.channels.models import Broadcast, InboundUpdate, OutboundMessage
from chatbot.channels.outbox import outbound_retry
from chatbot.channels.rules import mask_chat_id
from core.exceptions import ApplicationError
from core.models import Region


class _ReadOnly(CuratorAccessMixin, admin.ModelAdmin):
    list_per_page = 50

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="chat")
    def chat(self, obj):
        return mask_chat_id(obj.channel, obj.chat_id)


@admin.register(InboundUpdate)
class InboundUpdateAdmin(_ReadOnly):
    list_display = ["id", "channel", "chat", "status", "attempts", "received_at"]
    list_filter = ["channel", "status"]
    # Payloads contain what people wrote (maybe health details): not shown.
    fields = [
        "channel",
        "external_id",
        "status",
        "attempts",
        "last_error",
        "received_at",
        "processed_at",
    ]
    date_hierarchy = "received_at"


@admin.register(OutboundMessage)
class OutboundMessageAdmin(_ReadOnly):
    list_display = [
        "id",
        "channel",
        "chat",
        "status",
        "platform_status",
        "attempts",
        "send_after",
        "last_error",
    ]
    list_filter = ["channel", "status", "platform_status"]
    fields = [
        "channel",
        "key",
        "status",
        "platform_status",
        "platform_message_id",
        "attempts",
        "send_after",
        "last_error",
        "broadcast",
        "created_at",
        "sent_at",
    ]
    actions = ["retry_failed"]

    @admin.action(description="Kirim ulang pesan yang gagal")
    def retry_failed(self, request, queryset):
        count = outbound_retry(message_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            f"{count} pesan gagal dimasukkan kembali ke antrean.",
            messages.SUCCESS,
        )


class BroadcastForm(forms.ModelForm):
    class Meta:
        model = Broadcast
        fields = ["region_code", "text_id", "text_en"]
        help_texts = {
            "region_code": "Kode Kemendagri, mis. 33.74.10 (Kecamatan Tembalang).",
        }

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        if not Region.objects.filter(code=code).exists():
            raise forms.ValidationError("Wilayah tidak dikenal.")
        return code


@admin.register(Broadcast)
class BroadcastAdmin(CuratorAccessMixin, admin.ModelAdmin):
    form = BroadcastForm
    list_display = ["id", "region_code", "status", "recipients", "sent", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["status", "recipients", "counts", "created_by", "created_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["region_code", "text_id", "text_en"]
        return ["region_code", "text_id", "text_en", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="terkirim")
    def sent(self, obj):
        return broadcast_counts(obj)["sent"]

    @admin.display(description="rekap pengiriman")
    def counts(self, obj):
        c = broadcast_counts(obj)
        return (
            f"penerima {c['recipients']}, terkirim {c['sent']}, "
            f"menunggu {c['pending']}, gagal {c['failed']}"
        )

    def save_model(self, request, obj, form, change):
        try:
            created = broadcast_create(
                actor=request.user,
                region_code=obj.region_code,
                text_id=obj.text_id,
                text_en=obj.text_en,
            )
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = created.pk
        obj.created_at = created.created_at
