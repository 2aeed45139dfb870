"""Pure rules for risk areas: zoning rule versions, roll-up and name normalisation.

No ORM, no settings. Zoning rules are data (thresholds stored in ZoneRule rows) read
through the functions here; a new rule is a new row (+ code when its metric is new),
never an edit of an old one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Severity order: index = zone level (0 hijau … 3 merah).
ZONES: tuple[str, ...] = ("hijau", "kuning", "oranye", "merah")
ZONE_LEVEL = {zone: i for i, zone in enumerate(ZONES)}
ZONE_LABELS = {
    "hijau": {"id": "hijau", "en": "green"},
    "kuning": {"id": "kuning", "en": "yellow"},
    "oranye": {"id": "oranye", "en": "orange"},
    "merah": {"id": "merah", "en": "red"},
}

METRIC_HOUSEHOLDS_7D = "households_confirmed_7d"
METRICS = (METRIC_HOUSEHOLDS_7D,)


@dataclass(frozen=True)
class Threshold:
    """Counts up to and including `max` get `zone`; `max=None` is the open top band."""

    max: int | None
    zone: str


@dataclass(frozen=True)
class RuleSpec:
    version: str
    name: str
    metric: str
    thresholds: tuple[Threshold, ...]


def thresholds_from_data(data: Sequence[Mapping]) -> tuple[Threshold, ...]:
    return tuple(Threshold(max=item.get("max"), zone=item["zone"]) for item in data)


def thresholds_to_data(thresholds: Iterable[Threshold]) -> list[dict]:
    return [{"max": t.max, "zone": t.zone} for t in thresholds]


# The two rules Indonesia used for PPKM Mikro (per neighbourhood, households with a
# confirmed case in the last 7 days). Seeded by a data migration.
V0 = RuleSpec(
    version="v0",
    name="Inmendagri 3/2021",
    metric=METRIC_HOUSEHOLDS_7D,
    thresholds=(
        Threshold(0, "hijau"),
        Threshold(5, "kuning"),
        Threshold(10, "oranye"),
        Threshold(None, "merah"),
    ),
)
V1 = RuleSpec(
    version="v1",
    name="Inmendagri 7/2021",
    metric=METRIC_HOUSEHOLDS_7D,
    thresholds=(
        Threshold(0, "hijau"),
        Threshold(2, "kuning"),
        Threshold(5, "oranye"),
        Threshold(None, "merah"),
    ),
)
BUILTIN_RULES = {V0.version: V0, V1.version: V1}


def thresholds_errors(thresholds: Sequence[Threshold]) -> list[str]:
    """Why a threshold table is unusable ([] when fine): bands ascending, the last one
    open, every zone known and zones never getting milder as counts grow."""
    errors: list[str] = []
    if not thresholds:
        return ["Tabel ambang kosong."]
    previous_max = -1
    previous_level = -1
    for i, band in enumerate(thresholds):
        if band.zone not in ZONE_LEVEL:
            errors.append(f"Zona tidak dikenal: {band.zone!r}.")
            continue
        last = i == len(thresholds) - 1
        if band.max is None and not last:
            errors.append("Hanya baris terakhir yang boleh tanpa batas atas.")
        if band.max is not None:
            if last:
                errors.append("Baris terakhir harus tanpa batas atas (max kosong).")
            if not isinstance(band.max, int) or band.max <= previous_max:
                errors.append("Batas atas harus bilangan bulat yang naik.")
            else:
                previous_max = band.max
        if ZONE_LEVEL[band.zone] < previous_level:
            errors.append("Zona tidak boleh menjadi lebih ringan saat angka naik.")
        previous_level = max(previous_level, ZONE_LEVEL[band.zone])
    return errors


def zone_for(count: int, thresholds: Sequence[Threshold]) -> str:
    if count < 0:
        raise ValueError("count must be >= 0")
    for band in thresholds:
        if band.max is None or count <= band.max:
            return band.zone
    return thresholds[-1].zone


def band_of(count: int, thresholds: Sequence[Threshold]) -> tuple[int, int | None]:
    """The (low, high) count range of the band `count` falls in (high None = open)."""
    low = 0
    for band in thresholds:
        if band.max is None or count <= band.max:
            return low, band.max
        low = band.max + 1
    return low, None


def _band_text(low: int, high: int | None) -> dict[str, str]:
    if high is None:
        return {"id": f"lebih dari {low - 1}", "en": f"more than {low - 1}"}
    if low == high:
        return {"id": f"{low}", "en": f"{low}"}
    return {"id": f"{low}–{high}", "en": f"{low}–{high}"}


def _rule_text(rule_name: str, version: str) -> dict[str, str]:
    return {
        "id": f"aturan {rule_name} ({version})",
        "en": f"rule {rule_name} ({version})",
    }


def explain_zone(
    *,
    zone: str,
    households: int,
    thresholds: Sequence[Threshold],
    rule_name: str,
    version: str,
) -> dict[str, str]:
    """ "merah: 7 rumah dengan kasus konfirmasi dalam 7 hari terakhir (lebih dari 5);
    aturan Inmendagri 7/2021 (v1)" — in id and en."""
    band = _band_text(*band_of(households, thresholds))
    rule = _rule_text(rule_name, version)
    en_house = "household" if households == 1 else "households"
    en_case = "a confirmed case" if households == 1 else "confirmed cases"
    return {
        "id": (
            f"{ZONE_LABELS[zone]['id']}: {households} rumah dengan kasus konfirmasi dalam "
            f"7 hari terakhir ({band['id']}); {rule['id']}"
        ),
        "en": (
            f"{ZONE_LABELS[zone]['en']}: {households} {en_house} with {en_case} in the "
            f"last 7 days ({band['en']}); {rule['en']}"
        ),
    }


