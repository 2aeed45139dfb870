from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse

from chatbot.admin.base import CuratorAccessMixin
from chatbot.models import MatchStat
from chatbot.selectors import (
    inbox_counts,
    stats_daily,
    stats_most_matched,
    unanswered_top,
)


@admin.register(MatchStat)
class MatchStatAdmin(CuratorAccessMixin, admin.ModelAdmin):
    """The "Statistik" page: most-matched entries, daily outcomes, unanswered trend."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        try:
            days = max(1, min(int(request.GET.get("days", 30)), 365))
        except ValueError:
            days = 30
        daily = stats_daily(days=days)
        peak = max((d["total"] for d in daily), default=0) or 1
        for d in daily:
            d["width"] = round(100 * d["total"] / peak)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Statistik chatbot",
            "days": days,
            "most": stats_most_matched(days=days),
            "daily": daily,
            "totals": {
                kind: sum(d[kind] for d in daily) for kind in MatchStat.Kind.values
            },
            "kinds": MatchStat.Kind.choices,
            "inbox": inbox_counts(),
            "unanswered": unanswered_top(),
        }
        return TemplateResponse(request, "admin/chatbot/stats.html", context)
