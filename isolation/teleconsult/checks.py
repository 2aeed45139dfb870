from __future__ import annotations

from django.core.checks import Warning, register
from django.db import connections


@register("database")
def check_sqlite_serialises_bookings(app_configs, **kwargs):
    """On SQLite, overlapping bookings with different starts are kept out only
    because booking writes queue behind BEGIN IMMEDIATE (PostgreSQL has exclusion
    constraints for that)."""
    issues = []
    for alias in kwargs.get("databases") or ():
        conn = connections[alias]
        mode = conn.settings_dict.get("OPTIONS", {}).get("transaction_mode")
        if conn.vendor == "sqlite" and (mode or "").upper() != "IMMEDIATE":
            issues.append(
                Warning(
                    "SQLite without transaction_mode IMMEDIATE: concurrent bookings "
                    "of overlapping (not identical) slots are not serialised.",
                    hint='Set DATABASES[...]["OPTIONS"]["transaction_mode"] = '
                    '"IMMEDIATE".',
                    id="teleconsult.W001",
                )
            )
    return issues