@dataclass(frozen=True)
class Rollup:
    zone: str
    counts: dict[str, int]  # children per zone, every zone present
    children: int


def rollup(child_zones: Iterable[str], *, children_total: int | None = None) -> Rollup:
    """Roll-up rule: an area takes the most severe zone among its child areas.

    Children without figures for the day are hijau (nothing reported means no
    household with a confirmed case). `children_total` counts those children too.
    """
    counts = dict.fromkeys(ZONES, 0)
    seen = 0
    for zone in child_zones:
        counts[zone] += 1
        seen += 1
    total = max(children_total or 0, seen)
    counts["hijau"] += total - seen
    worst = max(
        (z for z in ZONES if counts[z]), key=ZONE_LEVEL.__getitem__, default="hijau"
    )
    return Rollup(zone=worst, counts=counts, children=total)


CHILD_KIND = {
    1: {"id": "kabupaten/kota", "en": "regencies/cities", "en_one": "regency/city"},
    2: {"id": "kecamatan", "en": "districts", "en_one": "district"},
    3: {"id": "kelurahan/desa", "en": "villages", "en_one": "village"},
}


def explain_rollup(
    *, result: Rollup, households: int, parent_level: int, rule_name: str, version: str
) -> dict[str, str]:
    """ "oranye: zona terberat dari 14 kelurahan/desa (1 oranye, 2 kuning, 11 hijau); …"."""
    kinds = CHILD_KIND[parent_level]
    rule = _rule_text(rule_name, version)
    order = [z for z in reversed(ZONES) if result.counts.get(z)]
    parts_id = ", ".join(f"{result.counts[z]} {ZONE_LABELS[z]['id']}" for z in order)
    parts_en = ", ".join(f"{result.counts[z]} {ZONE_LABELS[z]['en']}" for z in order)
    kind_en = kinds["en_one"] if result.children == 1 else kinds["en"]
    house_en = "household" if households == 1 else "households"
    case_en = "a confirmed case" if households == 1 else "confirmed cases"
    return {
        "id": (
            f"{ZONE_LABELS[result.zone]['id']}: zona terberat dari {result.children} "
            f"{kinds['id']} ({parts_id or 'tanpa data'}); {households} rumah dengan kasus "
            f"konfirmasi dalam 7 hari terakhir; {rule['id']}"
        ),
        "en": (
            f"{ZONE_LABELS[result.zone]['en']}: most severe zone of {result.children} "
            f"{kind_en} ({parts_en or 'no data'}); {households} {house_en} with "
            f"{case_en} in the last 7 days; {rule['en']}"
        ),
    }


