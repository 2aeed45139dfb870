"""Region name search as people type it: typos ("smrang"), prefixes ("tembal"),
missing or extra spaces ("semarangtengah"), and the words they add ("Kec.", "Kab.",
"kota"). In memory (rapidfuzz over ~92k names), built once per process.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from core.areas.rules import (
    level_of,
    name_key,
    parent_codes,
    parse_code,
    parse_name_query,
    strip_glued_prefix,
)
from core.longlived import freeze_after_build

# Higher levels first on equal match quality: "Semarang" means the city before a
# village of that name.
LEVEL_BONUS = {1: 4.0, 2: 3.0, 3: 2.0, 4: 0.0}
HINT_BONUS = 12.0
FUZZY_CUTOFF = 72.0


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    level: int
    kind: str


@dataclass(frozen=True)
class Match:
    code: str
    score: float
    how: str  # "code" | "exact" | "prefix" | "fuzzy" | "context"


class RegionSearchIndex:
    def __init__(self, entries: Iterable[Entry], version: str = ""):
        self.entries: dict[str, Entry] = {}
        keys: dict[str, list[str]] = {}
        for entry in entries:
            self.entries[entry.code] = entry
            compact = name_key(entry.name, entry.level).replace(" ", "")
            if compact:
                keys.setdefault(compact, []).append(entry.code)
        self.keys = sorted(keys)
        self.codes_by_key = keys
        # Fuzzy matching only looks at keys of similar length: sorted by length, those
        # are one contiguous slice.
        self.by_length = sorted(self.keys, key=len)
        self.length_starts = [0] * 128
        for length in range(128):
            self.length_starts[length] = bisect.bisect_left(
                self.by_length, length, key=len
            )
        self.version = version

    def __len__(self) -> int:
        return len(self.entries)

    # -- matching on one key -----------------------------------------------------------

    def _prefixed(self, compact: str, limit: int = 400) -> list[str]:
        start = bisect.bisect_left(self.keys, compact)
        out = []
        for key in self.keys[start : start + limit]:
            if not key.startswith(compact):
                break
            out.append(key)
        return out

    def _fuzzy(self, compact: str, limit: int = 60) -> list[tuple[str, float]]:
        n = len(compact)
        spread = max(2, n // 3)
        low = self.length_starts[min(max(1, n - spread), 127)]
        high = (
            self.length_starts[min(n + spread + 1, 127)]
            if n + spread + 1 < 128
            else None
        )
        found = process.extract(
            compact,
            self.by_length[low:high],
            scorer=fuzz.ratio,
            score_cutoff=FUZZY_CUTOFF,
            limit=limit,
        )
        return [(key, score) for key, score, _ in found]

    def _key_scores(
        self, compact: str, *, fuzzy: bool = True
    ) -> dict[str, tuple[float, str]]:
        """key -> (score 0..100, how) for one compact query."""
        scores: dict[str, tuple[float, str]] = {}
        if compact in self.codes_by_key:
            scores[compact] = (100.0, "exact")
        if len(compact) >= 3:
            for key in self._prefixed(compact):
                if key != compact:
                    score = 80.0 + 15.0 * len(compact) / len(key)
                    scores.setdefault(key, (score, "prefix"))
        if fuzzy and len(compact) >= 4:
            for key, ratio in self._fuzzy(compact):
                score = ratio * 0.88
                if key not in scores or scores[key][0] < score:
                    scores[key] = (score, "fuzzy")
        return scores

    # -- the search ----------------------------------------------------------------------------

    def search(
        self, raw: str, *, limit: int = 10, level: int | None = None
    ) -> list[Match]:
        code = parse_code(raw)
        if code:
            if code in self.entries:
                return [Match(code, 100.0, "code")]
            prefix = code + "."
            children = [c for c in self.entries if c.startswith(prefix)]
            return [Match(c, 90.0, "code") for c in sorted(children)[:limit]]

        query = parse_name_query(raw)
        if len(query.compact) < 2:
            return []
        best: dict[str, Match] = {}

        def offer(
            entry_code: str, score: float, how: str, hint: dict | None = None
        ) -> None:
            entry = self.entries[entry_code]
            if level and entry.level != level:
                return
            score += LEVEL_BONUS[entry.level]
            kind = hint.get("kind") if hint is not None else query.kind
            hint_level = hint.get("level") if hint is not None else query.level
            if kind:
                score += HINT_BONUS if entry.kind == kind else -HINT_BONUS
            elif hint_level:
                score += HINT_BONUS if entry.level == hint_level else -HINT_BONUS
            current = best.get(entry_code)
            if current is None or current.score < score:
                best[entry_code] = Match(entry_code, round(score, 2), how)

        # The words people add are stripped for matching ("kec tembalang" ->
        # "tembalang"); the full text is tried too, without typos, for names that
        # really start with such a word ("Kota Baru").
        for compact, fuzzy in ((query.compact, True), (query.full_compact, False)):
            if not compact or (not fuzzy and compact == query.compact):
                continue
            for key, (score, how) in self._key_scores(compact, fuzzy=fuzzy).items():
                for entry_code in self.codes_by_key[key]:
                    offer(entry_code, score, how)

        # "kotadepok", "kecamatantembalang": a prefix glued to the name. Only its own
        # matches carry its hint: "kotabaru" above still finds Kotabaru as typed.
        glued = None if query.kind or query.level else strip_glued_prefix(query.compact)
        if glued is not None:
            rest, hint = glued
            for key, (score, how) in self._key_scores(rest).items():
                for entry_code in self.codes_by_key[key]:
                    offer(entry_code, score, how, hint)

        # "depok sleman", "tembalang semarang": a name, then the place it lies in.
        words = query.text.split()
        for cut in range(1, len(words)):
            head = "".join(words[:cut])
            context = "".join(words[cut:])
            if len(head) < 3 or len(context) < 3:
                continue
            for key, (score, _) in self._key_scores(head).items():
                for entry_code in self.codes_by_key[key]:
                    ctx = self._context_score(entry_code, context)
                    if ctx >= FUZZY_CUTOFF:
                        offer(
                            entry_code,
                            min(score, 100.0) * 0.7 + ctx * 0.3 + 1.0,
                            "context",
                        )

        ranked = sorted(
            best.values(),
            key=lambda m: (-m.score, self.entries[m.code].level, m.code),
        )
        return ranked[:limit]

    def _context_score(self, code: str, context: str) -> float:
        scores = [0.0]
        for parent in parent_codes(code):
            entry = self.entries.get(parent)
            if entry:
                key = name_key(entry.name, entry.level).replace(" ", "")
                scores.append(
                    100.0 if key.startswith(context) else fuzz.ratio(context, key)
                )
        return max(scores)


# --- The process-wide index -----------------------------------------------------------------

_lock = threading.Lock()
_index: RegionSearchIndex | None = None
_checked_at = 0.0
CHECK_SECONDS = 60.0


def database_version() -> str:
    from django.db.models import Max

    from core.models import Region

    info = Region.objects.aggregate(m=Max("code"))
    return f"{Region.objects.count()}:{info['m']}"


def build_index(version: str | None = None) -> RegionSearchIndex:
    from core.models import Region

    version = version if version is not None else database_version()
    rows = Region.objects.values_list("code", "name", "level", "kind").iterator(
        chunk_size=5000
    )
    return RegionSearchIndex((Entry(*row) for row in rows), version=version)


def search_index() -> RegionSearchIndex:
    """The process's index over Region rows; rebuilt when the rows change (checked at
    most once a minute)."""
    global _index, _checked_at
    if _index is not None and time.monotonic() - _checked_at < CHECK_SECONDS:
        return _index
    with _lock:
        if _index is not None and time.monotonic() - _checked_at < CHECK_SECONDS:
            return _index
        version = database_version()
        if _index is None or _index.version != version:
            _index = build_index(version)
            freeze_after_build()
        _checked_at = time.monotonic()
        return _index


def invalidate() -> None:
    global _index, _checked_at
    with _lock:
        _index = None
        _checked_at = 0.0


__all__ = [
    "Entry",
    "Match",
    "RegionSearchIndex",
    "build_index",
    "level_of",
    "search_index",
]
