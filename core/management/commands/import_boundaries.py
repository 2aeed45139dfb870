from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.areas.services import boundaries_import
from core.exceptions import ApplicationError

SHOW_CODES = 30


class Command(BaseCommand):
    help = (
        "Import kecamatan boundaries from a GeoJSON FeatureCollection (plain or .gz) whose "
        "features carry properties.code (default file: SIGAP_BOUNDARIES_FILE). Repairs "
        "invalid geometries; idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            help="e.g. /srv/data/kecamatan.geojson.gz; default: SIGAP_BOUNDARIES_FILE",
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Read the file even if it was imported as is",
        )

    def handle(
        self,
        *args,
        file: str | None = None,
        no_progress: bool = False,
        force: bool = False,
        **options,
    ):
        if not file:
            file = settings.SIGAP_BOUNDARIES_FILE
            if not file:
                raise CommandError(
                    "Give the boundary file (import_boundaries FILE) or set "
                    "SIGAP_BOUNDARIES_FILE."
                )
            if not Path(file).is_file():
                raise CommandError(
                    f"SIGAP_BOUNDARIES_FILE ({file}) not found: give the boundary "
                    "file (import_boundaries FILE) or set SIGAP_BOUNDARIES_FILE."
                )
        started = time.monotonic()
        bar = tqdm(unit="feature", desc="Batas kecamatan", disable=no_progress)
        try:
            result = boundaries_import(path=file, progress=bar.update, force=force)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        finally:
            bar.close()
        out = self.stdout
        if result.same_file:
            out.write(
                f"Same file as import #{result.run_id}: {result.unchanged} boundaries unchanged "
                "(--force to read it again)."
            )
        out.write(
            f"{result.features} features: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged; {result.repaired} invalid geometries repaired"
            + (
                f", {result.merged_duplicates} duplicate codes merged"
                if result.merged_duplicates
                else ""
            )
        )
        out.write(
            f"{result.regions_located} regions got coordinates (kecamatan centroids, rolled up)"
        )
        if result.skipped:
            out.write(self.style.WARNING(f"{len(result.skipped)} features skipped:"))
            for item in result.skipped[:SHOW_CODES]:
                out.write(
                    f"  #{item['index']} {item['code'] or '(no code)'}: {item['reason']}"
                )
        if result.unmatched_codes:
            codes = result.unmatched_codes
            out.write(
                self.style.WARNING(
                    f"{len(codes)} codes have no region row (stored anyway; run load_regions): "
                    + ", ".join(codes[:SHOW_CODES])
                    + (" …" if len(codes) > SHOW_CODES else "")
                )
            )
        else:
            out.write("Every code matches a region.")
        # The public map's provinsi and kabupaten/kota shapes are unions of kecamatan:
        # built now, once, rather than by the first visitor.
        from core.areas.mapdata import map_shapes_warm

        sizes = map_shapes_warm()
        out.write(
            "Map shapes ready: "
            + ", ".join(
                f"level {k} {v / 1024:.0f} KB gzipped" for k, v in sizes.items()
            )
        )
        out.write(
            self.style.SUCCESS(
                f"Done in {time.monotonic() - started:.1f}s (run #{result.run_id})."
            )
        )
