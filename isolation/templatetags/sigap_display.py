from __future__ import annotations

from django import template

from isolation import display

register = template.Library()


@register.filter
def wall_time(value, tz):
    """``{{ alert.created_at|wall_time:isolation.tz }}`` -> ``03 Des 01:23``."""
    return display.wall_time(value, tz)


@register.filter
def wall_time_long(value, tz):
    return display.wall_time(value, tz, display.LONG)


@register.filter
def decimal_id(value):
    """``38.8`` -> ``38,8``; nothing -> ``–``."""
    return display.decimal_label(value)


@register.filter
def vital(value, name):
    """``{{ c.temperature|vital:"temperature" }}`` -> ``suhu 38,8°C`` / ``suhu –``."""
    return display.vital_label(name, value)


@register.filter
def zone_label(tz):
    return display.zone_label(tz)


@register.filter
def tel_href(phone):
    """``+62812…`` -> ``tel:+62812…`` (digits and a leading + only)."""
    raw = str(phone or "")
    digits = "".join(ch for ch in raw if ch.isdigit())
    return f"tel:+{digits}" if raw.startswith("+") else f"tel:{digits}"
