from __future__ import annotations

import csv
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core import csvsafe
from core.cases.services import figures_recompute_all, reports_import_csv
from core.exceptions import ApplicationError
from core.models import Integrator

SHOW_ERRORS = 50


def _count_rows(path: Path) -> int:
    with path.open("rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


class Command(BaseCommand):
    help = (
        "Import case reports from a CSV file for one source. Valid rows are stored, "
        "invalid rows reported by line; re-importing the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--source", required=True, help="Integrator name, e.g. lab-kariadi"
        )
        parser.add_argument(
            "--errors", help="Also write every rejected row to this CSV file"
        )
        parser.add_argument(
            "--no-recompute",
            action="store_true",
            help="Leave the area figures to the background task",
        )
        parser.add_argument("--no-progress", action="store_true")

    def handle(
        self, *args, file: str, source: str, errors: str | None = None, **options
    ):
        no_progress = options["no_progress"]
        integrator = Integrator.objects.filter(name=source).first()
        if integrator is None:
            known = (
                ", ".join(Integrator.objects.values_list("name", flat=True)[:20])
                or "none yet"
            )
            raise CommandError(
                f"Unknown source {source!r} (known: {known}). Add it in the admin."
            )
        if not integrator.is_active:
            raise CommandError(f"Source {source!r} is deactivated.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"File not found: {file}")
        started = time.monotonic()
        bar = tqdm(
            total=_count_rows(path),
            unit="row",
            desc="Laporan kasus",
            disable=no_progress,
        )
        try:
            result = reports_import_csv(
                integrator=integrator, path=path, progress=bar.update
            )
        except ApplicationError as exc:
            bar.close()
            detail = "".join(
                f"\n  {name}: {message}" for name, message in exc.fields.items()
            )
            raise CommandError(f"{exc.message}{detail}") from exc
        bar.close()
        for error in result.errors[:SHOW_ERRORS]:
            fields = "; ".join(f"{k}: {v}" for k, v in error["fields"].items())
            self.stderr.write(
                f"line {error['line']} ({error['record_id'] or '-'}): {fields}"
            )
        if result.rejected > SHOW_ERRORS:
            self.stderr.write(
                f"… and {result.rejected - SHOW_ERRORS} more rejected rows"
            )
        if errors and result.errors:
            with Path(errors).open("w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(["line", "record_id", "field", "error"])
                for error in result.errors:
                    for name, message in error["fields"].items():
                        writer.writerow(
                            csvsafe.row(
                                [error["line"], error["record_id"], name, message]
                            )
                        )
        self.stdout.write(
            f"{result.received} rows: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.rejected} rejected; "
            f"{result.cases_new} new cases, {result.cases_merged} merged"
        )
        if not options["no_recompute"]:
            bar = tqdm(unit="kelurahan", desc="Angka wilayah", disable=no_progress)
            done = figures_recompute_all(progress=bar.update)
            bar.close()
            # With Celery eager (make run) the batch's commit has already
            # recomputed them; nothing is left in the queue then.
            self.stdout.write(
                f"Figures recomputed for {done} kelurahan (and the areas above)."
                if done
                else "Figures already up to date (recomputed when the batch committed)."
            )
        style = self.style.SUCCESS if not result.rejected else self.style.WARNING
        self.stdout.write(
            style(
                f"Done in {time.monotonic() - started:.1f}s (batch #{result.batch_id})."
            )
        )
