"""What a message asks the bot to do rather than to answer: find a hospital with
free beds (the chat's "Cari rumah sakit" flow, `GET /api/v1/facilities/beds`).

Pure: no Django, no settings. Session 27 (an outside tester's "Where is the nearest
hospital with ICU beds?" was offered test and hotline entries).
"""

from __future__ import annotations

import re

from .normalise import Analysis

_HOSPITAL = r"(?:rumah sakit|rs|rsud|hospital|hospitals|igd)"
_BED = (
    r"(?:kamar|bed|beds|tempat tidur|ruang|ruangan|icu|hcu|nicu|picu"
    r"|isolasi|ventilator)"
)
_BEDS_RE = re.compile(
    rf"\b(?:{_HOSPITAL} (?:\w+ )?(?:terdekat|paling dekat|dekat sini|dekat rumah)"
    rf"|(?:nearest|closest|nearby) {_HOSPITAL}|{_HOSPITAL} (?:near me|nearby|near here)"
    rf"|{_BED}(?: \w+){{0,2}} (?:kosong|tersedia|available|free|vacant|open)"
    r"|(?:kosong|available|free|vacant|open) (?:icu |hcu |isolation |hospital )?"
    r"(?:bed|beds)"
    r"|(?:icu|hcu|hospital|isolation) (?:bed|beds)|(?:bed|beds) (?:icu|hcu)"
    r"|cari (?:rumah sakit|rs)|find a hospital|bed availability|ketersediaan"
    r" (?:kamar|tempat tidur|bed))\b"
)


def asks_for_beds(analysis: Analysis) -> bool:
    """Whether a message asks for the nearest hospital or one with free beds ("rumah
    sakit terdekat", "kamar ICU kosong", "nearest hospital", "ICU beds")."""
    return any(
        _BEDS_RE.search(" ".join(words)) for words in (analysis.written, analysis.words)
    )
