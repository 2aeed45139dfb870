"""CSV/JSON import (upsert, per-line errors, idempotent) and export of FAQ and hoax
entries, shared by the admin and the management commands.

FAQ CSV header: question,answer,category,language,alternates  (alternates split by |;
only question and answer are required)
Hoax CSV header: claim,verdict,explanation,source_url,published_on,tags  (tags by |;
only claim, verdict and explanation are required)
Optional columns: FAQ key,tags,status,source_url,review_on, and for a bilingual sheet
question_en,answer_en,alternates_en (the row's English version, linked to it by a
shared key); hoax key,claim_en,
explanation_en,narrative (or narasi: the text as it circulated),variants,variant_1,
variant_2, ... (each column one more circulating version),status. A fact-check label
at the start of a headline ("[SALAH]", "[HOAKS]") is not part of the claim. JSON: a list of objects with the same keys (lists may be
real lists). Rows are matched on `key` when given, else on question+language / claim.

Excel workbooks (.xlsx: the first sheet, its first non-blank row the header) and
files as spreadsheets save them are read too: comma-, semicolon- (Excel with
Indonesian regional settings) or tab-separated; UTF-8 (with or without a BOM),
UTF-16 with a BOM (Excel's "Unicode Text") or Windows-1252 (Excel's older "CSV");
column names in any case, with spaces or punctuation for "_" ("Question (EN)"),
and in Indonesian
(pertanyaan, jawaban, kategori, bahasa, alternatif, klaim, narasi, penjelasan,
putusan, sumber, tanggal, …; `_COLUMN_ALIASES`).

Limits (settings): a file over CHATBOT_IMPORT_MAX_BYTES or with more than
CHATBOT_IMPORT_MAX_ROWS rows is refused before it costs memory, and so is a workbook
that unpacks to more than XLSX_MAX_UNPACK_RATIO times the byte limit; a sheet is read
up to column XLSX_MAX_COLUMNS.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from chatbot.error_codes import ChatbotErrorCode
from chatbot.index import index_version_bump
from chatbot.models import FaqEntry, HoaxEntry, Status
from core import csvsafe, jsonparse
from core.exceptions import ApplicationError

FAQ_COLUMNS = ["question", "answer", "category", "language", "alternates"]
FAQ_OPTIONAL = ["key", "tags", "status", "source_url", "review_on"]
# The columns a row cannot do without (the others may be left out of the file: a
# ministry's Q&A sheet has a question and an answer).
FAQ_REQUIRED = ["question", "answer"]
HOAX_COLUMNS = ["claim", "verdict", "explanation", "source_url", "published_on", "tags"]
# The verdict may also be the label of the claim's headline ("[SALAH] …").
HOAX_REQUIRED = ["claim", "explanation"]
HOAX_OPTIONAL = [
    "key",
    "claim_en",
    "explanation_en",
    "narrative",
    "variants",
    "status",
]
# "[SALAH]", "[HOAKS] ", "(DISINFORMASI)": the archive's verdict label, not the claim.
_LABEL_RE = re.compile(
    r"^\s*[\[(]\s*(salah|hoaks?|hoax|disinformasi|misinformasi|menyesatkan|"
    r"misleading|false|fakta|benar|keliru|satire|konten\s+\w+)\s*[\])]\s*[:\-–]?\s*",
    re.IGNORECASE,
)
_VARIANT_COLUMN_RE = re.compile(r"^(?:variant|varian)s?[\s_-]*\d+$", re.IGNORECASE)

# Column names a curator may write instead of the documented ones (after lower
# case and "_" for every run of spaces and punctuation): Indonesian names, and what
# fact-check archives and ministry Q&A sheets call them.
_COLUMN_ALIASES = {
    "kunci": "key",
    "id_entri": "key",
    "pertanyaan": "question",
    "tanya": "question",
    "jawaban": "answer",
    "jawab": "answer",
    "kategori": "category",
    "topik": "category",
    "bahasa": "language",
    "lang": "language",
    "alternatif": "alternates",
    "pertanyaan_lain": "alternates",
    "pertanyaan_alternatif": "alternates",
    "tag": "tags",
    "sumber": "source_url",
    "url_sumber": "source_url",
    "source": "source_url",
    "url": "source_url",
    "tautan": "source_url",
    "link": "source_url",
    "tinjau_ulang": "review_on",
    "tanggal_tinjau": "review_on",
    "klaim": "claim",
    "judul": "claim",
    "headline": "claim",
    "klaim_en": "claim_en",
    "pertanyaan_en": "question_en",
    "pertanyaan_inggris": "question_en",
    "jawaban_en": "answer_en",
    "jawaban_inggris": "answer_en",
    "alternatif_en": "alternates_en",
    "narasi": "narrative",
    "varian": "variants",
    "putusan": "verdict",
    "penjelasan": "explanation",
    "penjelasan_en": "explanation_en",
    "tanggal": "published_on",
    "tanggal_terbit": "published_on",
    "diterbitkan": "published_on",
    # What fact-check archives call their link (session 24: "Link Referensi" was
    # dropped without a word).
    "link_referensi": "source_url",
    "referensi": "source_url",
    "link_sumber": "source_url",
    "tautan_sumber": "source_url",
    "url_referensi": "source_url",
}
# The columns as messages name them: the Indonesian name, the documented one beside.
_COLUMN_NAMES_ID = {
    "key": "kunci",
    "question": "pertanyaan",
    "answer": "jawaban",
    "category": "kategori",
    "language": "bahasa",
    "alternates": "alternatif",
    "tags": "tag",
    "source_url": "sumber",
    "review_on": "tinjau ulang",
    "question_en": "pertanyaan (EN)",
    "answer_en": "jawaban (EN)",
    "alternates_en": "alternatif (EN)",
    "claim": "klaim",
    "claim_en": "klaim (EN)",
    "narrative": "narasi",
    "variants": "varian",
    "verdict": "putusan",
    "explanation": "penjelasan",
    "explanation_en": "penjelasan (EN)",
    "published_on": "tanggal",
}
# Set on a row with more cells than the header has columns (a stray quote or
# separator shifted its cells): the row is refused, never imported shifted.
_EXTRA_CELLS = "\x00extra"


def column_label(name: str) -> str:
    """ "pertanyaan (question)": how messages name a column."""
    indonesian = _COLUMN_NAMES_ID.get(name)
    return f"{indonesian} ({name})" if indonesian and indonesian != name else name


_DELIMITERS = (",", ";", "\t")
_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 (.xls)
# A sheet is read up to this column: the importer's columns are a few dozen, and a
# sheet claiming 16,384 columns would otherwise give every row that many cells.
XLSX_MAX_COLUMNS = 100
# A workbook may unpack to at most this many times the upload limit (text compresses
# some 5-10 times; a "zip bomb" of a few KB unpacks to gigabytes).
XLSX_MAX_UNPACK_RATIO = 4

_VERDICTS = {
    "hoax": "hoax",
    "hoaks": "hoax",
    "salah": "hoax",
    "false": "hoax",
    "misleading": "misleading",
    "menyesatkan": "misleading",
    "fact": "fact",
    "fakta": "fact",
    "benar": "fact",
    "true": "fact",
    # The labels of Indonesian fact-check archives (Kominfo, Mafindo's seven kinds
    # of mis- and disinformation).
    "disinformasi": "hoax",
    "misinformasi": "hoax",
    "palsu": "hoax",
    "konten palsu": "hoax",
    "konten yang dimanipulasi": "hoax",
    "konten dimanipulasi": "hoax",
    "konten tiruan": "hoax",
    "konten yang menyesatkan": "misleading",
    "konten menyesatkan": "misleading",
    "koneksi yang salah": "misleading",
    "konteks yang salah": "misleading",
    "konteks keliru": "misleading",
    "keliru": "misleading",
    "satire": "misleading",
    "satire atau parodi": "misleading",
}
_LANGUAGES = {
    "id": "id",
    "indonesia": "id",
    "bahasa indonesia": "id",
    "indonesian": "id",
    "ind": "id",
    "en": "en",
    "eng": "en",
    "bahasa inggris": "en",
    "english": "en",
    "inggris": "en",
}
_STATUSES = {
    "draft": "draft",
    "draf": "draft",
    "published": "published",
    "terbit": "published",
    "archived": "archived",
    "arsip": "archived",
}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    # Columns of the file the importer does not know (their cells were not read).
    ignored_columns: list[str] = field(default_factory=list)

    def notice(self) -> str:
        if not self.ignored_columns:
            return ""
        return (
            "Kolom tidak dikenal, diabaikan: " + ", ".join(self.ignored_columns) + "."
        )

    def summary(self) -> str:
        return (
            f"{self.created} baru, {self.updated} diperbarui, {self.unchanged} tetap, "
            f"{len(self.errors)} galat"
        )


# --- reading files ---------------------------------------------------------------------------


def read_records(
    data: bytes | str, *, filename: str, required: list[str]
) -> list[tuple[str, dict]]:
    """Rows of an Excel workbook (its first sheet), a CSV or a JSON file as (line
    label, record). Raises ApplicationError when the file as a whole cannot be read
    (bad JSON, a broken workbook, missing columns)."""
    name = filename.lower()
    check_size(len(data.encode("utf-8") if isinstance(data, str) else data))
    if isinstance(data, bytes) and data.startswith(_OLE_MAGIC):
        raise ApplicationError(
            'Format Excel lama (.xls) tidak didukung: simpan sebagai ".xlsx" atau '
            '"CSV UTF-8".',
            code=ChatbotErrorCode.INVALID_FILE,
        )
    if isinstance(data, bytes) and (
        name.endswith(".xlsx") or data.startswith(_ZIP_MAGIC)
    ):
        return _table(*_xlsx_rows(data), required=required)
    text = _decode(data) if isinstance(data, bytes) else data.lstrip("\ufeff")
    is_json = name.endswith(".json") or (
        not name.endswith(".csv") and text.lstrip()[:1] in ("[", "{")
    )
    if is_json:
        try:
            payload = jsonparse.loads(text)
        except json.JSONDecodeError as exc:
            raise ApplicationError(
                f"JSON tidak valid (baris {exc.lineno}): {exc.msg}",
                code=ChatbotErrorCode.INVALID_FILE,
            ) from exc
        except ValueError as exc:  # nested too deep
            raise ApplicationError(
                f"JSON tidak valid: {exc}", code=ChatbotErrorCode.INVALID_FILE
            ) from exc
        if isinstance(payload, dict):
            payload = payload.get("entries", payload.get("items"))
        if not isinstance(payload, list):
            raise ApplicationError(
                "JSON harus berupa daftar objek.", code=ChatbotErrorCode.INVALID_FILE
            )
        if len(payload) > settings.CHATBOT_IMPORT_MAX_ROWS:
            raise _too_many_rows()
        return [
            (f"butir {i}", _with_columns(item) if isinstance(item, dict) else item)
            for i, item in enumerate(payload, start=1)
        ]
    delimiter = _delimiter(text)
    if text.count('"') % 2:
        _check_quotes_closed(text, delimiter)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = _csv_rows(reader)
    _, header = next(rows, (0, []))
    return _table(header, rows, required=required)


def _check_quotes_closed(text: str, delimiter: str) -> None:
    """A quote left open to the end of the file: the csv module reads the rest of
    the file into that one cell without a word (a tester's answer took in the next
    two questions and was published). An odd number of quotes is the sign; a strict
    read says where. A file whose odd quote is a stray one inside a cell (5" layar)
    reads as before."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise ApplicationError(
                f'CSV tidak terbaca mulai baris {start}: tanda kutip (") di baris itu '
                "tidak ditutup sampai akhir berkas. Tutup atau hapus tanda kutipnya, "
                "lalu impor ulang.",
                code=ChatbotErrorCode.INVALID_FILE,
            ) from exc


