"""Shared body of the import_*/export_* commands."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chatbot.services.transfer import read_records, to_csv, to_json
from core.exceptions import ApplicationError


class ImportCommand(BaseCommand):
    required: list[str] = []
    kind = ""

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="Excel (.xlsx, first sheet), CSV or JSON file ('-' reads stdin)",
        )
        parser.add_argument(
            "--status",
            choices=["draft", "published", "archived"],
            default="published",
            help="status for rows that do not say (default: published)",
        )

    def run_import(self, rows, status):  # pragma: no cover - overridden
        raise NotImplementedError

    def handle(self, *args, file, status, **options):
        if file == "-":
            data, name = sys.stdin.buffer.read(), "stdin"
        else:
            path = Path(file)
            if not path.is_file():
                raise CommandError(f"File not found: {file}")
            data, name = path.read_bytes(), path.name
        try:
            rows = read_records(data, filename=name, required=self.required)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        report = self.run_import(rows, status)
        for error in report.errors:
            self.stderr.write(f"  {error}")
        self.stdout.write(f"{self.kind}: {report.summary()}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} rows were not imported")


class ExportCommand(BaseCommand):
    columns: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="output .csv or .json ('-' for stdout)")
        parser.add_argument("--format", choices=["csv", "json"], default=None)
        parser.add_argument(
            "--status", choices=["draft", "published", "archived"], default=None
        )

    def records(self, status):  # pragma: no cover - overridden
        raise NotImplementedError

    def handle(self, *args, file, format, status, **options):
        fmt = format or ("csv" if file.endswith(".csv") else "json")
        records = self.records(status)
        body = to_csv(records, self.columns) if fmt == "csv" else to_json(records)
        if file == "-":
            self.stdout.write(body)
        else:
            Path(file).write_text(body, encoding="utf-8")
            self.stdout.write(f"{len(records)} entries written to {file}")
