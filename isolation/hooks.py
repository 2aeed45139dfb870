"""What other apps do when something happens in isolation monitoring. They register
from their AppConfig.ready() (as with core.services.privacy.register_exporter), so
isolation never imports them and works without them."""

from __future__ import annotations

from collections.abc import Callable

_after_danger_alert: dict[str, Callable[[int], None]] = {}


def register_danger_alert_hook(name: str, fn: Callable[[int], None]) -> None:
    """`fn(alert_id)` runs after a danger alert has been committed (teleconsultation
    proposes a slot)."""
    _after_danger_alert[name] = fn


def danger_alert_hooks() -> list[Callable[[int], None]]:
    return [fn for _name, fn in sorted(_after_danger_alert.items())]
