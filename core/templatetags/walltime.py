"""Times on staff pages: in the page's wall time (WallTimeMiddleware), as "05 Des
21:55", with the year when it is not this year."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format

register = template.Library()


@register.filter
def when(value) -> str:
    """A datetime (or an ISO 8601 string with offset) as wall time; "" for none."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    local = timezone.localtime(value)
    this_year = timezone.localtime(timezone.now()).year
    return date_format(local, "d M H:i" if local.year == this_year else "d M Y H:i")
