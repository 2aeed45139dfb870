from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.demo import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    demo_accounts_ensure,
    demo_features_seed,
)

FLAG = "--i-know-this-is-not-production"


def _summary(result) -> str:
    if isinstance(result, dict):
        return ", ".join(f"{key} {value}" for key, value in result.items())
    if isinstance(result, list | tuple):
        return f"{len(result)} rows ready"
    return str(result)


class Command(BaseCommand):
    help = (
        "Create the demo facilities, accounts and feature data (idempotent). The demo "
        "staff accounts share a public password: refused with DEBUG off unless "
        f"{FLAG} is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            FLAG,
            action="store_true",
            dest="not_production",
            help="Seed even with DEBUG off (a staging or training copy, never "
            "production: the demo staff sign in with a published password).",
        )

    def handle(self, *args, not_production: bool = False, **options):
        if not settings.DEBUG:
            if not not_production:
                raise CommandError(
                    "DEBUG is off: seed_demo would create staff accounts (nurses, "
                    "health office, PSC 119, hospital staff) whose password "
                    f"({DEMO_PASSWORD}) is published in the README. For a staging or "
                    f"training copy, never production, run it with {FLAG}."
                )
            self.stderr.write(
                self.style.WARNING(
                    "!" * 78 + "\nWARNING: seeding demo accounts with DEBUG off. Their "
                    f"password ({DEMO_PASSWORD}) is public: anyone can sign in as a\n"
                    "nurse, the health office or PSC 119 here. Never on production "
                    "data.\n" + "!" * 78
                )
            )
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