def check_size(n_bytes: int) -> None:
    """An upload over CHATBOT_IMPORT_MAX_BYTES is refused before it is read."""
    limit = settings.CHATBOT_IMPORT_MAX_BYTES
    if n_bytes > limit:
        raise ApplicationError(
            f"Berkas terlalu besar: {filesizeformat(n_bytes)} (batas {filesizeformat(limit)}, "
            "CHATBOT_IMPORT_MAX_BYTES). Bagi menjadi beberapa berkas.",
            code=ChatbotErrorCode.FILE_TOO_LARGE,
        )


def _rows(n: int) -> str:
    return number_format(n, force_grouping=True)  # 100.000 in Indonesian


def _too_many_rows() -> ApplicationError:
    return ApplicationError(
        f"Terlalu banyak baris (batas {_rows(settings.CHATBOT_IMPORT_MAX_ROWS)}, "
        "CHATBOT_IMPORT_MAX_ROWS). Bagi menjadi beberapa berkas.",
        code=ChatbotErrorCode.FILE_TOO_LARGE,
    )


def _csv_rows(reader) -> Iterator[tuple[int | str, list]]:
    """A CSV's rows with the line each starts on, or "3–6" for one whose quoted cell
    spans lines (a quote never closed takes the lines below it into one cell: the
    span tells the curator where to look). A file the csv module cannot read is
    refused with the line of the row it broke on, never an error page: a quote never
    closed runs on until the cell passes the module's 128 KB limit."""
    start = 1
    try:
        for row in reader:
            end = reader.line_num
            # Our CSV exports start a cell that looks like a formula with "'": undone
            # here.
            yield (
                start if end == start else f"{start}–{end}",
                [csvsafe.cell_unescape(v) for v in row],
            )
            start = end + 1
    except csv.Error as exc:
        raise ApplicationError(
            f"CSV tidak terbaca mulai baris {start}: sel terlalu panjang (lebih dari "
            '128 KB), biasanya karena tanda kutip (") yang tidak ditutup.',
            code=ChatbotErrorCode.INVALID_FILE,
        ) from exc


