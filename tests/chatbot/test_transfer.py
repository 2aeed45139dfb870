"""import_faq / import_hoaxes / export_*: upsert, line errors, idempotent."""

from __future__ import annotations

import csv
import html
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from chatbot.models import FaqEntry, HoaxEntry, ImportJob
from chatbot.services import transfer

pytestmark = pytest.mark.django_db

FAQ_CSV = """question,answer,category,language,alternates
Berapa lama isolasi mandiri?,*10 hari* sejak tes.,isoman,id,Isoman berapa hari?|Lama isoman
How long is self-isolation?,10 days from the test.,isoman,en,
Kapan vaksin booster?,"Minimal 3 bulan
setelah dosis kedua.",vaksin,id,Jarak booster
"""
HOAX_CSV = """claim,verdict,explanation,source_url,published_on,tags
Vaksin mengandung microchip pelacak.,hoaks,Tidak ada chip.,https://example.org/chip,2021-01-18,vaksin|konspirasi
5G menyebarkan corona.,hoax,Virus tidak menumpang sinyal.,,18/04/2020,
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_it_imports_faq_csv_and_reimport_changes_nothing(tmp_path, capsys):
    path = write(tmp_path, "faq.csv", FAQ_CSV)
    call_command("import_faq", path)
    assert "3 baru" in capsys.readouterr().out
    entry = FaqEntry.objects.get(question="Berapa lama isolasi mandiri?")
    assert entry.alternates == ["Isoman berapa hari?", "Lama isoman"]
    assert entry.status == "published" and entry.published_at is not None
    assert (
        FaqEntry.objects.get(question="Kapan vaksin booster?").answer.count("\n") == 1
    )
    history = FaqEntry.history.count()

    call_command("import_faq", path)
    assert "0 baru, 0 diperbarui, 3 tetap" in capsys.readouterr().out
    assert FaqEntry.history.count() == history


def test_it_updates_a_changed_row_in_place(tmp_path):
    call_command("import_faq", write(tmp_path, "a.csv", FAQ_CSV))
    changed = FAQ_CSV.replace(
        "*10 hari* sejak tes.", "*10 hari* sejak pengambilan sampel."
    )
    call_command("import_faq", write(tmp_path, "b.csv", changed))
    entry = FaqEntry.objects.get(question="Berapa lama isolasi mandiri?")
    assert "pengambilan sampel" in entry.answer
    assert FaqEntry.objects.count() == 3
    assert entry.history.count() == 2  # created, then changed


def test_it_reports_line_errors_and_imports_the_rest(tmp_path, capsys):
    bad = FAQ_CSV + "Tanpa jawaban?,,umum,id,\nPertanyaan,Jawaban,umum,fr,\n"
    with pytest.raises(CommandError, match="2 rows"):
        call_command("import_faq", write(tmp_path, "bad.csv", bad))
    err = capsys.readouterr().err
    assert "baris 6: jawaban (answer)" in err
    assert "baris 7: bahasa (language)" in err
    assert FaqEntry.objects.count() == 3


def test_it_refuses_a_file_without_the_required_columns(tmp_path):
    with pytest.raises(
        CommandError,
        match=r"Kolom wajib tidak ada: jawaban \(answer\)\. Kolom di berkas: question",
    ):
        call_command(
            "import_faq",
            write(tmp_path, "x.csv", "question,category,language,alternates\n"),
        )
    with pytest.raises(
        CommandError, match=r"Kolom wajib tidak ada: penjelasan \(explanation\)"
    ):
        call_command("import_hoaxes", write(tmp_path, "h.csv", "claim,tags\n"))


def test_a_sheet_with_only_questions_and_answers_is_enough(tmp_path):
    call_command(
        "import_faq",
        write(tmp_path, "q.csv", "question,answer\nIsoman berapa hari?,10 hari.\n"),
    )
    entry = FaqEntry.objects.get()
    assert (entry.language, entry.category, entry.alternates) == ("id", "", [])


def test_it_refuses_broken_json(tmp_path):
    with pytest.raises(CommandError, match="JSON"):
        call_command("import_faq", write(tmp_path, "x.json", "[{]"))


def test_it_imports_a_json_list_with_keys_and_status(tmp_path):
    records = [
        {
            "key": "isoman-durasi",
            "language": "id",
            "question": "Berapa lama isoman?",
            "answer": "10 hari.",
            "category": "isoman",
            "alternates": ["Isoman brp hari"],
            "status": "draft",
        }
    ]
    call_command("import_faq", write(tmp_path, "f.json", json.dumps(records)))
    records[0]["question"] = "Berapa lama isolasi mandiri?"  # same key: an update
    call_command("import_faq", write(tmp_path, "g.json", json.dumps(records)))
    entry = FaqEntry.objects.get()
    assert (entry.question, entry.status) == ("Berapa lama isolasi mandiri?", "draft")


def test_it_imports_hoaxes_with_indonesian_verdicts_and_dates(tmp_path, capsys):
    path = write(tmp_path, "h.csv", HOAX_CSV)
    call_command("import_hoaxes", path)
    chip = HoaxEntry.objects.get(claim__startswith="Vaksin")
    assert chip.verdict == "hoax" and chip.tags == ["vaksin", "konspirasi"]
    assert (
        str(HoaxEntry.objects.get(claim__startswith="5G").published_on) == "2020-04-18"
    )
    call_command("import_hoaxes", path)
    assert "2 tetap" in capsys.readouterr().out.splitlines()[-1]


def test_it_reports_hoax_rows_without_a_verdict(tmp_path, capsys):
    bad = HOAX_CSV + "Klaim tanpa verdict,,Penjelasan,,,\nKlaim,palsu?,Penjelasan,,,\n"
    with pytest.raises(CommandError):
        call_command("import_hoaxes", write(tmp_path, "h.csv", bad))
    err = capsys.readouterr().err
    assert "baris 4: putusan (verdict)" in err and "baris 5: putusan (verdict)" in err


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_an_export_reimports_without_changes(tmp_path, capsys, starter, fmt):
    for kind, model in (("faq", FaqEntry), ("hoaxes", HoaxEntry)):
        out = str(tmp_path / f"{kind}.{fmt}")
        call_command(f"export_{kind}", out)
        before = model.history.count()
        call_command(f"import_{kind}", out)
        assert model.history.count() == before
        assert ", 0 diperbarui" in capsys.readouterr().out.splitlines()[-1]


def test_seed_chatbot_demo_is_idempotent(starter):
    from chatbot.demo import chatbot_demo_seed

    assert starter.startswith("FAQ 106 baru")
    assert "0 baru, 0 diperbarui, 106 tetap" in chatbot_demo_seed()
    assert FaqEntry.objects.filter(status="published", language="id").count() == 53
    assert HoaxEntry.objects.filter(status="published").count() == 40


FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]


def test_a_csv_export_neutralises_formulas_and_reimports_them(tmp_path, curator_client):
    """OWASP CSV injection: text from the public never starts a cell as a formula."""
    entries = [
        FaqEntry.objects.create(
            key=f"f{i}", question=text, answer=text, alternates=["@x", "biasa"]
        )
        for i, text in enumerate(FORMULAS)
    ]
    r = curator_client.post(
        "/admin/chatbot/faqentry/",
        {"action": "export_csv", "_selected_action": [e.pk for e in entries]},
    )
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    cells = [c for row in rows[1:] for c in row]
    assert len(rows) == len(FORMULAS) + 1
    assert "'=cmd|' /C calc'!A0" in cells
    assert [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))] == []

    # The import trims surrounding whitespace, as it always did.
    assert _reimported(tmp_path / "faq.csv", r.content) == {
        f"f{i}": (t.strip(), t.strip(), ["@x", "biasa"]) for i, t in enumerate(FORMULAS)
    }


def _reimported(path, content: bytes) -> dict:
    """The FAQ entries after overwriting them and importing `content` again."""
    path.write_bytes(content)
    FaqEntry.objects.update(question="x", answer="y", alternates=[])
    call_command("import_faq", str(path))
    return {e.key: (e.question, e.answer, e.alternates) for e in FaqEntry.objects.all()}


# --- files as spreadsheets save them (session 22) ---------------------------------------


def test_it_reads_an_excel_csv_with_semicolons_windows_1252_and_indonesian_columns(
    tmp_path, capsys
):
    # Excel with Indonesian regional settings separates with ";" and its older
    # "CSV" saves Windows-1252 (curly quotes, en dashes); the ministry's sheet names
    # its columns in Indonesian.
    body = (
        "No;Pertanyaan;Jawaban;Kategori;Bahasa;Pertanyaan Lain;Sumber\r\n"
        "1;Apakah vaksin “aman” untuk lansia?;Ya – aman; efek samping ringan.;"
        "vaksin;Indonesia;Vaksin lansia aman?|Lansia boleh vaksin?;"
        "https://example.org/lansia\r\n"
    )
    # The answer holds a ";" inside quotes, as Excel writes it.
    body = body.replace("Ya – aman; efek samping ringan.", '"Ya – aman; ringan."')
    path = tmp_path / "kemenkes.csv"
    path.write_bytes(body.encode("cp1252"))
    call_command("import_faq", str(path))
    assert "1 baru" in capsys.readouterr().out
    entry = FaqEntry.objects.get()
    assert entry.question == "Apakah vaksin “aman” untuk lansia?"
    assert entry.answer == "Ya – aman; ringan."
    assert (entry.category, entry.language) == ("vaksin", "id")
    assert entry.alternates == ["Vaksin lansia aman?", "Lansia boleh vaksin?"]
    assert entry.source_url == "https://example.org/lansia"
    call_command("import_faq", str(path))
    assert "1 tetap" in capsys.readouterr().out


def test_it_reads_excels_unicode_text_fact_checks_with_indonesian_columns(
    tmp_path, capsys
):
    # "Unicode Text" from Excel: UTF-16 with a BOM, tab-separated.
    body = (
        "Klaim\tPutusan\tPenjelasan\tNarasi\tVarian 1\tTanggal\n"
        "[SALAH] Vaksin berisi chip\thoaks\tTidak ada chip di vaksin.\t"
        "Vaksin ada chip pelacaknya, sebarkan!\tchip di vaksin buat melacak\t"
        "2021-01-18\n"
    )
    path = tmp_path / "cekfakta.txt"
    path.write_bytes(body.encode("utf-16"))
    call_command("import_hoaxes", str(path))
    assert "1 baru" in capsys.readouterr().out
    hoax = HoaxEntry.objects.get()
    assert (hoax.claim, hoax.verdict) == ("Vaksin berisi chip", "hoax")
    assert hoax.narrative == "Vaksin ada chip pelacaknya, sebarkan!"
    assert hoax.variants == ["chip di vaksin buat melacak"]
    assert str(hoax.published_on) == "2021-01-18"


def test_a_json_list_may_name_its_keys_in_indonesian(tmp_path):
    records = [{"Pertanyaan": "Isoman berapa hari?", "Jawaban": "10 hari."}]
    call_command("import_faq", write(tmp_path, "f.json", json.dumps(records)))
    assert FaqEntry.objects.get().answer == "10 hari."


def test_a_file_that_is_not_text_gets_a_clear_error(tmp_path, curator_client):
    # 0x81 is no character in UTF-8 or Windows-1252: no traceback, a message.
    data = b"question,answer\nA\x81\x8d,B\n"
    path = tmp_path / "rusak.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="CSV UTF-8"):
        call_command("import_faq", str(path))
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = curator_client.post(
        "/admin/chatbot/faqentry/import/",
        {"file": SimpleUploadedFile("rusak.csv", data), "status": "draft"},
    )
    assert r.status_code == 200
    assert "CSV UTF-8" in r.content.decode()
    assert not FaqEntry.objects.exists()


@pytest.mark.parametrize(
    ("label", "verdict"),
    [
        ("[SALAH]", "hoax"),
        ("Disinformasi", "hoax"),
        ("Konten  yang Dimanipulasi", "hoax"),
        ("Konten yang Menyesatkan", "misleading"),
        ("Satire atau Parodi", "misleading"),
        ("FAKTA", "fact"),
    ],
)
def test_fact_check_archive_labels_are_read_as_verdicts(tmp_path, label, verdict):
    body = f"claim,verdict,explanation\nKlaim X,{label},Penjelasan.\n"
    call_command("import_hoaxes", write(tmp_path, "h.csv", body))
    assert HoaxEntry.objects.get().verdict == verdict


def test_a_language_written_out_is_read(tmp_path):
    body = "pertanyaan,jawaban,bahasa\nIsoman?,10 hari.,Bahasa Indonesia\nHow long?,10 days.,English\n"
    call_command("import_faq", write(tmp_path, "f.csv", body))
    assert sorted(FaqEntry.objects.values_list("language", flat=True)) == ["en", "id"]


def _workbook(rows) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_it_imports_the_first_sheet_of_an_excel_workbook(tmp_path, capsys):
    import datetime as dt

    data = _workbook(
        [
            [None],  # a blank row above the header, as sheets often have
            ["No", "Klaim", "Putusan", "Penjelasan", "Tanggal", "Narasi"],
            [
                1,
                "[HOAKS] Vaksin berisi chip",
                "Hoaks",
                "Tidak ada chip.",
                dt.datetime(2021, 1, 18),
                "Vaksin ada chipnya, sebarkan!",
            ],
            [None, None, None, None, None, None],
            [
                2,
                "5G menyebarkan corona",
                "salah",
                "Virus tidak lewat sinyal.",
                dt.date(2020, 4, 18),
                None,
            ],
        ]
    )
    path = tmp_path / "cek-fakta.xlsx"
    path.write_bytes(data)
    call_command("import_hoaxes", str(path))
    assert "2 baru" in capsys.readouterr().out
    chip = HoaxEntry.objects.get(claim="Vaksin berisi chip")
    assert (chip.verdict, str(chip.published_on)) == ("hoax", "2021-01-18")
    assert chip.narrative == "Vaksin ada chipnya, sebarkan!"
    call_command("import_hoaxes", str(path))
    assert "2 tetap" in capsys.readouterr().out


def test_an_excel_workbook_uploads_in_the_admin_with_line_errors(
    curator_client, chat_curator
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _workbook(
        [
            ["Pertanyaan", "Jawaban", "Kategori"],
            ["Isoman berapa hari?", "10 hari sejak tes.", "isoman"],
            ["Tanpa jawaban", None, "isoman"],
        ]
    )
    r = curator_client.post(
        "/admin/chatbot/faqentry/import/",
        {"file": SimpleUploadedFile("kemenkes.xlsx", data), "status": "draft"},
    )
    assert r.status_code == 200
    assert "baris 3: jawaban (answer)" in r.content.decode()
    entry = FaqEntry.objects.get()
    assert (entry.question, entry.status) == ("Isoman berapa hari?", "draft")
    # Created with its chunk in one statement, its history still names the curator.
    assert entry.history.get().history_user == chat_curator


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "rusak.xlsx",
            b"PK\x03\x04 not really a workbook",
            "Berkas Excel tidak terbaca",
        ),
        ("lama.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), ".xls"),
    ],
)
def test_a_broken_or_old_excel_file_gets_a_clear_error(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        call_command("import_faq", str(path))
    assert not FaqEntry.objects.exists()


def test_a_bilingual_sheet_imports_both_versions_linked(tmp_path, capsys):
    from chatbot.index import snapshot_build

    data = _workbook(
        [
            ["Pertanyaan", "Jawaban", "Question (EN)", "Answer (EN)", "Kategori"],
            [
                "Apakah ibu hamil boleh vaksin booster?",
                "Boleh, mulai trimester kedua.",
                "Can pregnant women get a booster?",
                "Yes, from the second trimester.",
                "vaksin",
            ],
            ["Isoman berapa hari?", "10 hari.", None, None, "isoman"],
            ["Only one half", "Satu saja.", "Only the question?", None, "x"],
        ]
    )
    path = tmp_path / "dwibahasa.xlsx"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command("import_faq", str(path))
    out, err = capsys.readouterr()
    assert "2 baru" in out and "baris 4: pertanyaan (EN) (question_en)" in err
    en, id_ = FaqEntry.objects.filter(category="vaksin").order_by("language")
    assert (en.language, id_.language) == ("en", "id")
    assert id_.key and id_.key == en.key
    assert en.question == "Can pregnant women get a booster?"
    assert FaqEntry.objects.get(category="isoman").key == ""
    # Linked: one answer in two languages, each shown in the language asked.
    engine = snapshot_build().engine
    assert engine.faq.has_version(en.key, "en") and engine.faq.has_version(en.key, "id")
    # A re-import finds the same pair (the key made from the question is stable).
    with pytest.raises(CommandError):
        call_command("import_faq", str(path))
    assert "0 baru, 0 diperbarui, 2 tetap" in capsys.readouterr().out
    assert FaqEntry.objects.count() == 3


def test_an_excel_export_keeps_formula_looking_text_as_text(tmp_path, curator_client):
    """No formula in a workbook we write: text beginning with "=" is a text cell,
    shown and re-imported as it was (a CSV escapes it with "'")."""
    from openpyxl import load_workbook

    entries = [
        FaqEntry.objects.create(
            key=f"f{i}", question=text, answer=text + "\x0b", alternates=["@x"]
        )
        for i, text in enumerate(FORMULAS)
    ]
    r = curator_client.post(
        "/admin/chatbot/faqentry/",
        {"action": "export_xlsx", "_selected_action": [e.pk for e in entries]},
    )
    assert r.status_code == 200
    assert r["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value]
    assert {c.data_type for c in cells} == {"s"}
    assert "=cmd|' /C calc'!A0" in [c.value for c in cells]
    # The vertical tab a workbook cannot hold is dropped; whitespace trimmed.
    assert _reimported(tmp_path / "faq.xlsx", r.content) == {
        f"f{i}": (t.strip(), t.strip(), ["@x"]) for i, t in enumerate(FORMULAS)
    }


def test_an_export_to_stdout_is_the_file_itself(starter):
    out = io.StringIO()
    call_command("export_faq", "-", "--format", "csv", stdout=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert len(rows) == FaqEntry.objects.count()


def _sparse_workbook() -> bytes:
    """A few KB that claim a million rows and 16,384 columns (the last cell at
    XFD1048576): before the limits, reading it took the process down."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["question", "answer"])
    sheet.append(["Isoman berapa hari?", "10 hari."])
    sheet.cell(row=1_048_576, column=16_384, value="x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A valid workbook with one more member that unpacks to 300 MB (300 KB packed)."""
    import zipfile

    packed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_workbook([["question", "answer"]]))) as source,
        zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        with archive.open("xl/padding.xml", "w") as member:
            block = b" " * 1_048_576
            for _ in range(300):
                member.write(block)
    return packed.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("jarang.xlsx", _sparse_workbook, "Terlalu banyak baris (batas 100.000"),
        ("bom.xlsx", _zip_bomb, "terlalu besar setelah dibuka: 300,0\xa0MB"),
        (
            "kutip.csv",
            lambda: (
                b'question,answer\n"Tanda kutip tak ditutup,x\n' + b"a,b\n" * 40_000
            ),
            "mulai baris 2: sel terlalu panjang",
        ),
        (
            "banyak.csv",
            lambda: b"question,answer\n" + b"q,a\n" * 100_001,
            "Terlalu banyak baris",
        ),
        (
            "banyak.json",
            lambda: json.dumps([{"question": "q", "answer": "a"}] * 100_001).encode(),
            "Terlalu banyak baris",
        ),
    ],
)
def test_an_oversized_or_runaway_file_is_refused_before_it_costs_memory(
    tmp_path, curator_client, name, data, message, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = data()
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import_faq", str(path))
    with django_capture_on_commit_callbacks(execute=True):
        r = curator_client.post(
            "/admin/chatbot/faqentry/import/",
            {"file": SimpleUploadedFile(name, data), "status": "draft"},
        )
    if len(data) > 1024 * 1024:  # CHATBOT_IMPORT_INLINE_BYTES: a worker's job
        assert r.status_code == 302
        r = curator_client.get(r["Location"])
        assert ImportJob.objects.get().state == ImportJob.State.FAILED
        assert ImportJob.objects.get().content == b""  # not kept
    assert r.status_code == 200
    assert message in html.unescape(r.content.decode())
    assert not FaqEntry.objects.exists()


def test_a_file_over_the_size_limit_is_refused_unread(
    tmp_path, settings, curator_client
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.CHATBOT_IMPORT_MAX_BYTES = 1_024
    data = b"question,answer\n" + b"Isoman berapa hari?,10 hari.\n" * 40
    path = tmp_path / "besar.csv"
    path.write_bytes(data)
    message = (
        "Berkas terlalu besar: 1,1\xa0KB (batas 1,0\xa0KB, CHATBOT_IMPORT_MAX_BYTES)"
    )
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("import_faq", str(path))
    r = curator_client.post(
        "/admin/chatbot/faqentry/import/",
        {"file": SimpleUploadedFile("besar.csv", data), "status": "draft"},
    )
    assert message in r.content.decode()
    assert not FaqEntry.objects.exists()
    # Within the limit, the same rows import.
    settings.CHATBOT_IMPORT_MAX_BYTES = 10_000
    call_command("import_faq", str(path))
    assert FaqEntry.objects.count() == 1


def _hoax_rows(*rows) -> list[tuple[str, dict]]:
    return [
        (
            f"baris {n}",
            {"claim": claim, "verdict": "hoaks", "explanation": why, **extra},
        )
        for n, (claim, why, extra) in enumerate(rows, start=2)
    ]


@pytest.mark.parametrize("chunk", [2, 500])
def test_rows_of_one_file_see_each_other_across_chunks(monkeypatch, chunk):
    from chatbot.services import transfer

    monkeypatch.setattr(transfer, "IMPORT_CHUNK", chunk)
    report = transfer.hoax_import(
        rows=_hoax_rows(
            ("Bawang putih menyembuhkan corona.", "Tidak terbukti.", {}),
            ("5G menyebarkan corona.", "Tidak.", {"key": "5g"}),
            ("Bawang putih menyembuhkan corona.", "Tidak ada bukti.", {}),
            # The keyed entry's claim changes: its old claim no longer finds it.
            ("Jaringan 5G menyebarkan corona.", "Tidak.", {"key": "5g"}),
            ("5G menyebarkan corona.", "Sinyal tidak membawa virus.", {}),
        )
    )
    assert (report.created, report.updated, report.unchanged) == (3, 2, 0)
    assert HoaxEntry.objects.get(claim__startswith="Bawang").explanation == (
        "Tidak ada bukti."
    )
    assert HoaxEntry.objects.get(key="5g").claim == "Jaringan 5G menyebarkan corona."
    assert HoaxEntry.objects.get(claim="5G menyebarkan corona.").key == ""


def test_a_bilingual_row_with_an_invalid_half_writes_neither():
    from chatbot.services import transfer

    same = {"key": "isoman", "question": "Isoman berapa hari?", "answer": "10."}
    assert transfer.faq_import(rows=[("baris 2", same)]).created == 1
    # The Indonesian half is valid, the English question too long for the model.
    bad = dict(same, answer="Jawaban baru.", question_en="x" * 600, answer_en="Ten.")
    report = transfer.faq_import(rows=[("baris 2", bad), ("baris 3", same)])
    assert len(report.errors) == 1
    assert report.errors[0].startswith("baris 2: pertanyaan (question):")
    # Nothing of row 2 was written, nor kept in memory: row 3 finds the entry as the
    # database holds it, unchanged.
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert FaqEntry.objects.get(key="isoman").answer == "10."
    assert not FaqEntry.objects.filter(language="en").exists()


def test_a_re_import_reads_its_entries_a_chunk_at_a_time(
    tmp_path, django_assert_max_num_queries
):
    rows = "".join(
        f"Klaim nomor {n} tentang corona.,hoaks,Penjelasan {n}.\n" for n in range(60)
    )
    path = write(tmp_path, "h.csv", "claim,verdict,explanation\n" + rows)
    call_command("import_hoaxes", path)
    # Unchanged rows: one lookup query for the chunk (and the admin's bookkeeping),
    # not one a row (a claim has no index: each was a scan of the whole table).
    with django_assert_max_num_queries(4):
        call_command("import_hoaxes", path)
    assert HoaxEntry.objects.count() == 60


def test_reimporting_with_draft_chosen_keeps_published_entries_published(
    curator_client,
):
    """An outside tester re-imported a ministry's Q&A with the form's default
    ("Draf") and every entry it held was unpublished."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = (
        b"pertanyaan,jawaban\n"
        b"Apa itu kusta?,Kusta adalah penyakit infeksi kronis.\n"
        b"Apakah kusta bisa sembuh?,Bisa: diobati dengan MDT.\n"
    )
    for status, expected in (("published", "2 baru"), ("draft", "2 tetap")):
        r = curator_client.post(
            "/admin/chatbot/faqentry/import/",
            {"file": SimpleUploadedFile("kusta.csv", data), "status": status},
            follow=True,
        )
        assert expected in r.content.decode()
    assert set(FaqEntry.objects.values_list("status", flat=True)) == {"published"}
    # A row that says its status still sets it; a new row gets the form's choice.
    data += b"Obat kusta gratis?,Ya: di puskesmas.\n"
    data = data.replace(b"pertanyaan,jawaban", b"pertanyaan,jawaban,status")
    data = data.replace(b"dengan MDT.\n", b"dengan MDT.,arsip\n")
    curator_client.post(
        "/admin/chatbot/faqentry/import/",
        {"file": SimpleUploadedFile("kusta.csv", data), "status": "draft"},
    )
    assert dict(FaqEntry.objects.values_list("question", "status")) == {
        "Apa itu kusta?": "published",
        "Apakah kusta bisa sembuh?": "archived",
        "Obat kusta gratis?": "draft",
    }


def test_a_stray_quote_is_reported_where_it_is_and_imports_nothing_shifted(tmp_path):
    """An outside tester's files: a quote closed a line late shifted a row's cells
    (imported as "2 baru, 0 galat" with one answer swallowing the next question); one
    never closed was reported on the wrong line."""
    shifted = (
        "pertanyaan,jawaban\n"
        '"Apakah obat cacing aman untuk ibu hamil?","Konsultasikan dengan bidan.\n'
        '"Apa itu DBD?,DBD adalah demam berdarah dengue.\n'
        "Apa itu ISPA?,Infeksi saluran pernapasan akut.\n"
    )
    report = transfer.faq_import(
        rows=transfer.read_records(
            shifted.encode(), filename="kutip.csv", required=["question", "answer"]
        )
    )
    assert report.created == 1  # ISPA only
    assert report.errors == [
        "baris 2–3: Baris ini punya 1 sel lebih banyak daripada judul kolom: ada "
        "tanda kutip yang tidak ditutup atau pemisah berlebih di baris ini atau "
        "sebelumnya. Baris tidak diimpor."
    ]
    unclosed = (
        "pertanyaan,jawaban\n"
        "Apa itu ISPA?,Infeksi saluran pernapasan akut.\n"
        '"Apakah obat cacing aman untuk ibu hamil?,Konsultasikan dengan bidan.\n'
        "Apa itu DBD?,DBD adalah demam berdarah dengue.\n"
    )
    from core.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="mulai baris 3: tanda kutip"):
        transfer.read_records(
            unclosed.encode(), filename="kutip.csv", required=["question", "answer"]
        )


def test_a_quote_open_to_the_end_of_the_file_is_refused_with_its_line():
    """A re-test: a quote never closed took the rest of the file into one answer,
    which was imported as '2 baru … 0 galat' and published."""
    from core.exceptions import ApplicationError

    data = (
        b"Pertanyaan,Jawaban,Kategori\n"
        b"Apa itu demam berdarah dengue?,DBD adalah infeksi virus dengue.,umum\n"
        b'Kapan harus ke IGD saat DBD?,"Segera ke IGD bila muntah terus.,umum\n'
        b"Apakah fogging efektif?,Fogging membunuh nyamuk dewasa saja.,umum\n"
    )
    with pytest.raises(ApplicationError, match="mulai baris 3: tanda kutip"):
        transfer.read_records(data, filename="dbd.csv", required=["question"])
    # A stray quote inside a cell is no open quote.
    stray = b'question,answer\nTV 5" layar kecil aman?,Ya.\n'
    rows = transfer.read_records(stray, filename="tv.csv", required=["question"])
    assert rows[0][1]["question"] == 'TV 5" layar kecil aman?'


def test_an_archive_headline_label_gives_the_verdict_and_unknown_columns_are_named():
    rows = transfer.read_records(
        (
            b"Judul,Narasi,Penjelasan,Link Referensi,Catatan Redaksi\n"
            b"[SALAH] Air kelapa campur garam sembuhkan leptospirosis,Kalau kena "
            b"banjir minum air kelapa.,Harus antibiotik.,https://cek.example/1,x\n"
            b"Bawang putih cegah covid,Makan bawang.,Tidak terbukti.,,y\n"
        ),
        filename="arsip.csv",
        required=transfer.HOAX_REQUIRED,
    )
    report = transfer.hoax_import(rows=rows)
    assert report.created == 1
    entry = HoaxEntry.objects.get()
    assert (entry.verdict, entry.source_url) == ("hoax", "https://cek.example/1")
    assert entry.claim == "Air kelapa campur garam sembuhkan leptospirosis"
    assert report.errors == [
        "baris 3: putusan (verdict): Putusan wajib: isi kolom putusan (hoaks, "
        "menyesatkan atau fakta), atau beri label di depan klaim seperti [SALAH]."
    ]
    assert report.notice() == "Kolom tidak dikenal, diabaikan: catatan_redaksi."


def test_every_problem_of_a_row_is_reported_at_once():
    report = transfer.hoax_import(
        rows=[
            (
                "baris 2",
                {
                    "claim": "Klaim",
                    "verdict": "belum jelas",
                    "explanation": "x",
                    "published_on": "kemarin",
                },
            )
        ]
    )
    assert report.errors == [
        "baris 2: putusan (verdict): Nilai tidak dikenal: 'belum jelas'.; tanggal "
        "(published_on): Tanggal tidak dikenal: 'kemarin' (pakai YYYY-MM-DD atau "
        "DD/MM/YYYY)."
    ]


def test_a_question_in_other_case_or_spacing_updates_its_entry():
    rows = [
        ("baris 2", {"question": "Apakah kusta dapat disembuhkan?", "answer": "Ya."})
    ]
    assert transfer.faq_import(rows=rows).created == 1
    again = [
        (
            "baris 2",
            {
                "question": "  apakah KUSTA  dapat disembuhkan? ",
                "answer": "Ya, dengan MDT.",
            },
        )
    ]
    report = transfer.faq_import(rows=again)
    assert (report.created, report.updated) == (0, 1)
    entry = FaqEntry.objects.get()
    assert entry.answer == "Ya, dengan MDT."
    claims = [
        (
            "baris 2",
            {
                "claim": "Bawang putih cegah COVID",
                "verdict": "hoaks",
                "explanation": "x",
            },
        )
    ]
    assert transfer.hoax_import(rows=claims).created == 1
    claims[0][1]["claim"] = "bawang putih cegah covid"
    assert transfer.hoax_import(rows=claims).updated == 1  # its new spelling
    assert transfer.hoax_import(rows=claims).unchanged == 1
    assert HoaxEntry.objects.count() == 1
