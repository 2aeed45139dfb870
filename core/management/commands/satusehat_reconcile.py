from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from core.satusehat import reconcile
from core.satusehat.clients import enabled


class Command(BaseCommand):
    help = (
        "Compare, per kelurahan and day, the cases Sigap holds with the Conditions "
        "SATUSEHAT acknowledged, and list the records behind every difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=dt.date.fromisoformat)
        parser.add_argument(
            "--area", default="", help="print only this area (code, any level)"
        )

    def handle(self, *args, since=None, area="", **options):
        if not enabled():
            raise CommandError("SATUSEHAT is off (see README, SATUSEHAT).")
        run = reconcile.reconciliation_run(since=since)
        if run.error:
            raise CommandError(f"the centre could not be read: {run.error}")
        self.stdout.write(
            f"Sigap {run.sigap_total} cases, SATUSEHAT {run.centre_total} "
            f"acknowledged, {run.difference_count} differences"
        )
        for kel, day, sigap, centre in run.figures:
            if sigap != centre and (not area or (kel or "").startswith(area)):
                self.stdout.write(
                    f"  {day} {kel or '?'}: Sigap {sigap}, pusat {centre}"
                )
        for d in run.differences:
            if area and not (d["kelurahan"] or "").startswith(area):
                continue
            self.stdout.write(
                f"  {d['kind']}: case {d['case_id']} {d['kelurahan']} {d['day']} "
                f"{d['centre_id'] and 'Condition/' + d['centre_id']} {d['reason']}"
            )