def _table(
    header: list, rows: Iterable[tuple[int | str, list]], *, required: list[str]
) -> list[tuple[str, dict]]:
    """Records of a sheet or CSV: its header row (names read by `_column`) over the
    other rows, blank rows skipped; labelled by line."""
    columns = [_column(h) for h in header]
    missing = [c for c in required if c not in columns]
    if missing:
        found = [str(h).strip() for h in header if h is not None and str(h).strip()]
        raise ApplicationError(
            "Kolom wajib tidak ada: "
            + ", ".join(column_label(c) for c in missing)
            + ". Kolom di berkas: "
            + (", ".join(found[:20]) or "(baris pertama kosong)")
            + ".",
            code=ChatbotErrorCode.INVALID_FILE,
        )
    records = []
    for line, values in rows:
        if not any(str(v).strip() for v in values if v is not None):
            continue
        if len(records) == settings.CHATBOT_IMPORT_MAX_ROWS:
            raise _too_many_rows()
        record = {}
        for column, value in zip(columns, values, strict=False):
            if column and column not in record:
                record[column] = value
        extra = [v for v in values[len(columns) :] if v is not None and str(v).strip()]
        if extra:
            record[_EXTRA_CELLS] = len(values) - len(columns)
        records.append((f"baris {line}", record))
    return records


