"""Area figures derived from integrated cases, recomputed incrementally.

Ingest marks each touched kelurahan dirty from the first day that may have changed
(FigureDirty). `figures_recompute_dirty` recomputes those kelurahan from that day to
today, then rolls the change up to kecamatan, kabupaten/kota and provinsi. Figures
are never written anywhere else. Public names are re-exported here.
"""

from __future__ import annotations

from core.cases.figures.compute import (
    figures_recompute,
    kelurahan_recompute,
    rollup_level,
)
from core.cases.figures.work import (
    ALL_PASS,
    LOCK_KEY,
    QUEUED_KEY,
    dirty_from_changes,
    dirty_mark,
    figures_recompute_all,
    figures_recompute_dirty,
    figures_roll_forward,
    latest_figure_date,
    schedule_recompute,
)

__all__ = [
    "ALL_PASS",
    "LOCK_KEY",
    "QUEUED_KEY",
    "dirty_from_changes",
    "dirty_mark",
    "figures_recompute",
    "figures_recompute_all",
    "figures_recompute_dirty",
    "figures_roll_forward",
    "kelurahan_recompute",
    "latest_figure_date",
    "rollup_level",
    "schedule_recompute",
]
