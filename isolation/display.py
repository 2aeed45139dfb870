"""How the dashboard writes a time and a measurement: one formatter for the pages
the server renders and for the labels live events carry, so the two never differ.

Times are shown in the patient's zone (WIB, WITA or WIT), in Indonesian
(``03 Des 01:23``); decimals with a comma (``38,8``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import dateformat, translation

from core.rules import TZ_LABELS

SHORT = "d M H:i"
LONG = "d M Y H:i"


def wall_time(value: dt.datetime | None, tz: ZoneInfo | str, fmt: str = SHORT) -> str:
    if value is None:
        return ""
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    with translation.override("id"):
        return dateformat.format(value.astimezone(zone), fmt)


def zone_label(tz: ZoneInfo | str) -> str:
    return TZ_LABELS.get(str(tz), str(tz))


def decimal_label(value: Decimal | float | int | str | None) -> str:
    if value is None or value == "":
        return "–"
    return format(Decimal(str(value)), "f").replace(".", ",")
