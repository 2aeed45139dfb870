from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.satusehat import services
from core.satusehat.clients import enabled


class Command(BaseCommand):
    help = (
        "Send what is pending to SATUSEHAT (integrated cases, isolation vital signs) "
        "and print counts. Rows waiting for their back-off stay for a later run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            type=dt.date.fromisoformat,
            help="only records changed since this date (YYYY-MM-DD); default all",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="map and count, send nothing",
        )

    def handle(self, *args, since=None, dry_run=False, **options):
        if not enabled():
            raise CommandError(
                "SATUSEHAT is off: set SATUSEHAT_AUTH_URL, SATUSEHAT_BASE_URL, "
                "SATUSEHAT_CLIENT_ID, SATUSEHAT_CLIENT_SECRET and "
                "SATUSEHAT_ORGANIZATION_ID."
            )
        result = services.satusehat_sync(since=since, dry_run=dry_run)
        refreshed = result.refreshed
        self.stdout.write(
            f"outbox: {refreshed.scanned} records checked, {refreshed.new} new, "
            f"{refreshed.changed} changed since last sent"
        )
        if dry_run:
            self.stdout.write(f"dry run: {result.due} due, nothing sent")
        else:
            sent = result.sent
            self.stdout.write(
                f"sent {sent.sent} records ({sent.resources} resources in "
                f"{sent.bundles} bundles), {sent.failed} failed for now, "
                f"{sent.permanent} rejected"
            )
        states = ", ".join(f"{k} {v}" for k, v in sorted(result.by_status.items()))
        self.stdout.write(f"status: {states or 'empty'}; still due {result.remaining}")
