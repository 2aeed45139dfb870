"""CSV import of case reports: header checked first (nothing is written when it is
wrong), each row validated with its line number, valid rows stored in chunks,
invalid rows reported. Re-importing a file changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from core.cases import rules
from core.cases.error_codes import CaseErrorCode
from core.cases.figures import schedule_recompute
from core.cases.ingest import IngestResult, batch_finish, batch_start, reports_ingest
from core.exceptions import ApplicationError
from core.models import Integrator, Region, ReportBatch

CHUNK = 5000
MAX_ERRORS_KEPT = 10_000


def header_errors(header: list[str]) -> dict[str, str]:
    """Problems with a CSV header, per column name ({} when fine)."""
    errors: dict[str, str] = {}
    columns = [h.strip().lower() for h in header]
    for column in columns:
        if column and column not in rules.REPORT_FIELDS:
            guess = difflib.get_close_matches(column, rules.REPORT_FIELDS, n=1)
            hint = f" (maksud Anda {guess[0]}?)" if guess else ""
            errors[column] = f"Kolom tidak dikenal{hint}."
    seen = set()
    for column in columns:
        if column in seen:
            errors[column] = "Kolom muncul dua kali."
        seen.add(column)
    for column in rules.REQUIRED_COLUMNS:
        if column not in columns:
            errors[column] = "Kolom wajib tidak ada."
    if "nik" not in columns and not {"full_name", "birth_date"} <= set(columns):
        errors.setdefault("nik", "Perlu kolom nik, atau full_name dan birth_date.")
    if "sex" not in columns and "nik" not in columns:
        errors.setdefault("sex", "Kolom wajib tidak ada.")
    return errors


def _reader(text: io.TextIOBase) -> csv.DictReader:
    """Comma, semicolon (a spreadsheet set to Indonesian) or tab, told from the
    header; otherwise the spreadsheet's own rules: quotes doubled inside a quoted
    cell. (The sniffer, given only a header without quotes, also guessed "no doubled
    quotes", and `"Budi ""Bud"", Santoso"` split into two cells.)"""
    sample = text.read(4096)
    text.seek(0)
    try:
        delimiter = (
            csv.Sniffer()
            .sniff(sample.splitlines()[0] if sample else "", delimiters=",;\t")
            .delimiter
        )
    except csv.Error:
        delimiter = ","
    return csv.DictReader(text, dialect=csv.excel, delimiter=delimiter)


def reports_import_csv(
    *,
    integrator: Integrator,
    path: str | Path,
    progress: Callable[[int], None] | None = None,
    today: dt.date | None = None,
    chunk_size: int = CHUNK,
) -> IngestResult:
    """Import a CSV file of case reports from one source. Figures are recomputed after
    commit (the command runs the recomputation itself and waits for it)."""
    path = Path(path)
    if not path.is_file():
        raise ApplicationError(
            f"File not found: {path}", code=CaseErrorCode.FILE_NOT_FOUND
        )
    today = today or timezone.localdate()
    result = IngestResult()
    try:
        fh = path.open(encoding="utf-8-sig", newline="")
        reader = _reader(fh)
        header = reader.fieldnames or []
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            "Berkas bukan teks UTF-8.", code=CaseErrorCode.INVALID_ENCODING
        ) from exc
    with fh:
        if not header:
            raise ApplicationError("The file is empty.", code=CaseErrorCode.EMPTY_FILE)
        problems = header_errors(header)
        if problems:
            raise ApplicationError(
                "The CSV header is wrong; nothing was imported.",
                code=CaseErrorCode.INVALID_HEADER,
                fields=problems,
            )
        reader.fieldnames = [h.strip().lower() for h in header]
        villages = set(
            Region.objects.filter(level=Region.Level.VILLAGE).values_list(
                "code", flat=True
            )
        )
        batch = batch_start(
            integrator=integrator, channel=ReportBatch.Channel.CSV, filename=path.name
        )
        chunks = _read_ahead(
            _chunks(
                reader,
                villages=villages,
                today=today,
                result=result,
                progress=progress,
                chunk_size=chunk_size,
            )
        )
        try:
            for chunk in chunks:
                _store(integrator, batch, chunk, result)
        finally:
            chunks.close()
            rules.memo_clear()
            # A normal (synchronous) commit: it also makes every chunk committed
            # before it with synchronous_commit off durable, before "Done" is printed.
            batch_finish(batch, result)
    return result


def _chunks(
    reader: csv.DictReader,
    *,
    villages: set[str],
    today: dt.date,
    result: IngestResult,
    progress: Callable[[int], None] | None,
    chunk_size: int,
) -> Iterator[list[rules.CleanReport]]:
    """The file's valid reports in chunks; invalid rows go to `result` with their
    line numbers. No database access (it runs on the read-ahead thread)."""
    seen: dict[str, int] = {}
    chunk: list[rules.CleanReport] = []
    try:
        for row in reader:
            line = reader.line_num
            result.received += 1
            if progress:
                progress(1)
            if None in row:  # more cells than columns
                _reject(
                    result,
                    line,
                    row,
                    {"non_field_errors": "Lebih banyak sel dari kolom."},
                )
                continue
            report, errors = rules.validate_batch_report(
                row,
                villages=villages,
                today=today,
                seen=seen,
                position=line,
                duplicate="ID ganda dalam berkas (pertama di baris {first}).",
            )
            if report is None:
                _reject(result, line, row, errors)
                continue
            chunk.append(report)
            if len(chunk) >= chunk_size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ApplicationError(
            f"Line {reader.line_num}: the file cannot be read ({exc}).",
            code=CaseErrorCode.UNREADABLE_CSV,
        ) from exc


_END = object()


def _read_ahead(items: Iterator, depth: int = 2) -> Generator:
    """Iterate `items` on a worker thread, up to `depth` ahead: the next chunk is read
    and validated while the database stores this one (the driver releases the GIL
    while it waits). Errors are raised in the caller; closing stops the worker."""
    done = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                done.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_END, None))
        except BaseException as exc:  # handed to the caller
            put((_END, exc))

    worker = threading.Thread(target=work, name="csv-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, exc = done.get()
            if exc is not None:
                raise exc
            if item is _END:
                return
            yield item
    finally:
        stop.set()
        worker.join()


def _reject(result: IngestResult, line: int, row: dict, errors: dict[str, str]) -> None:
    result.rejected += 1
    if len(result.errors) < MAX_ERRORS_KEPT:
        record_id = str(row.get("record_id") or "")[:64]
        result.errors.append({"line": line, "record_id": record_id, "fields": errors})


def _store(
    integrator: Integrator,
    batch: ReportBatch,
    chunk: list[rules.CleanReport],
    result: IngestResult,
) -> None:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A file import can be run again to the same end, so its chunks need not
            # wait for their commit to reach the disk (a crash loses at most the last
            # chunks, never consistency).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        reports_ingest(integrator=integrator, batch=batch, reports=chunk, result=result)
        schedule_recompute()
