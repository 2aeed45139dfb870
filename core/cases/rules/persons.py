"""One person across sources: the matching key of a name, keyed hashes of NIK and of
name + birth date + kelurahan, the household key."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import re
import unicodedata

_HONORIFICS = {
    "h", "hj", "haji", "hajjah", "dr", "drg", "drs", "dra", "ir", "prof", "bpk",
    "bapak", "pak", "ibu", "bu", "sdr", "sdri", "saudara", "saudari", "tn", "tuan",
    "ny", "nyonya", "nn", "nona", "an", "anak", "alm", "almh", "ns", "mr", "mrs",
    "ms", "kh", "ust", "ustadz", "ustazah",
}  # fmt: skip
_MUHAMMAD = {
    "m", "mhd", "moh", "mohd", "muh", "mochamad", "mochammad", "mohamad", "mohammad",
    "mohamed", "muhamad", "muhammad", "muhammed", "mukhamad", "mukhammad",
}  # fmt: skip
# Van Ophuijsen / Soewandi spellings still on ID cards, folded to EYD.
_OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("sj", "sy"), ("nj", "ny"))
_NON_LETTER = re.compile(r"[^a-z ]+")
_REPEATS = re.compile(r"(.)\1+")


@functools.lru_cache(maxsize=100_000)  # imports repeat the same names many times
def normalise_person_name(name: str) -> str:
    """Matching key of a person's name: "Hj. Siti Choirunnisa, S.Kom" and
    "SITI KHOIRUNISA" both give "siti hoirunisa".

    Degrees after a comma and honorifics go, old spellings fold to EYD, kh/ch to h,
    doubled letters to one and the many ways to write Muhammad to one."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.split(",")[0]
    text = _NON_LETTER.sub(" ", text.replace("'", ""))
    tokens = text.split()
    while len(tokens) > 1 and tokens[0] in _HONORIFICS:
        tokens = tokens[1:]
    out = []
    for i, token in enumerate(tokens):
        if token in _MUHAMMAD and (token != "m" or (i == 0 and len(tokens) > 1)):
            out.append("muhamad")
            continue
        if any(digraph in token for digraph, _ in _OLD_SPELLING):
            # An old-spelled name: its j is today's y ("Tjahjono" = "Cahyono"), but
            # the j that dj became stays j ("Djoko" = "Joko").
            for digraph, new in _OLD_SPELLING:
                token = token.replace(digraph, new.upper())
            token = token.replace("j", "y").lower()
        token = token.replace("kh", "h").replace("ch", "h")
        out.append(_REPEATS.sub(r"\1", token))
    return " ".join(out)


def person_keys(
    *,
    nik: str | None,
    name_key: str,
    birth_date: dt.date | None,
    kelurahan_code: str,
    secret: bytes,
) -> tuple[str | None, str | None]:
    """(NIK key, name key) for matching one person across sources. Both are keyed
    hashes, so the registry holds no NIK and matching needs the secret."""
    nik_key = None
    if nik:
        nik_key = "nik:" + hmac.new(secret, nik.encode(), hashlib.sha256).hexdigest()
    name_match = None
    if name_key and birth_date:
        raw = f"{name_key}|{birth_date.isoformat()}|{kelurahan_code}"
        name_match = (
            "name:" + hmac.new(secret, raw.encode(), hashlib.sha256).hexdigest()
        )
    return nik_key, name_match


def household_key(*, kelurahan_code: str, household_id: str, case_ref: str) -> str:
    """Households are counted per kelurahan by the source's household id; a person
    without one is a household of their own."""
    hid = re.sub(r"\s+", "", household_id or "").upper()
    return f"{kelurahan_code}:{hid}" if hid else f"case:{case_ref}"


__all__ = [
    "household_key",
    "normalise_person_name",
    "person_keys",
]