# --- Names ------------------------------------------------------------------------------

# Words people put before a place name, with what they tell about the level / kind.
# The levels in English, as visitors and English pages name them: before the name
# ("City of Semarang") or, as English usually puts them, after it ("Tembalang
# District", "Semarang City").
_ENGLISH_LEVELS: tuple[tuple[str, dict], ...] = (
    ("sub district", {"level": 3}),
    ("subdistrict", {"level": 3}),
    ("district", {"level": 3}),
    ("village", {"level": 4}),
    ("city", {"kind": "kota"}),
    ("regency", {"kind": "kabupaten"}),
    ("province", {"level": 1}),
)
# Longest first so "kota administrasi" wins over "kota".
_PREFIXES: tuple[tuple[str, dict], ...] = (
    ("kabupaten administrasi", {"kind": "kabupaten"}),
    ("kota administrasi", {"kind": "kota"}),
    ("daerah khusus ibukota", {"level": 1}),
    ("daerah istimewa", {"level": 1}),
    ("kota adm", {"kind": "kota"}),
    ("kab adm", {"kind": "kabupaten"}),
    ("kabupaten", {"kind": "kabupaten"}),
    ("kotamadya", {"kind": "kota"}),
    ("kodya", {"kind": "kota"}),
    ("kota", {"kind": "kota"}),
    ("kab", {"kind": "kabupaten"}),
    ("kecamatan", {"level": 3}),
    ("kec", {"level": 3}),
    ("distrik", {"level": 3}),
    ("kelurahan", {"level": 4}),
    ("kel", {"level": 4}),
    ("desa", {"level": 4}),
    ("ds", {"level": 4}),
    ("provinsi", {"level": 1}),
    ("propinsi", {"level": 1}),
    ("prov", {"level": 1}),
    ("prop", {"level": 1}),
    ("dki", {"level": 1}),
    ("diy", {"level": 1}),
    ("city of", {"kind": "kota"}),
    ("regency of", {"kind": "kabupaten"}),
    ("province of", {"level": 1}),
    *_ENGLISH_LEVELS,
)
_PREFIX_RE = re.compile(
    r"^(?:" + "|".join(re.escape(p) for p, _ in _PREFIXES) + r")\b\s*"
)
_PREFIX_HINT = dict(_PREFIXES)
_SUFFIXES = _ENGLISH_LEVELS
_SUFFIX_RE = re.compile(
    r"\s+(?:" + "|".join(re.escape(p) for p, _ in _SUFFIXES) + r")$"
)
_SUFFIX_HINT = dict(_SUFFIXES)
_NOISE = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")

