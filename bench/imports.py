"""Fact-check archive import: 5,000 rows into a knowledge base of 50,000 claims.

    DATABASE_URL=postgres://… .venv/bin/python bench/imports.py [--existing 50000] [--rows 5000]

What a health office does on day one (and again each time the archive is exported
afresh): import a fact-check archive with `import_hoaxes` or the admin's "Impor".

1. In one transaction, rolled back at the end (a scratch database is migrated first):
   50,000 claims already in the knowledge base, written directly; a CSV of 5,000 new
   fact-check rows as archives publish them (headline, "[SALAH]" label, narrative of
   about 250 words, explanation of about 150, source, date), seeded.
2. Times `read_records` (parse), `hoax_import` of the new rows, and `hoax_import` of
   the same file again (every row unchanged). Baseline of the same run: the same
   5,000 rows written with one `bulk_create` (no lookups, validation or history: the
   floor for writing this much text).
   Targets: import <= 30 s and re-import <= 10 s (an admin upload of this size stays
   well within a proxy's 60 s).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import time
from pathlib import Path

import harness  # bench/harness.py, while bench/ is still on the path

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds channels.py and chatbot.py: never let them shadow the packages.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

TARGET_IMPORT_S, TARGET_REIMPORT_S = 30.0, 10.0
WORDS = (
    "vaksin covid corona virus masker obat herbal rumah sakit pasien dokter pemerintah "
    "china chip 5g bawang putih air kelapa minum sembuh meninggal suntik darah beku "
    "warga desa kabupaten beredar pesan grup whatsapp video viral klaim fakta menurut "
    "kementerian kesehatan penelitian ilmuwan dunia negara rakyat bantuan sosial "
    "imunisasi anak sekolah puskesmas isolasi karantina gejala demam batuk sesak"
).split()


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(WORDS, k=n))


def archive_csv(rng: random.Random, n: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Judul", "Putusan", "Narasi", "Penjelasan", "Sumber", "Tanggal"])
    for i in range(n):
        writer.writerow(
            [
                f"[SALAH] {words(rng, 10).capitalize()} (arsip {i})",
                "Disinformasi",
                words(rng, 250),
                words(rng, 150),
                f"https://cekfakta.example.org/{i}",
                f"2021-{1 + i % 12:02d}-{1 + i % 28:02d}",
            ]
        )
    return out.getvalue().encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--existing", type=int, default=50_000)
    parser.add_argument("--rows", type=int, default=5_000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from chatbot.models import HoaxEntry
    from chatbot.services.transfer import HOAX_REQUIRED, hoax_import, read_records

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(17)
    data = archive_csv(rng, args.rows)

    class Rollback(Exception):
        pass

    figures = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            HoaxEntry.objects.bulk_create(
                [
                    HoaxEntry(
                        claim=f"{words(rng, 12).capitalize()} (lama {i})",
                        verdict="hoax",
                        explanation=words(rng, 150),
                        status="published",
                    )
                    for i in range(args.existing)
                ],
                batch_size=2_000,
            )
            print(
                f"knowledge base: {args.existing:,} claims written in "
                f"{time.perf_counter() - started:.1f} s; archive: {args.rows:,} rows, "
                f"{len(data) / 1_048_576:.1f} MB of CSV"
            )
            started = time.perf_counter()
            rows = read_records(data, filename="arsip.csv", required=HOAX_REQUIRED)
            figures["parse"] = time.perf_counter() - started
            for name in ("import", "reimport"):
                started = time.perf_counter()
                report = hoax_import(rows=rows, default_status="published")
                figures[name] = time.perf_counter() - started
                print(f"{name:<9} {figures[name]:6.2f} s  ({report.summary()})")
            # Baseline: the same rows written with one bulk_create.
            with transaction.atomic():
                HoaxEntry.objects.filter(claim__contains="(arsip ").delete()
                values = [
                    dict(
                        claim=r["claim"],
                        narrative=r.get("narrative", ""),
                        explanation=r["explanation"],
                    )
                    for _, r in rows
                ]
                started = time.perf_counter()
                HoaxEntry.objects.bulk_create(
                    [
                        HoaxEntry(verdict="hoax", status="published", **v)
                        for v in values
                    ],
                    batch_size=500,
                )
                figures["baseline"] = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass

    per_row = 1000 * figures["import"] / args.rows
    print(
        f"parse     {figures['parse']:6.2f} s\n"
        f"baseline  {figures['baseline']:6.2f} s  (one bulk_create of the same rows: "
        f"no lookups, validation or history)\n"
        f"import    {figures['import']:6.2f} s = {per_row:.2f} ms a row, "
        f"{figures['import'] / figures['baseline']:.1f}x the baseline "
        f"[{'ok' if figures['import'] <= TARGET_IMPORT_S else 'MISSES TARGET'}, "
        f"target <= {TARGET_IMPORT_S:.0f} s]\n"
        f"reimport  {figures['reimport']:6.2f} s "
        f"[{'ok' if figures['reimport'] <= TARGET_REIMPORT_S else 'MISSES TARGET'}, "
        f"target <= {TARGET_REIMPORT_S:.0f} s]"
    )
    for name, target in (("import", TARGET_IMPORT_S), ("reimport", TARGET_REIMPORT_S)):
        harness.record(
            bench="imports",
            figure=f"hoax_import of {args.rows:,} rows into {args.existing:,} claims"
            + (" (unchanged re-import)" if name == "reimport" else ""),
            result=figures[name],
            target=f"<= {target:.0f} s",
            unit="s",
            baseline=figures["baseline"],
            ok=figures[name] <= target,
        )


if __name__ == "__main__":
    main()
