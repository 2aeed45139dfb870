from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from core.demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    demo_accounts_ensure,
    demo_features_seed,
)


def _summary(result) -> str:
    if isinstance(result, dict):
        return ", ".join(f"{key} {value}" for key, value in result.items())
    if isinstance(result, list | tuple):
        return f"{len(result)} rows ready"
    return str(result)


class Command(BaseCommand):
    help = "Create the demo facilities, accounts and feature data (idempotent)."

    def handle(self, *args, **options):
        users = demo_accounts_ensure()
        for name, result in demo_features_seed().items():
            if result:
                self.stdout.write(f"  {name}: {_summary(result)}")
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo accounts:"))
        for key, (phone, name, role, _facility) in DEMO_ACCOUNTS.items():
            user = users[key]
            facility = f" @ {user.facility.name}" if user.facility_id else ""
            if user.psc_region_id:
                facility = f" @ PSC 119 {user.psc_region.name}"
            page = {
                "curator": "admin",
                "psc_operator": "PSC console /psc/",
                "hospital_staff": "bed form /beds/",
            }.get(role, "dashboard")
            how = (
                f"app sign-in with phone {phone} (code printed on this console)"
                if role == "resident"
                else f"{page}: phone {phone}, password {DEMO_PASSWORD}"
            )
            self.stdout.write(f"  {key:<14} {role:<14} {name}{facility} - {how}")
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(
            f"Dashboard: {site}/dashboard/   PSC 119: {site}/psc/   "
            f"Beds: {site}/beds/   Admin: {site}/admin/"
        )
