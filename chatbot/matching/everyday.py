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


@lru_cache(maxsize=1)
def _frequencies() -> tuple[dict[str, float], ...]:
    from wordfreq import get_frequency_dict

    # The "small" lists hold every word down to Zipf 3: all the bar needs.
    return tuple(get_frequency_dict(lang, wordlist="small") for lang in LANGUAGES)


def load() -> None:
    """Read the word lists now (about 0.2 s, 7 MB) rather than on the first message."""
    _frequencies()


@lru_cache(maxsize=100_000)
def everyday(word: str) -> bool:
    """Whether `word` (lower case, as the normaliser writes it) is common in everyday
    Indonesian or English. Numbers always are."""
    if not word or word.isdigit():
        return True
    bar = 10 ** (EVERYDAY_ZIPF - 9)
    return any(freq.get(word, 0.0) >= bar for freq in _frequencies())
