"""Danger signs reported in a message: someone needs 119 or the emergency room now.

Pure: no Django, no settings. Session 27 (an outside tester's "I can't breathe, what
should I do" got "Did you mean" and "my father is 70 and his oxygen is 88" the
hotline's number for information): a message that *reports* a danger sign of the
starter set's danger-sign answer (breathlessness, chest pain or tightness, blue lips
or face, oxygen saturation under 95 written as a number, confusion or being hard to
wake, fainting or unconsciousness, a seizure) is an emergency, in English or
Indonesian. Reports, not subjects: a sign counts with someone it happens to ("I",
"my father", "anak saya", "he") or a call for help ("what should I do", "tolong",
"harus gimana"), or with a reading ("oxygen is 88"); a general question ("is
shortness of breath a symptom?"), a past or lasting complaint ("a month after
covid", "sering sesak") and a forward's claim are none.

Read from the words as written (slang expanded) and after the lexicon's synonyms,
so that "sesek", "ngos-ngosan" and "breathless" are read as "sesak napas" too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .normalise import Analysis

# One pattern per sign, over the words joined by single spaces (either reading).
_GAP = r"(?: \w+){0,2}"  # up to two words between ("dada saya nyeri", "lips look blue")
_SIGNS: dict[str, re.Pattern[str]] = {
    "breathing": re.compile(
        r"\b(?:sesak(?: napas| nafas)?|sesek|ngos ngosan|susah (?:ber)?na[pf]as"
        r"|sulit (?:ber)?na[pf]as|(?:tidak|ga|gak|nggak|enggak) bisa (?:ber)?na[pf]as"
        r"|na[pf]as (?:berat|cepat|tersengal|tersengal sengal|pendek)"
        r"|tidak bernapas|can ?not breathe|could not breathe|unable to breathe"
        r"|(?:hard|difficult) to breathe|(?:difficulty|trouble|struggling) breathing"
        r"|struggling to breathe|short(?:ness)? of breath|out of breath"
        r"|breathless(?:ness)?|not breathing|gasping)\b"
    ),
    "chest": re.compile(
        r"\b(?:nyeri dada|sakit dada|dada" + _GAP + r" (?:nyeri|sakit|sesak|berat"
        r"|tertekan|terhimpit|ketat)|chest (?:pain|pains|tightness|pressure)"
        r"|tight chest|chest" + _GAP + r" (?:hurts|hurting|tight|heavy|pain))\b"
    ),
    "blue": re.compile(
        r"\b(?:(?:bibir|wajah|muka|kuku|lips?|face)" + _GAP + r" (?:biru|kebiruan"
        r"|blue|bluish|grey|gray)|(?:biru|kebiruan|blue|bluish) (?:bibir|wajah"
        r"|muka|lips?|face))\b"
    ),
    "confusion": re.compile(
        r"\b(?:linglung|disorientasi|(?:sulit|susah) dibangunkan|tidak bisa"
        r" dibangunkan|disoriented|drowsy|(?:hard|difficult) to wake"
        r"|(?:can not|will not|wont) wake(?: up)?|(?:is|are|was|seems?|looks?|very"
        r"|sangat|jadi|menjadi|tampak|terlihat|sedang) (?:bingung|confused))\b"
    ),
    "unconscious": re.compile(
        r"\b(?:pingsan|tidak sadar(?!kan)(?! (?:kalau|kalo|klo|bahwa|jika|sudah))"
        r"|tak sadarkan diri|tidak sadarkan diri|fainted|unconscious|passed out"
        r"|collapsed|unresponsive)\b"
    ),
    "seizure": re.compile(r"\b(?:kejang|seizure|seizures|convulsion|convulsions)\b"),
}
# An oxygen reading: the word, up to three words, then a number.
_OXYGEN_READING = re.compile(
    r"\b(?:saturasi|oksigen|oxygen|saturation|spo2|sats|sat|o2)(?: \w+){0,3}? (\d{2})\b"
    r"(?! (?:tahun|thn|th|year|years|yo|kg|liter|liters|litre|lpm|menit|minutes|ribu|rb))"
)
# Under this an oxygen saturation needs the emergency room (the starter answer's 95 %).
LOW_OXYGEN = 95
LOWEST_READING = 50  # below, a count of something else ("oksigen 2 liter")

# Someone the sign happens to, or a call for help.
_PEOPLE = frozenset(
    """i im me my mine we our us he she his her him they their
    mom mum mother dad father son daughter kid kids child baby toddler husband wife
    grandma grandpa grandmother grandfather granny brother sister friend neighbour
    neighbor someone somebody patient
    saya aku ku gue gw sy kami kita dia beliau ibu bapak ayah mama papa anak bayi
    balita suami istri nenek kakek adik kakak ortu teman tetangga pasien orang
    mertua keluarga""".split()
)
_HELP = (
    re.compile(
        r"\b(?:help|tolong|darurat|emergency|what should (?:i|we) do|what do (?:i|we)"
        r" do|what now|right now|harus (?:gimana|bagaimana|apa|ngapain)"
        r"|gimana ini|sekarang)\b"
    ),
)
# A general question about a sign, not a report of one.
_GENERAL = re.compile(
    r"\b(?:(?:is|are) (?:\w+ ){1,4}(?:a |an )?(?:symptom|symptoms|sign|signs)"
    r"|can (?:covid|it|\w+) cause|(?:apakah|apa) (?:\w+ ){1,4}(?:termasuk |itu )?gejala"
    r"|gejala (?:\w+ ){0,2}(?:apa|apakah))\b"
)
# A past or lasting complaint: another answer (long COVID, a clinic) fits it better.
_NOT_NOW = frozenset(
    """month months year years bulan sebulan tahun setahun sembuh recovered
    recovering tiap every often sering kadang sometimes dulu childhood had pernah
    """.split()
)


def _joined(words: Iterable[str]) -> str:
    return " ".join(words)


def signs_named(analysis: Analysis) -> frozenset[str]:
    """The danger signs a text names, whoever has them (an answer, a question)."""
    found = set()
    for text in (_joined(analysis.written), _joined(analysis.words)):
        found.update(name for name, rx in _SIGNS.items() if rx.search(text))
        if re.search(r"\b(?:saturasi|oksigen|oxygen|saturation|spo2)\b", text):
            found.add("oxygen")
    return frozenset(found)


def low_oxygen_reading(analysis: Analysis) -> bool:
    """Whether the text gives an oxygen saturation under 95 as a number."""
    for text in (_joined(analysis.written), _joined(analysis.words)):
        for m in _OXYGEN_READING.finditer(text):
            if LOWEST_READING <= int(m.group(1)) < LOW_OXYGEN:
                return True
    return False


# Words a bare report is made of besides its signs and whom they happen to.
_FILLER = frozenset(
    """have has having had feel feels feeling felt now right very really so please
    dok dokter doc min kak pak bu sekali sangat banget bgt lagi sedang tiba tiba
    suddenly since today tonight morning pagi malam hari ini sejak""".split()
)


def words_beside_signs(analysis: Analysis) -> tuple[str, ...]:
    """The content words a message has besides its danger signs, whom they happen
    to and a call for help: what tells a bare report ("I am short of breath") from
    a message on a subject of its own ("orang pingsan boleh dikasih minum teh
    manis?")."""
    words = list(analysis.words)
    text = _joined(words)
    covered = [False] * len(text)
    for rx in (*_SIGNS.values(), *_HELP):
        for m in rx.finditer(text):
            covered[m.start() : m.end()] = [True] * (m.end() - m.start())
    content = set(analysis.content)
    beside, at = [], 0
    for w in words:
        inside = any(covered[at : at + len(w)])
        at += len(w) + 1
        if inside or w not in content or w in _PEOPLE or w in _FILLER:
            continue
        if not w.isdigit():
            beside.append(w)
    return tuple(beside)


def reports_emergency(analysis: Analysis) -> bool:
    """Whether a message reports a danger sign happening to someone now."""
    if low_oxygen_reading(analysis):
        return True
    signs = signs_named(analysis) - {"oxygen"}
    if not signs:
        return False
    written = set(analysis.written) | set(analysis.words)
    if written & _NOT_NOW:
        return False
    text = _joined(analysis.written)
    if _GENERAL.search(text) and not (written & _PEOPLE - {"orang"}):
        return False
    return bool(written & _PEOPLE) or any(rx.search(text) for rx in _HELP)
