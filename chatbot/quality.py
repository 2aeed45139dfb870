"""Quality scenarios that go through the real import path (bench + tests).

`imported_engine()` empties the knowledge base inside a transaction, imports files
with the `import_faq` / `import_hoaxes` commands, builds the index exactly as a
running process does (`snapshot_build`) and rolls everything back.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.db import transaction

from chatbot.index import snapshot_build
from chatbot.matching import Engine


@dataclass(frozen=True)
class ImportedKB:
    engine: Engine
    faq_key: dict[int, str]
    faq_language: dict[int, str]
    hoax_key: dict[int, str]


class _Rollback(Exception):
    pass


def imported_engine(
    *, faq_files: Sequence[Path] = (), hoax_files: Sequence[Path] = ()
) -> ImportedKB:
    from chatbot.models import FaqEntry, HoaxEntry, Synonym

    result: list[ImportedKB] = []
    try:
        with transaction.atomic():
            FaqEntry.objects.all().delete()
            HoaxEntry.objects.all().delete()
            Synonym.objects.all().delete()
            quiet = io.StringIO()
            for path in faq_files:
                call_command("import_faq", str(path), stdout=quiet, stderr=quiet)
            for path in hoax_files:
                call_command("import_hoaxes", str(path), stdout=quiet, stderr=quiet)
            snapshot = snapshot_build()
            faq = {e.id: (e.key, e.language) for e in FaqEntry.objects.all()}
            result.append(
                ImportedKB(
                    engine=snapshot.engine,
                    faq_key={i: k for i, (k, _) in faq.items()},
                    faq_language={i: lang for i, (_, lang) in faq.items()},
                    hoax_key=dict(HoaxEntry.objects.values_list("id", "key")),
                )
            )
            raise _Rollback
    except _Rollback:
        pass
    return result[0]