# Everyday names for a few places (key and value are normalised names).
ALIASES = {
    "jogja": "yogyakarta",
    "jogjakarta": "yogyakarta",
    "yogya": "yogyakarta",
    "jakpus": "jakarta pusat",
    "jakut": "jakarta utara",
    "jakbar": "jakarta barat",
    "jaksel": "jakarta selatan",
    "jaktim": "jakarta timur",
    "jabar": "jawa barat",
    "jateng": "jawa tengah",
    "jatim": "jawa timur",
    "sumut": "sumatera utara",
    "sumbar": "sumatera barat",
    "sumsel": "sumatera selatan",
    "kalbar": "kalimantan barat",
    "kalteng": "kalimantan tengah",
    "kalsel": "kalimantan selatan",
    "kaltim": "kalimantan timur",
    "kaltara": "kalimantan utara",
    "sulut": "sulawesi utara",
    "sulteng": "sulawesi tengah",
    "sulsel": "sulawesi selatan",
    "sultra": "sulawesi tenggara",
    "sulbar": "sulawesi barat",
    "ntb": "nusa tenggara barat",
    "ntt": "nusa tenggara timur",
    "kepri": "kepulauan riau",
    "babel": "kepulauan bangka belitung",
    # Provinces as English texts name them.
    "west java": "jawa barat",
    "central java": "jawa tengah",
    "east java": "jawa timur",
    "north sumatra": "sumatera utara",
    "west sumatra": "sumatera barat",
    "south sumatra": "sumatera selatan",
    "west kalimantan": "kalimantan barat",
    "central kalimantan": "kalimantan tengah",
    "south kalimantan": "kalimantan selatan",
    "east kalimantan": "kalimantan timur",
    "north kalimantan": "kalimantan utara",
    "north sulawesi": "sulawesi utara",
    "central sulawesi": "sulawesi tengah",
    "south sulawesi": "sulawesi selatan",
    "southeast sulawesi": "sulawesi tenggara",
    "west sulawesi": "sulawesi barat",
    "west nusa tenggara": "nusa tenggara barat",
    "east nusa tenggara": "nusa tenggara timur",
    "north maluku": "maluku utara",
    "riau islands": "kepulauan riau",
    "bangka belitung islands": "kepulauan bangka belitung",
    "special region of yogyakarta": "yogyakarta",
}


def fold(text: str) -> str:
    """Lower case, accents off, punctuation to spaces, single spaces."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("'", "").replace("`", "")
    return _SPACES.sub(" ", _NOISE.sub(" ", text)).strip()


@dataclass(frozen=True)
class NameQuery:
    text: str  # folded, prefixes removed: "semarang tengah"
    compact: str  # without spaces: "semarangtengah"
    level: int | None = None
    kind: str | None = None
    full_compact: str = ""  # folded with the prefixes kept: "kotabaru"


def strip_prefixes(folded: str) -> tuple[str, dict]:
    hint: dict = {}
    while True:
        match = _PREFIX_RE.match(folded)
        if not match:
            break
        rest = folded[match.end() :].strip()
        if not rest:  # "Kota" alone is a name query, not a prefix
            break
        word = match.group(0).strip()
        for key, value in _PREFIX_HINT.get(word, {}).items():
            hint.setdefault(key, value)
        folded = rest
    return folded, hint


# Prefixes people glue to the name ("kotadepok", "kecamatantembalang", "kabsemarang"),
# longest first. Short ones that begin real names ("kel" in "kelapa", "ds") are left
# out; names that start with one of these ("Kotabaru") still match as typed.
_GLUED_PREFIXES = (
    "kabupaten",
    "kotamadya",
    "kecamatan",
    "kelurahan",
    "provinsi",
    "propinsi",
    "kota",
    "kab",
    "kec",
    "desa",
    "prov",
)


def strip_glued_prefix(compact: str) -> tuple[str, dict] | None:
    """ "kotadepok" -> ("depok", {"kind": "kota"}); None without a glued prefix."""
    for prefix in _GLUED_PREFIXES:
        if compact.startswith(prefix) and len(compact) - len(prefix) >= 3:
            return compact[len(prefix) :], _PREFIX_HINT[prefix]
    return None


def strip_suffixes(folded: str) -> tuple[str, dict]:
    """ "semarang city" -> ("semarang", {"kind": "kota"}); a level word alone stays."""
    hint: dict = {}
    while match := _SUFFIX_RE.search(folded):
        for key, value in _SUFFIX_HINT[match.group(0).strip()].items():
            hint.setdefault(key, value)
        folded = folded[: match.start()].strip()
    return folded, hint


def parse_name_query(raw: str) -> NameQuery:
    """ "Kec. Tembalang" -> text "tembalang", level 3; "kota smrang" -> kind "kota";
    the English level words too, before or after the name ("tembalang district",
    "semarang city", "city of semarang")."""
    full = fold(raw)
    folded, hint = strip_prefixes(full)
    folded, after = strip_suffixes(folded)
    for key, value in after.items():
        hint.setdefault(key, value)
    folded = ALIASES.get(folded, folded)
    kind = hint.get("kind")
    level = hint.get("level") or (2 if kind else None)
    return NameQuery(
        text=folded,
        compact=folded.replace(" ", ""),
        level=level,
        kind=kind,
        full_compact=full.replace(" ", ""),
    )


def name_key(name: str, level: int) -> str:
    """The searchable key of an official region name: "Kota Administrasi Jakarta Pusat"
    -> "jakarta pusat"; "Daerah Istimewa Yogyakarta" -> "yogyakarta". Only provinces
    and regencies carry such prefixes; "Kota Baru" the kecamatan keeps its name."""
    folded = fold(name)
    if level <= 2:
        folded, _ = strip_prefixes(folded)
    return folded


_CODE_RE = re.compile(r"^\d{2}(?:\.?\d{2}(?:\.?\d{2}(?:\.?\d{4})?)?)?$")


def parse_code(raw: str) -> str | None:
    """ "337410" / "33.74.10" / "33 74 10" -> "33.74.10"; None when it is not a code."""
    cleaned = re.sub(r"[\s\-]", "", raw or "")
    if not _CODE_RE.match(cleaned):
        return None
    digits = cleaned.replace(".", "")
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(p for p in parts if p)


def parent_codes(code: str) -> list[str]:
    """Ancestors of a code, nearest first: "33.74.10.1001" -> ["33.74.10", "33.74", "33"]."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)]


