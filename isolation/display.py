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


# The vitals as the board and the timeline name them. A missing value is "–" without
# a unit: "–°C" reads as a measurement.
VITALS = (
    ("temperature", "suhu", "°C"),
    ("spo2", "SpO2", "%"),
    ("breathing_rate", "napas", "/mnt"),
)


def vital_label(name: str, value: Decimal | float | int | str | None) -> str:
    """``("temperature", 38.8)`` -> ``suhu 38,8°C``; nothing -> ``suhu –``."""
    prefix, unit = next((p, u) for n, p, u in VITALS if n == name)
    if value is None or value == "":
        return f"{prefix} –"
    return f"{prefix} {decimal_label(value)}{unit}"


def last_vitals(
    known: dict[str, tuple[object, dt.datetime | None]],
    *,
    latest_at: dt.datetime | None,
    tz: ZoneInfo | str,
) -> list[dict]:
    """Each vital's last known value, with the time it was measured when that is not
    the latest report's (a report with only a note must not hide the earlier vitals).
    ``known`` maps a vital to (value, measured_at)."""
    parts = []
    for name, _prefix, _unit in VITALS:
        value, at = known.get(name, (None, None))
        earlier = value is not None and at is not None and latest_at is not None
        earlier = earlier and at < latest_at
        parts.append(
            {
                "name": name,
                "text": vital_label(name, value),
                "measured": int(at.timestamp()) if value is not None and at else "",
                "measured_label": wall_time(at, tz) if value is not None else "",
                "earlier": earlier,
            }
        )
    return parts