def _xlsx_rows(data: bytes) -> tuple[list, Iterable[tuple[int, list]]]:
    """The header and the rows of a workbook's first sheet, as text (dates as
    YYYY-MM-DD, whole numbers without ".0", formulas as last computed)."""
    from openpyxl import load_workbook

    _check_unpacked(data)
    # Every row counts, blank ones too: a sheet may claim a million of them (its last
    # cell at row 1,048,576) in a file of a few KB.
    limit = settings.CHATBOT_IMPORT_MAX_ROWS + 1_000
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        table = []
        for n, row in enumerate(
            sheet.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS), start=1
        ):
            if n > limit:
                book.close()
                raise _too_many_rows()
            table.append((n, [_cell(v) for v in row]))
        book.close()
    except ApplicationError:
        raise
    except Exception as exc:  # zipfile, XML and openpyxl's own errors alike
        raise ApplicationError(
            "Berkas Excel tidak terbaca (hanya .xlsx; simpan ulang dari Excel "
            'atau sebagai "CSV UTF-8").',
            code=ChatbotErrorCode.INVALID_FILE,
        ) from exc
    while table and not any(table[0][1]):
        table.pop(0)  # blank rows above the header
    if not table:
        return [], []
    return table[0][1], table[1:]


def _check_unpacked(data: bytes) -> None:
    """A workbook (a zip archive) that unpacks to far more than an upload may weigh
    is refused before openpyxl reads it (its shared strings are held in memory)."""
    limit = settings.CHATBOT_IMPORT_MAX_BYTES * XLSX_MAX_UNPACK_RATIO
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return  # openpyxl says it is unreadable, in the usual words
    if unpacked > limit:
        raise ApplicationError(
            f"Berkas Excel terlalu besar setelah dibuka: {filesizeformat(unpacked)} "
            f"(batas {filesizeformat(limit)}). Bagi menjadi beberapa berkas.",
            code=ChatbotErrorCode.FILE_TOO_LARGE,
        )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _decode(data: bytes) -> str:
    """Text of an uploaded file: UTF-16 when it starts with its BOM, else UTF-8 (a
    BOM dropped), else Windows-1252 (what older Excel writes for "CSV")."""
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ApplicationError(
            "Berkas tidak terbaca sebagai teks (UTF-8, UTF-16 atau Windows-1252). "
            'Simpan ulang sebagai "CSV UTF-8".',
            code=ChatbotErrorCode.INVALID_FILE,
        ) from exc


def _delimiter(text: str) -> str:
    """The separator of a CSV file: whichever of comma, semicolon and tab its
    header line uses most (a comma when it uses none)."""
    header = text.lstrip("\r\n").split("\n", 1)[0]
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _column(name) -> str:
    """A column name as the importer knows it ("Pertanyaan" -> question, "Source
    URL" -> source_url); unknown names are kept (normalised) and ignored."""
    if not isinstance(name, str):
        return name
    # "Question (EN)" -> question_en, "Source URL" -> source_url, "Varian 1" -> varian_1
    key = re.sub(r"[^\w]+", "_", name.strip("\ufeff ").lower()).strip("_")
    return _COLUMN_ALIASES.get(key, key)


def _with_columns(record: dict) -> dict:
    out = {}
    for name, value in record.items():
        column = _column(name)
        # The documented name wins over an alias of it in the same record.
        if column not in out or column == name:
            out[column] = value
    return out


def _text(record: dict, name: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        raise ValidationError({name: "Harus berupa teks."})
    return str(value).strip()


def _list(record: dict, name: str) -> list[str]:
    value = record.get(name)
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.split("|")
    if not isinstance(value, list):
        raise ValidationError({name: "Harus daftar (dipisah | di CSV)."})
    return [" ".join(str(v).split()) for v in value if str(v).strip()]


def _choice(record: dict, name: str, choices: dict, default: str) -> str:
    # "[SALAH]", "Konten  Palsu": case, brackets and spacing do not matter.
    raw = " ".join(_text(record, name).lower().strip("[]() ").split())
    if not raw:
        return default
    if raw not in choices:
        raise ValidationError({name: f"Nilai tidak dikenal: {raw!r}."})
    return choices[raw]


def _date(record: dict, name: str) -> dt.date | None:
    raw = _text(record, name)
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        {name: f"Tanggal tidak dikenal: {raw!r} (pakai YYYY-MM-DD atau DD/MM/YYYY)."}
    )


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{column_label(name)}: {' '.join(msgs)}"
            for name, msgs in exc.message_dict.items()
        )
    return " ".join(exc.messages)


