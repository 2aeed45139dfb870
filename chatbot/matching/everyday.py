"""How common a word is in everyday Indonesian and English, from wordfreq's word
lists (Wikipedia, subtitles, news, web text, social media; frequencies as of 2021).

Issue 17, session 21: a question that shares a word rare in everyday language with an
entry ("tawon", "mimisan", "pikun", "swab") is about that entry's subject, however low
the entry scores; one that shares only everyday words ("jam", "paket", "skor",
"minggu") may be about anything. The FAQ offers the former as suggestions rather than
leave the resident at a dead end (see `FaqIndex.sharing_rare_words`).
"""

from __future__ import annotations

from functools import lru_cache

# A word used at least 10 ** (EVERYDAY_ZIPF - 9) of the time (Zipf 4.3: about 20 per
# million words) in either language is everyday. Chosen on the development material
# only: every bar from 4.0 to 4.5 gives the same dev figures (10 more dev questions
# shown their entry, none of eval_set's ordinary messages given suggestions).
EVERYDAY_ZIPF = 4.3
LANGUAGES = ("id", "en")


def _words_from(zipf: float) -> frozenset[str]:
    """The words at Zipf `zipf` or more in either language. Read with `read_cBpack`,
    not `get_frequency_dict`: that one caches the whole lists (60,000 words with
    their frequencies, about 9 MB a process) for good."""
    from wordfreq import available_languages, read_cBpack

    files = available_languages("small")  # every word down to Zipf 3
    # A cBpack's i-th list holds the words at -i centibels: frequency 10 ** (-i / 100),
    # i.e. Zipf 9 - i / 100 (see read_cBpack).
    last = round((9 - zipf) * 100)
    return frozenset(
        word
        for language in LANGUAGES
        for bucket in read_cBpack(files[language])[: last + 1]
        for word in bucket
    )


@lru_cache(maxsize=1)
def _everyday_words() -> frozenset[str]:
    """The words over the everyday bar in either language (some 8,400)."""
    return _words_from(EVERYDAY_ZIPF)


def load() -> None:
    """Read the word lists now (about 0.5 s) rather than on the first message."""
    _everyday_words()
    _language_words()
    _listed_words()


def everyday(word: str) -> bool:
    """Whether `word` (lower case, as the normaliser writes it) is common in everyday
    Indonesian or English. Numbers always are."""
    return not word or word.isdigit() or word in _everyday_words()


# A word used at least this often (Zipf 3: once a million words) in either language
# is a word of its own, never another's spelling ("slot" is no "selot", "palm" no
# "palem", "saklar" is how the switch is written).
LISTED_ZIPF = 3.0


@lru_cache(maxsize=1)
def _listed_words() -> frozenset[str]:
    return _words_from(LISTED_ZIPF)


def listed(word: str) -> bool:
    """Whether `word` is in use in Indonesian or English text (Zipf 3 or more)."""
    return word in _listed_words()


# A word whose Zipf frequency in one language is at least LANGUAGE_ZIPF and this much
# above its frequency in the other belongs to that language ("hospital" is English,
# "jakarta", "fitur" Indonesian, "covid", "booster" neither).
LANGUAGE_ZIPF = 3.0
LANGUAGE_LEAD = 1.0


@lru_cache(maxsize=1)
def _language_words() -> dict[str, frozenset[str]]:
    """Per language, the words clearly of it (some 20,000 each; the frequency lists
    themselves are dropped once read)."""
    from wordfreq import available_languages, read_cBpack

    files = available_languages("small")
    zipf: dict[str, dict[str, float]] = {}
    for language in LANGUAGES:
        found = zipf[language] = {}
        for i, bucket in enumerate(read_cBpack(files[language])):
            level = 9 - i / 100
            if level < LANGUAGE_ZIPF:
                break
            for word in bucket:
                found.setdefault(word, level)
    out = {}
    for language in LANGUAGES:
        other = next(lang for lang in LANGUAGES if lang != language)
        theirs = zipf[other]
        out[language] = frozenset(
            w
            for w, level in zipf[language].items()
            if w.isalpha() and level - theirs.get(w, 0.0) >= LANGUAGE_LEAD
        )
    return out


def word_language(word: str) -> str | None:
    """ "id" or "en" when everyday use says which language `word` is, else None."""
    for language, words in _language_words().items():
        if word in words:
            return language
    return None
