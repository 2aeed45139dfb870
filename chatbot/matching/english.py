"""English words read as their Indonesian equivalent (issue 17, session 28).

Residents write in English to a knowledge base that is mostly Indonesian ("lower back
hurts after lifting something heavy", "how many hours of tablet a day is ok for my 3
year old"); the lexicon (`lexicon.SYNONYMS`) reads the health words it was written
for, and left the everyday ones (hurt, lift, heavy, hour, day, year) as English that
no Indonesian entry holds. `chatbot/data/english_id.json` is a general dictionary:
wordfreq's 6,413 most frequent English words that are not Indonesian too, those with
one clear everyday Indonesian equivalent given it (about 4,600), and some 900 words
and phrases of lay and medical health vocabulary, all written from general knowledge,
never from an evaluation item. The lexicon's own readings come first; a word that is
also Indonesian ("sore", "data") or a loanword chat uses in its own sense ("booking")
is never read as English; a single word's regular plural reads as it does, and a
base the dictionary lists only inflected ("lifted") as well.

Kept apart from `lexicon.SYNONYMS`: the lexicon's keys also steer spelling
correction and language detection, which a dictionary of thousands of English words
must not.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DICTIONARY = Path(__file__).resolve().parent.parent / "data" / "english_id.json"

_VOWELS = frozenset("aeiou")

# English words Indonesian chat uses as its own, in their own sense ("booking
# poli", "daftar online", "shift malam"), or spells a word of its own with
# ("males", lazy): never read through the dictionary.
LOANWORDS = frozenset(
    """booking online offline update download upload login logout email chat
    share link posting story status shift form resign males""".split()
)


def inflections(word: str) -> set[str]:
    """The regular plural (and third person) of a base word: "lump" -> lumps,
    "rash" -> rashes, "worry" -> worries, "cause" -> causes. Past and gerund are
    left to the dictionary itself: made from a noun they would read as another
    word ("boiled" water is no boil, bisul). None for a word that looks inflected
    already ("bleeding", "lifted", "lumps")."""
    if not word.isalpha() or len(word) < 3 or word.endswith(("ing", "ed")):
        return set()
    if word.endswith(("ss", "x", "z", "ch", "sh")):
        return {word + "es"}
    if word.endswith("s"):
        return set()
    if word.endswith("y") and word[-2] not in _VOWELS:
        return {word[:-1] + "ies"}
    return {word + "s"}


def bases(word: str) -> list[str]:
    """The base words a regularly inflected word may come from ("lifted" -> lift,
    lifte; "causing" -> caus, cause; "stopped" -> stopp, stoppe, stop; "worries"
    -> worry; "lumps" -> lump), for the dictionary to read a base it lists only
    inflected. The caller keeps the commonest English word among them."""
    if not word.isalpha() or len(word) < 5:
        return []
    if word.endswith(("ies", "ied")):
        return [word[:-3] + "y"]
    for ending in ("ing", "ed"):
        if word.endswith(ending):
            stem = word[: -len(ending)]
            doubled = [stem[:-1]] if stem[-1] == stem[-2] else []
            return [stem, stem + "e", *doubled]
    if word.endswith("s") and not word.endswith("ss"):
        return [word[:-1]]
    return []


@lru_cache(maxsize=1)
def english_pairs() -> tuple[tuple[str, str], ...]:
    """(English word or phrase, its Indonesian reading) for the phrase table, the
    lexicon's own keys and Indonesian words left out, inflections added."""
    from wordfreq import zipf_frequency

    from .everyday import LISTED_ZIPF, listed, word_language
    from .lexicon import SLANG, SYNONYMS
    from .normalise import (
        _lexicon_readings,
        indonesian_roots,
    )

    roots = indonesian_roots()

    def indonesian(word: str) -> bool:
        # A word of the Indonesian dictionary, or one everyday use says is
        # Indonesian. An English inflection of a loan root stays English ("babies",
        # "hospitals", "lifted").
        return word in roots or word_language(word) == "id"

    entries = json.loads(DICTIONARY.read_text("utf-8"))
    # The lexicon's keys, and the words it reads others as ("covid", "swab"):
    # already the knowledge base's own.
    taken = set(SYNONYMS) | set(SLANG) | _lexicon_readings() | LOANWORDS
    pairs: dict[str, str] = {}
    for english, reading in entries.items():
        words = english.split()
        if english in taken or (len(words) == 1 and indonesian(english)):
            continue
        pairs[english] = reading
    # A base the dictionary lists only inflected ("lifted"): the base as well, the
    # commonest English word of the candidates ("named": name, never "nam").
    for english, reading in list(pairs.items()):
        candidates = [
            base
            for base in bases(english)
            if len(base) >= 3 and zipf_frequency(base, "en") >= LISTED_ZIPF
        ]
        if not candidates:
            continue
        base = max(candidates, key=lambda b: zipf_frequency(b, "en"))
        if base not in pairs and base not in taken and not indonesian(base):
            pairs[base] = reading
    for english, reading in list(pairs.items()):
        if " " in english:
            continue
        for form in inflections(english):
            if (
                form not in pairs
                and form not in taken
                and listed(form)  # in use: "lumps", never "horribles"
                and not indonesian(form)
            ):
                pairs[form] = reading
    return tuple(sorted(pairs.items()))