class _Fields:
    """Reads a row's fields, collecting every field's error (a curator fixes a row
    once, not once per upload)."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def read(self, name: str, read, *args):
        try:
            return read(*args)
        except ValidationError as exc:
            messages = (
                exc.message_dict.get(name, exc.messages)
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            self.errors.setdefault(name, []).extend(messages)
            return None

    def require(self, name: str, value, message: str) -> None:
        if not value and name not in self.errors:
            self.errors[name] = [message]

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _row(record) -> None:
    if not isinstance(record, dict):
        raise ValidationError("Butir harus berupa objek.")
    if record.get(_EXTRA_CELLS):
        raise ValidationError(
            f"Baris ini punya {record[_EXTRA_CELLS]} sel lebih banyak daripada judul "
            "kolom: ada tanda kutip yang tidak ditutup atau pemisah berlebih di baris "
            "ini atau sebelumnya. Baris tidak diimpor."
        )


# --- upsert ----------------------------------------------------------------------------------


FAQ_FIELDS = [
    "key",
    "language",
    "question",
    "answer",
    "category",
    "alternates",
    "tags",
    "status",
    "source_url",
    "review_on",
]
HOAX_FIELDS = [
    "key",
    "claim",
    "claim_en",
    "narrative",
    "variants",
    "verdict",
    "explanation",
    "explanation_en",
    "source_url",
    "published_on",
    "tags",
    "status",
]


def _faq_values(record: dict) -> dict:
    _row(record)
    f = _Fields()
    values = {
        "key": f.read("key", _text, record, "key"),
        "language": f.read("language", _choice, record, "language", _LANGUAGES, "id"),
        "question": " ".join(
            (f.read("question", _text, record, "question") or "").split()
        ),
        "answer": (f.read("answer", _text, record, "answer") or "").replace(
            "\r\n", "\n"
        ),
        "category": f.read("category", _text, record, "category"),
        "alternates": f.read("alternates", _list, record, "alternates"),
        "tags": f.read("tags", _list, record, "tags"),
        # "" when the row does not say: see `_status`.
        "status": f.read("status", _choice, record, "status", _STATUSES, ""),
        "source_url": f.read("source_url", _text, record, "source_url"),
        "review_on": f.read("review_on", _date, record, "review_on"),
    }
    f.require("question", values["question"], "Pertanyaan wajib diisi.")
    f.require("answer", values["answer"], "Jawaban wajib diisi.")
    f.done()
    return values


def _hoax_values(record: dict) -> dict:
    _row(record)
    f = _Fields()
    variants = f.read("variants", _list, record, "variants") or []
    for column in sorted(record, key=str):
        if isinstance(column, str) and _VARIANT_COLUMN_RE.match(column.strip()):
            variants += f.read("variants", _list, record, column) or []
    narrative = f.read("narrative", _text, record, "narrative") or ""
    headline = " ".join((f.read("claim", _text, record, "claim") or "").split())
    verdict = f.read("verdict", _choice, record, "verdict", _VERDICTS, "")
    label = _LABEL_RE.match(headline)
    if not verdict and "verdict" not in f.errors and label:
        # An archive's headline carries its verdict: "[SALAH] Minum air kelapa …".
        verdict = _VERDICTS.get(" ".join(label.group(1).lower().split()), "")
    values = {
        "key": f.read("key", _text, record, "key"),
        "claim": _LABEL_RE.sub("", headline),
        "claim_en": _LABEL_RE.sub(
            "", f.read("claim_en", _text, record, "claim_en") or ""
        ),
        "narrative": narrative.replace("\r\n", "\n"),
        "variants": list(dict.fromkeys(v for v in variants if v != narrative)),
        "verdict": verdict,
        "explanation": (
            f.read("explanation", _text, record, "explanation") or ""
        ).replace("\r\n", "\n"),
        "explanation_en": (
            f.read("explanation_en", _text, record, "explanation_en") or ""
        ).replace("\r\n", "\n"),
        "source_url": f.read("source_url", _text, record, "source_url"),
        "published_on": f.read("published_on", _date, record, "published_on"),
        "tags": f.read("tags", _list, record, "tags"),
        "status": f.read(
            "status", _choice, record, "status", _STATUSES, ""
        ),  # `_status`
    }
    f.require("claim", values["claim"], "Klaim wajib diisi.")
    f.require(
        "verdict",
        values["verdict"],
        "Putusan wajib: isi kolom putusan (hoaks, menyesatkan atau fakta), atau beri "
        "label di depan klaim seperti [SALAH].",
    )
    f.require("explanation", values["explanation"], "Penjelasan wajib diisi.")
    f.done()
    return values


_FAQ_COLUMNS_READ = frozenset(
    [*FAQ_FIELDS, "question_en", "answer_en", "alternates_en", _EXTRA_CELLS]
)
_HOAX_COLUMNS_READ = frozenset([*HOAX_FIELDS, _EXTRA_CELLS])


def _ignored_columns(rows: list, read: frozenset) -> list[str]:
    """The columns of the file (the first rows' keys) that no field reads."""
    seen: dict[str, None] = {}
    for _, record in rows[:50]:
        if isinstance(record, dict):
            for name in record:
                if (
                    isinstance(name, str)
                    and name not in read
                    and not _VARIANT_COLUMN_RE.match(name.strip())
                ):
                    seen.setdefault(name, None)
    return list(seen)


def _reason(file_name: str) -> str:
    return f"Impor berkas {file_name}"[:100] if file_name else "Impor berkas"


def _status(values: dict, existing, default_status: str) -> dict:
    """A row without a status keeps its entry's (re-importing a file with "Draf"
    chosen must not unpublish what a curator published); a new entry gets the
    import's default."""
    if values["status"]:
        return values
    status = existing.status if existing is not None else default_status
    return {**values, "status": status}


@dataclass
class _Change:
    """One version of a row applied to its entry (found or new) and validated, not
    saved yet: a row whose other version is invalid is undone, never half written."""

    entry: object
    outcome: str  # "created" | "updated" | "unchanged"
    before: dict

    def undo(self) -> None:
        for name, value in self.before.items():
            setattr(self.entry, name, value)

    def save(self, new: list, user=None, reason: str = "") -> None:
        """An entry that exists is written now; a new one joins `new`, created with
        the rest of its chunk in one statement (`_create`). One created earlier in
        the chunk and changed again by a later row is in `new` already."""
        if self.outcome == "unchanged":
            return
        if self.entry.status == Status.PUBLISHED and self.entry.published_at is None:
            self.entry.published_at = timezone.now()
        if user is not None:
            # The history names the curator who uploaded the file, also when a
            # worker imports it (no request to take the user from).
            self.entry._history_user = user
        if reason:
            self.entry._change_reason = reason
        if self.entry.pk is not None:
            self.entry.save()
        elif self.outcome == "created":
            new.append(self.entry)


def _create(model, new: list) -> None:
    """A chunk's new entries and their history records, a statement each (the
    history records the curator of the request, as `save()` does)."""
    if new:
        bulk_create_with_history(new, model, batch_size=IMPORT_CHUNK)


def _apply(model, existing, values: dict, fields: list[str]) -> _Change:
    """`values` set on `existing` (or a new entry) and validated; an invalid row
    leaves `existing` as it was (a later row may find it)."""
    entry = existing or model()
    change = _Change(
        entry, "created", {f: getattr(entry, f) for f in {*fields, *values}}
    )
    for name, value in values.items():
        setattr(entry, name, value)
    # The row was looked up by its natural key already and the database enforces the
    # constraints: skip their per-row SELECTs (bulk imports run 5x faster).
    try:
        entry.full_clean(validate_constraints=False)
    except ValidationError:
        change.undo()
        raise
    if existing is not None:
        same = all(getattr(entry, f) == change.before[f] for f in fields)
        change.outcome = "unchanged" if same else "updated"
    return change


# Rows are read and written this many at a time: the entries they may update are
# looked up in one query per natural key a chunk (`_Known`), not one a row.
IMPORT_CHUNK = 500


def _chunks(rows: Iterable, size: int = IMPORT_CHUNK) -> Iterator[list]:
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class _Known:
    """The entries one chunk of an import may update, found by their natural keys
    ((key,) or (claim,); (key, language) or (question, language)). They are read in
    one query per key a chunk: a claim has no index, so a query a row scanned the
    whole table for each of a fact-check archive's rows. One object per entry
    whichever key finds it, kept current as rows are written; a value not read
    beforehand is read when asked for."""

    def __init__(self, model, *lookups: tuple[str, ...]) -> None:
        self.model = model
        self.lookups = lookups
        self.found: dict[tuple[str, ...], dict[tuple, object]] = {
            k: {} for k in lookups
        }
        self.read: dict[tuple[str, ...], set] = {k: set() for k in lookups}
        self.entries: dict[int, object] = {}

    def prefetch(self, fields: tuple[str, ...], values: Iterable[str]) -> None:
        """Read the entries whose first field of `fields` is one of `values`."""
        first = fields[0]
        wanted = sorted({_natural(first, v) for v in values if v} - self.read[fields])
        for start in range(0, len(wanted), IMPORT_CHUNK):
            part = wanted[start : start + IMPORT_CHUNK]
            if first in _CASELESS:
                # A question or claim is the same whatever its case ("apakah kusta
                # …" re-imported made a second entry beside "Apakah kusta …").
                found = self.model.objects.annotate(_natural=Lower(first)).filter(
                    _natural__in=part
                )
            else:
                found = self.model.objects.filter(**{f"{first}__in": part})
            # The model's ordering decides among duplicates, as `.first()` did.
            for entry in found:
                entry = self.entries.setdefault(entry.pk, entry)
                for lookup in self.lookups:
                    self.found[lookup].setdefault(self._values(entry, lookup), entry)
            self.read[fields].update(part)

    def get(self, fields: tuple[str, ...], values: dict):
        key = tuple(_natural(f, values[f]) for f in fields)
        if key[0] not in self.read[fields]:
            self.prefetch(fields, [values[fields[0]]])
        return self.found[fields].get(key)

    def before(self, entry) -> dict | None:
        if entry is None:
            return None
        return {lookup: self._values(entry, lookup) for lookup in self.lookups}

    def written(self, entry, before: dict | None) -> None:
        """`entry` was just written (or is to be created with its chunk): found from
        now on by its keys as they are."""
        if entry.pk is not None:
            self.entries[entry.pk] = entry
        for lookup in self.lookups:
            found = self.found[lookup]
            if before is not None and found.get(before[lookup]) is entry:
                del found[before[lookup]]
            found.setdefault(self._values(entry, lookup), entry)

    @staticmethod
    def _values(entry, fields: tuple[str, ...]) -> tuple:
        return tuple(_natural(f, getattr(entry, f)) for f in fields)


# Natural keys compared without case (the database's LOWER, Python's lower: the same
# for the letters questions are written in).
_CASELESS = frozenset({"question", "claim"})


def _natural(field: str, value):
    return value.lower() if field in _CASELESS and isinstance(value, str) else value


@transaction.atomic
def faq_import(
    *,
    rows: Iterable[tuple[str, dict]],
    default_status: str = Status.PUBLISHED,
    user=None,
    progress: Callable[[int], None] | None = None,
    file_name: str = "",
) -> ImportReport:
    """Upsert each row; a row that also carries `question_en` and `answer_en` (a
    bilingual sheet) gives the English version too, linked to the row's entry by a
    shared key (the row's own, the existing entry's, or one made from its question).
    A row counts once: created when either version is new, else updated when
    either changed. `user`: whom the history names (else the request's user);
    `progress` is told the rows done after each chunk; `file_name` is named as the
    reason in the history ("Impor berkas faq.xlsx")."""
    rows = list(rows)
    reason = _reason(file_name)
    report = ImportReport(ignored_columns=_ignored_columns(rows, _FAQ_COLUMNS_READ))
    done = 0
    for chunk in _chunks(rows):
        known = _Known(FaqEntry, _BY_KEY, _BY_QUESTION)
        read, new = [], []
        for label, record in chunk:
            try:
                values = _faq_values(record)
                english = _english_version(record, values)
            except ValidationError as exc:
                read.append((label, exc, None))
                continue
            read.append((label, values, english))
        versions = [
            v
            for _, values, english in read
            if isinstance(values, dict)
            for v in (values, english)
            if v is not None
        ]
        known.prefetch(_BY_KEY, [v["key"] for v in versions])
        known.prefetch(
            _BY_KEY,
            [
                _key_for(values["question"])
                for _, values, english in read
                if english is not None and not values["key"]
            ],
        )
        known.prefetch(_BY_QUESTION, [v["question"] for v in versions if not v["key"]])
        for label, values, english in read:
            if isinstance(values, ValidationError):
                report.errors.append(f"{label}: {_errors(values)}")
                continue
            existing = _existing_faq(known, values)
            if english is not None:
                values["key"] = (
                    values["key"]
                    or (existing and existing.key)
                    or (_key_for(values["question"]))
                )
                english = {**english, "key": values["key"]}
            found = [(existing, values)]
            if english is not None:
                found.append((_existing_faq(known, english), english))
            befores = [known.before(entry) for entry, _ in found]
            changes: list[_Change] = []
            try:
                for entry, version in found:
                    version = _status(version, entry, default_status)
                    changes.append(_apply(FaqEntry, entry, version, FAQ_FIELDS))
            except ValidationError as exc:
                for change in changes:
                    change.undo()
                report.errors.append(f"{label}: {_errors(exc)}")
                continue
            for change, before in zip(changes, befores, strict=True):
                change.save(new, user, reason)
                if change.outcome != "unchanged":
                    known.written(change.entry, before)
            outcomes = [change.outcome for change in changes]
            outcome = next(
                (o for o in ("created", "updated") if o in outcomes), "unchanged"
            )
            setattr(report, outcome, getattr(report, outcome) + 1)
        _create(FaqEntry, new)
        done += len(chunk)
        if progress is not None:
            progress(done)
    if report.updated:
        # A draft made from the inbox and published by the file settles its group.
        from chatbot.services.inbox import unanswered_settle_drafts

        unanswered_settle_drafts(actor=user)
    if report.created or report.updated:
        index_version_bump()
    return report


_BY_KEY = ("key", "language")
_BY_QUESTION = ("question", "language")


def _existing_faq(known: _Known, values: dict) -> FaqEntry | None:
    return known.get(_BY_KEY if values["key"] else _BY_QUESTION, values)


def _english_version(record: dict, values: dict) -> dict | None:
    """The English version a bilingual row carries (`question_en`, `answer_en`,
    optional `alternates_en`), or None."""
    question = " ".join(_text(record, "question_en").split())
    answer = _text(record, "answer_en").replace("\r\n", "\n")
    if not question and not answer:
        return None
    if values["language"] != "id":
        raise ValidationError(
            {"question_en": "Versi Inggris hanya untuk baris berbahasa Indonesia."}
        )
    if not question or not answer:
        raise ValidationError(
            {"question_en": "Versi Inggris perlu question_en dan answer_en."}
        )
    return {
        **values,
        "language": "en",
        "question": question,
        "answer": answer,
        "alternates": _list(record, "alternates_en"),
    }


def _key_for(question: str) -> str:
    """A stable key for a question that has none: its slug (cut) and a digest of
    the whole question, so a re-import finds the same pair."""
    digest = hashlib.sha1(question.encode("utf-8"), usedforsecurity=False)
    return f"{slugify(question)[:60].strip('-') or 'faq'}-{digest.hexdigest()[:8]}"


@transaction.atomic
def hoax_import(
    *,
    rows: Iterable[tuple[str, dict]],
    default_status: str = Status.PUBLISHED,
    user=None,
    progress: Callable[[int], None] | None = None,
    file_name: str = "",
) -> ImportReport:
    """Upsert each row by its key, else its claim (`user`, `progress`, `file_name`:
    as for `faq_import`)."""
    rows = list(rows)
    reason = _reason(file_name)
    report = ImportReport(ignored_columns=_ignored_columns(rows, _HOAX_COLUMNS_READ))
    done = 0
    for chunk in _chunks(rows):
        known = _Known(HoaxEntry, ("key",), ("claim",))
        read, new = [], []
        for label, record in chunk:
            try:
                read.append((label, _hoax_values(record)))
            except ValidationError as exc:
                read.append((label, exc))
        values_read = [v for _, v in read if isinstance(v, dict)]
        known.prefetch(("key",), [v["key"] for v in values_read])
        known.prefetch(("claim",), [v["claim"] for v in values_read if not v["key"]])
        for label, values in read:
            if isinstance(values, ValidationError):
                report.errors.append(f"{label}: {_errors(values)}")
                continue
            lookup = ("key",) if values["key"] else ("claim",)
            existing = known.get(lookup, values)
            before = known.before(existing)
            try:
                values = _status(values, existing, default_status)
                change = _apply(HoaxEntry, existing, values, HOAX_FIELDS)
            except ValidationError as exc:
                report.errors.append(f"{label}: {_errors(exc)}")
                continue
            change.save(new, user, reason)
            if change.outcome != "unchanged":
                known.written(change.entry, before)
            setattr(report, change.outcome, getattr(report, change.outcome) + 1)
        _create(HoaxEntry, new)
        done += len(chunk)
        if progress is not None:
            progress(done)
    if report.created or report.updated:
        index_version_bump()
    return report


# --- export ----------------------------------------------------------------------------------


def faq_export(entries: Iterable[FaqEntry]) -> list[dict]:
    return [
        {
            "key": e.key,
            "language": e.language,
            "question": e.question,
            "answer": e.answer,
            "category": e.category,
            "alternates": list(e.alternates),
            "tags": list(e.tags),
            "status": e.status,
            "source_url": e.source_url,
            "review_on": e.review_on.isoformat() if e.review_on else "",
        }
        for e in entries
    ]


def hoax_export(entries: Iterable[HoaxEntry]) -> list[dict]:
    return [
        {
            "key": e.key,
            "claim": e.claim,
            "claim_en": e.claim_en,
            "narrative": e.narrative,
            "variants": list(e.variants),
            "verdict": e.verdict,
            "explanation": e.explanation,
            "explanation_en": e.explanation_en,
            "source_url": e.source_url,
            "published_on": e.published_on.isoformat() if e.published_on else "",
            "tags": list(e.tags),
            "status": e.status,
        }
        for e in entries
    ]


def to_json(records: list[dict]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=1)


def to_xlsx(records: list[dict], columns: list[str], *, sheet: str) -> bytes:
    """An Excel workbook of the records, lists joined by "|" as in CSV; text cells
    are text, never formulas (`core.csvsafe.xlsx`), so it re-imports as it was."""
    return csvsafe.xlsx(
        sheet,
        columns,
        (
            [
                "|".join(v) if isinstance(v, list) else v
                for v in (record.get(c, "") for c in columns)
            ]
            for record in records
        ),
    )


def to_csv(records: list[dict], columns: list[str]) -> str:
    """CSV with a UTF-8 BOM (so Excel reads the text as UTF-8) and formula-looking
    cells escaped (`core.csvsafe`)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow(
            csvsafe.row(
                {
                    k: "|".join(v) if isinstance(v, list) else v
                    for k, v in record.items()
                }
            )
        )
    return out.getvalue()