def code_within(code: str, root: str) -> bool:
    """Whether `code` is `root` or lies below it: "33.74.10" is within "33.74", not
    within "33.7" or "33.74.1"."""
    return code == root or code.startswith(root + ".")


def level_of(code: str) -> int:
    return code.count(".") + 1


# --- Small numbers ----------------------------------------------------------------------------

SMALL_COUNT_BELOW = 5
SUPPRESSED = "<5"  # a count of 1-4 (primary suppression)
SUPPRESSED_COMPLEMENT = "≥5"  # a count of 5 or more, hidden so a "<5" can't be derived
SUPPRESSED_MARKERS = (SUPPRESSED, SUPPRESSED_COMPLEMENT)
NATIONAL = ""  # the cell of Indonesia's total (the sum of the provinces)
# Figures that are the sum of others in the same row: hiding one part means the
# total or another part must be hidden too.
ROW_IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("isolating", ("active_confirmed", "suspect", "probable")),
)


def parent_code(code: str) -> str | None:
    """ "33.74.06.1001" -> "33.74.06"; a province -> NATIONAL; NATIONAL -> None."""
    if code == NATIONAL:
        return None
    return code.rsplit(".", 1)[0] if "." in code else NATIONAL


def public_count(value: int, *, level: int, enabled: bool) -> int | str:
    """A count as the public may see it on its own: 1-4 become "<5" at every level
    when suppression is on (a zero reveals no one and stays 0). Complementary
    suppression (`suppression_cells`) may hide more cells of a day."""
    if enabled and 0 < value < SMALL_COUNT_BELOW:
        return SUPPRESSED
    return value


def public_counts(values: Mapping[str, int], *, level: int, enabled: bool) -> dict:
    return {
        name: public_count(v, level=level, enabled=enabled)
        for name, v in values.items()
    }


Cell = tuple[str, str]  # (area code, figure)


def _top_of_small(hidden: list[int], marks: list[str]) -> int:
    """The highest value a hidden "<5" can take for an outsider who knows the hidden
    cells' sum (the total minus the published parts), that every other "<5" is at
    least 1 and every "≥5" at least 5."""
    small = marks.count(SUPPRESSED)
    return sum(hidden) - (small - 1) - SMALL_COUNT_BELOW * (len(marks) - small)


