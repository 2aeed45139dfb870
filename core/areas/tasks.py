from __future__ import annotations

import datetime as dt

from celery import shared_task

from core.areas import services


@shared_task(ignore_result=True)
def apply_zone_rules(since: str) -> None:
    """After a zoning rule changed in the admin: re-zone the days from `since` on."""
    services.zone_rules_changed(since=dt.date.fromisoformat(since))
