"""Shared body of the import_*/export_* commands."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chatbot.services.transfer import (
    check_size,
    read_records,
    to_csv,
    to_json,
    to_xlsx,
)
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
            help="status of new entries whose row does not say (default: "
            "published); existing entries keep theirs unless the row says",
        )

    def run_import(self, rows, status, name):  # pragma: no cover - overridden
        raise NotImplementedError

    def handle(self, *args, file, status, **options):
        try:
            if file == "-":
                # One byte over the limit is enough to refuse it.
                limit = settings.CHATBOT_IMPORT_MAX_BYTES
                data, name = sys.stdin.buffer.read(limit + 1), "stdin"
            else:
                path = Path(file)
                if not path.is_file():
                    raise CommandError(f"File not found: {file}")
                check_size(path.stat().st_size)
                data, name = path.read_bytes(), path.name
            rows = read_records(data, filename=name, required=self.required)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        report = self.run_import(rows, status, name)
        for error in report.errors:
            self.stderr.write(f"  {error}")
        if report.ignored_columns:
            self.stderr.write(
                "  columns ignored (unknown): " + ", ".join(report.ignored_columns)
            )
        self.stdout.write(f"{self.kind}: {report.summary()}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} rows were not imported")


class ExportCommand(BaseCommand):
    columns: list[str] = []
    sheet = "entries"  # the workbook's sheet name

    def add_arguments(self, parser):
        parser.add_argument("file", help="output .xlsx, .csv or .json ('-' for stdout)")
        parser.add_argument("--format", choices=["xlsx", "csv", "json"], default=None)
        parser.add_argument(
            "--status", choices=["draft", "published", "archived"], default=None
        )

    def records(self, status):  # pragma: no cover - overridden
        raise NotImplementedError

    def handle(self, *args, file, format, status, **options):
        suffix = Path(file).suffix.lower().lstrip(".")
        fmt = format or (suffix if suffix in ("xlsx", "csv") else "json")
        records = self.records(status)
        if fmt == "xlsx":
            body = to_xlsx(records, self.columns, sheet=self.sheet)
        elif fmt == "csv":
            body = to_csv(records, self.columns).encode("utf-8")
        else:
            body = to_json(records).encode("utf-8")
        if file != "-":
            Path(file).write_bytes(body)
            self.stdout.write(f"{len(records)} entries written to {file}")
        elif fmt == "xlsx":
            sys.stdout.buffer.write(body)  # a workbook is bytes
            sys.stdout.buffer.flush()
        else:
            self.stdout.write(body.decode("utf-8"))