def _group_safe(hidden: list[int], marks: list[str]) -> bool:
    """Whether the hidden parts of a group whose total is published leave each "<5"
    its whole range 1-4, and no "≥5" alone (it would be the total minus the rest)."""
    small = marks.count(SUPPRESSED)
    large = len(marks) - small
    if small == 0:
        return large != 1
    if _top_of_small(hidden, marks) < SMALL_COUNT_BELOW - 1:
        return False
    # Without a "≥5" beside them, the "<5" cells' sum also bounds each from below.
    lowest = sum(hidden) - (SMALL_COUNT_BELOW - 1) * (small - 1)
    return large > 0 or lowest <= 1


def suppression_cells(
    values: Mapping[str, Mapping[str, int]],
    *,
    figures: Sequence[str],
    identities: Sequence[tuple[str, Sequence[str]]] = ROW_IDENTITIES,
) -> dict[Cell, str]:
    """The cells of one day to hide, with their marker: primary suppression (1-4 at
    every level, "<5") and complementary suppression ("≥5").

    `values`: area code -> figure -> count for every area with figures that day, and
    NATIONAL for the country. Every parent is the sum of its children, and each of
    `identities` (total, parts) holds within a row; each such equation is a group.
    Greedy, as statistical offices do it by hand (hierarchical secondary
    suppression): until no group changes, a group whose total is published must
    leave each hidden "<5" its whole range 1-4 (else hide its smallest published
    non-zero part large enough to restore it, or the largest; with none, or in a
    row's identity, hide the total), and a group whose total is hidden must hide at least one non-zero part
    (else the total is the sum of the parts). Zeros are never hidden. Deterministic:
    the same day gives the same cells on every surface."""
    marks: dict[Cell, str] = {}
    for code, row in values.items():
        for f in figures:
            if 0 < row.get(f, 0) < SMALL_COUNT_BELOW:
                marks[(code, f)] = SUPPRESSED
    # (total, parts, hide the total first): a row's identity hides its total (the
    # headline figures stay), a parent keeps its figure and hides a child instead.
    groups: list[tuple[Cell, list[Cell], bool]] = []
    children: dict[str, list[str]] = {}
    for code in sorted(values):
        parent = parent_code(code)
        if parent is not None and parent in values:
            children.setdefault(parent, []).append(code)
    for parent, kids in children.items():
        for f in figures:
            groups.append(((parent, f), [(k, f) for k in kids], False))
    for code in sorted(values):
        for total, parts in identities:
            if total in figures and all(p in figures for p in parts):
                groups.append(((code, total), [(code, p) for p in parts], True))

    def value(cell: Cell) -> int:
        return values[cell[0]].get(cell[1], 0)

    def hide(cell: Cell) -> None:
        marks[cell] = SUPPRESSED_COMPLEMENT  # non-zero and not 1-4: 5 or more

    changed = True
    while changed:
        changed = False
        for total, parts, total_first in groups:
            hidden = [p for p in parts if p in marks]
            shown = sorted(
                (p for p in parts if p not in marks and value(p) > 0),
                key=lambda p: (value(p), p),
            )
            if total in marks:
                if not hidden and shown:
                    hide(shown[0])
                    changed = True
                continue
            values_hidden = [value(p) for p in hidden]
            marks_hidden = [marks[p] for p in hidden]
            if not hidden or _group_safe(values_hidden, marks_hidden):
                continue
            pick = shown[0] if shown else None
            if total_first:
                pick = None
            elif SUPPRESSED in marks_hidden:
                # Each part added as "≥5" raises the top of a "<5" by value - 5.
                need = (
                    SMALL_COUNT_BELOW - 1 - _top_of_small(values_hidden, marks_hidden)
                )
                big_enough = [p for p in shown if value(p) - SMALL_COUNT_BELOW >= need]
                pick = big_enough[0] if big_enough else (shown[-1] if shown else None)
            hide(pick if pick is not None else total)
            changed = True
    return marks


def published(figures: Mapping[str, int], marks: Mapping[str, str]) -> dict:
    """An area's figures with its hidden cells (figure -> marker) replaced."""
    return {name: marks.get(name, v) for name, v in figures.items()}


HIDDEN_HOUSEHOLDS = {
    SUPPRESSED: {"id": "kurang dari 5", "en": "fewer than 5"},
    SUPPRESSED_COMPLEMENT: {"id": "5 atau lebih", "en": "5 or more"},
}
# The count range each marker stands for (high None = open).
HIDDEN_RANGE = {
    SUPPRESSED: (1, SMALL_COUNT_BELOW - 1),
    SUPPRESSED_COMPLEMENT: (5, None),
}
# The zone's band as explain_zone writes it: " (lebih dari 5)", " (3–5)", " (4)".
_BAND_RE = {
    "id": re.compile(
        r" \((?:lebih dari (?P<more>\d+)|(?P<low>\d+)(?:–(?P<high>\d+))?)\)"
    ),
    "en": re.compile(
        r" \((?:more than (?P<more>\d+)|(?P<low>\d+)(?:–(?P<high>\d+))?)\)"
    ),
}


def _band_in(text: str, lang: str) -> tuple[re.Match, int, int | None] | None:
    match = _BAND_RE.get(lang, _BAND_RE["en"]).search(text)
    if match is None:
        return None
    if match["more"] is not None:
        return match, int(match["more"]) + 1, None
    low = int(match["low"])
    return match, low, int(match["high"]) if match["high"] else low


def _hidden_words(
    marker: str, band: tuple[int, int | None] | None
) -> tuple[dict[str, str], bool]:
    """How a hidden count reads next to its zone's band, and whether the band's own
    parenthesis goes (it would say the same).

    "<5" reads "kurang dari 5 rumah … (3–5)". A "≥5" (a count hidden so that a
    "<5" cannot be derived) is said as the range the marker and the band both
    allow: in a "more than 5" band that is "more than 5", not "5 or more (more
    than 5)", which reads as a contradiction. Never one number: where that range
    is one (5 in a 3–5 band), the band is said instead, true and no more precise."""
    words = HIDDEN_HOUSEHOLDS[marker]
    if band is None or marker == SUPPRESSED:
        return words, False
    band_low, band_high = band
    low = max(SMALL_COUNT_BELOW, band_low)
    if band_high is not None and band_high <= low:
        return _band_text(band_low, band_high), True
    return _band_text(low, band_high), (low, band_high) == (band_low, band_high)


def redact_explanation(
    explanation: Mapping[str, str], *, households: int, marker: str
) -> dict[str, str]:
    """A stored zone explanation ("oranye: 4 rumah dengan kasus …") with its hidden
    household count replaced by a range ("oranye: kurang dari 5 rumah … (3–5)",
    "merah: lebih dari 5 rumah …"); the zone and the rule stay."""
    out = {}
    for lang, text in explanation.items():
        text = text or ""
        key = lang if lang in ("id", "en") else "en"
        found = _band_in(text, key)
        words, drop_band = _hidden_words(marker, found[1:] if found else None)
        if drop_band:
            text = text[: found[0].start()] + text[found[0].end() :]
        if key == "id":
            pattern = rf"(?<=[:;] ){households} (?=rumah\b)"
            replacement = f"{words['id']} "
        else:
            pattern = (
                rf"(?<=[:;] ){households} households? with "
                r"(?:a confirmed case|confirmed cases)"
            )
            replacement = f"{words['en']} households with confirmed cases"
        out[lang] = re.sub(pattern, replacement, text)
    return out


def descendant_range(code: str) -> tuple[str, str]:
    """Codes strictly inside `code` sort in [code + ".", code + "/"): a range an index
    (or a foreign key column) answers, unlike LIKE on a key."""
    return code + ".", code + "/"
