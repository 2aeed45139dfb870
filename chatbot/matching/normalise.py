"""Indonesian text normalisation for matching, the way people actually type.

Pure: no Django, no settings. One `Normaliser` holds the (curator-extendable) synonym
table; `analyse()` turns a message into content terms (slang expanded, synonyms
applied, stopwords dropped, stemmed) plus the links it contains.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from .everyday import listed, word_language
from .lexicon import (
    DOUBLE_LETTER_WORDS,
    NUMBER_WORDS,
    SLANG,
    STOPWORDS,
    SYNONYMS,
)

URL_RE = re.compile(
    r"(?i)\b(?:https?://|www\.)[^\s<>\"'()\[\]]+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|net|org|info|id|io|me|ly|app|xyz|site|online|link"
    r"|co|news|blog|tv)\b(?:/[^\s<>\"'()\[\]]*)?"
)
# Spellings of the virus and the disease that must become one term.
_COVID_RE = re.compile(
    r"\b(?:corona\s*virus|coronavirus|virus\s+corona|virus\s+korona|korona|corona"
    r"|c[o0]v[i1]d(?:[\s_-]*19)?|kovid(?:[\s_-]*19)?|kopid(?:[\s_-]*19)?"
    r"|covit(?:[\s_-]*19)?|sars[\s_-]*cov[\s_-]*2|n[\s_-]*cov(?:[\s_-]*2019)?)\b"
)
# "mengcovidkan", "dicovidkan", "di-covid-kan": the affixed verb is still about covid.
_COVID_VERB_RE = re.compile(
    r"\b(?:meng|di|ter)-?(?:c[o0]vid|korona|corona)-?(?:kan|in)\b"
)
_ORDINAL_RE = re.compile(r"\bke[\s_-]?([1-9])\b")
_ORDINALS = {
    "1": "pertama",
    "2": "kedua",
    "3": "ketiga",
    "4": "keempat",
    "5": "kelima",
    "6": "keenam",
    "7": "ketujuh",
    "8": "kedelapan",
    "9": "kesembilan",
}
_TIMES_RE = re.compile(r"\b(\d+)\s*x\b")
# A number written together with its unit ("3th", "6bln", "500mg", "40rb", "38c"):
# apart, so that the unit is read as a word and the digits are never taken for
# leetspeak ("40thn" is no "aothn"). "th" after a number is Indonesian "tahun" (an
# English ordinal says "1st", "2nd", "3rd"), unless a word an English ordinal counts
# follows ("4th dose"); "an" ("10an", about ten) says nothing more than the number.
_UNIT_RE = re.compile(
    r"\b(\d+(?:[.,]\d+)?)(thn|th|tahun|bln|bulan|hr|hri|hari|mgg|minggu|jam|jm"
    r"|menit|mnt|detik|dtk|kg|gr|gram|cm|mm|ml|mg|mcg|rb|ribu|jt|juta|an|derajat|c"
    r"|tablet|tab|kali)\b"
)
_UNITS = {"th": "tahun", "an": ""}
_ORDINAL_EN_RE = re.compile(
    r"\b(\d+)(?:st|nd|rd|th(?=\s+(?:dose|doses|day|days|week|weeks|month|months"
    r"|booster|shot|jab|time|vaccine|vaccination|trimester|year|birthday|of)\b))\b"
)
_ORDINALS_EN = {
    "1": "first",
    "2": "second",
    "3": "third",
    "4": "fourth",
    "5": "fifth",
    "6": "sixth",
    "7": "seventh",
    "8": "eighth",
    "9": "ninth",
}
_REDUP_HYPHEN_RE = re.compile(r"\b([a-z]+)-\1(?=\b|nya\b)")
_REDUP_TWO_RE = re.compile(r"\b([a-z]{3,})2(nya)?\b")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "@": "a", "$": "s"})
_LEET_RE = re.compile(
    r"\b(?=[a-z0-9@$]*[a-z][a-z0-9@$]*[a-z])[a-z0-9@$]*[013@4$][a-z0-9@$]*"
)
_RUN3_RE = re.compile(r"([a-z])\1{2,}")
_TOKEN_RE = re.compile(r"[a-z0-9]+")
# Codes that carry digits, kept whole rather than read as leetspeak.
_KEEP_MIXED = frozenset(
    "5g 4g 3g h1n1 h5n1 b117 ba2 n95 kn95 kf94 p3k omega3 omega6".split()
)
_TRACKING_PARAMS = re.compile(r"(?:^|&)(?:utm_[a-z]+|fbclid|gclid|igshid|si|s)=[^&]*")


@dataclass(frozen=True, slots=True)
class Analysis:
    words: tuple[str, ...]  # normalised words, slang and synonyms applied
    content: tuple[str, ...]  # words without stopwords, not stemmed
    terms: tuple[str, ...]  # content words stemmed: what indexes compare
    urls: tuple[str, ...]  # normalised links found in the text
    # The words as written (slang expanded, before synonyms): what tells the
    # language, since synonyms read English words as Indonesian ("vaccine").
    written: tuple[str, ...]
    # Whether the message asks something: a question mark, a question word or a
    # closing "ga?" (see `asks_question`).
    asks: bool = False
    # The message read through the English dictionary as well (`english`), when
    # that reads any of its words: what an Indonesian entry says it in. None when
    # the dictionary reads nothing ("apa gejala covid").
    translated: Analysis | None = None

    @property
    def is_empty(self) -> bool:
        return not self.terms and not self.urls


def normalise_url(url: str) -> str:
    """Canonical form of a link so that variants of the same address compare equal."""
    u = url.strip().lower().rstrip(".,;:!?)")
    u = re.sub(r"^[a-z]+://", "", u)
    u = re.sub(r"^(?:www\d?|m|amp)\.", "", u)
    u = u.split("#", 1)[0]
    if "?" in u:
        path, query = u.split("?", 1)
        query = _TRACKING_PARAMS.sub("", query).strip("&")
        u = f"{path}?{query}" if query else path
    return u.rstrip("/")


_URL_HINT_RE = re.compile(r"(?i)://|www\.|[a-z0-9]\.[a-z]{2}")


def find_urls(text: str) -> list[str]:
    if not text or not _URL_HINT_RE.search(text):
        return []
    return [normalise_url(m) for m in URL_RE.findall(text)]


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    # The factory wraps the stemmer in a whole-text cache; we cache per word instead.
    return StemmerFactory().create_stemmer().delegatedStemmer


@lru_cache(maxsize=1)
def indonesian_roots() -> frozenset[str]:
    from Sastrawi.Stemmer import StemmerFactory as module

    path = Path(module.__file__).with_name("data") / "kata-dasar.txt"
    return frozenset(w.strip() for w in path.read_text("utf-8").split("\n") if w)


_EN_SUFFIXES = (
    ("ies", "y"),
    ("ing", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
)


def _stem_english(word: str) -> str:
    for suffix, repl in _EN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            stem = word[: -len(suffix)] + repl
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return stem
    return word


# Colloquial (Jakarta-style) verbs: nasal prefix without "me-", suffix "-in" for "-kan".
_COLLOQUIAL_PREFIXES = (
    ("nge", ("",)),
    ("ny", ("s", "c")),
    ("ng", ("k", "")),
    ("m", ("p", "")),
    ("n", ("t",)),
)


def _stem_colloquial(word: str) -> str | None:
    roots = indonesian_roots()
    bases = [word]
    for suffix in ("innya", "in", "nya"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            bases.append(word[: -len(suffix)])
    for base in bases:
        if base in roots:
            return base
        for prefix, replacements in _COLLOQUIAL_PREFIXES:
            if base.startswith(prefix) and len(base) - len(prefix) >= 3:
                rest = base[len(prefix) :]
                for r in replacements:
                    if r + rest in roots:
                        return r + rest
    for base in bases[1:]:
        stemmed = _stemmer().stem_word(base)
        if stemmed != base:
            return stemmed
    if word.endswith("nya") and len(word) >= 6:
        return word[:-3]  # possessive on a word the dictionary lacks: "chipnya"
    return None


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Indonesian stem via PySastrawi (plus colloquial verb forms); words it does not
    know get a light English stem."""
    if len(word) <= 3 or word.isdigit():
        return word
    stemmed = _stemmer().stem_word(word)
    if stemmed != word or word in indonesian_roots():
        return stemmed or word
    return _stem_colloquial(word) or _stem_english(word)


_ASCII_JUNK_RE = re.compile(r"[^A-Za-z0-9@$-]+")


# An apostrophe inside a word joins it: "i'm", "isn't", "kid's", "Jum'at".
_APOSTROPHE_RE = re.compile(r"(?<=[^\W\d_])['\u2019](?=[^\W\d_])")


# Zero-width space, joiners, word joiner and BOM separate words: invisible, they
# must not join "is\u200bthe\u200bvaccine" into one (format characters are
# otherwise dropped below).
_ZERO_WIDTH = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff", " "))


def _strip_symbols(text: str) -> str:
    """Fold fancy letters (𝐕𝐚𝐤𝐬𝐢𝐧), drop accents, emoji and other symbols; an
    apostrophe inside a word is dropped ("isn't" -> "isnt", read as "is not");
    zero-width characters separate words."""
    if "'" in text or "\u2019" in text:
        text = _APOSTROPHE_RE.sub("", text)
    if text.isascii():
        return _ASCII_JUNK_RE.sub(" ", text)
    text = text.translate(_ZERO_WIDTH)
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        cat = unicodedata.category(ch)
        if cat[0] in "LN":
            out.append(ch)
        elif cat in ("Mn", "Me", "Cf", "Cs", "Co", "Cn"):
            continue
        elif ch in "-@$":
            out.append(ch)
        else:
            out.append(" ")
    return "".join(out)


def _squeeze(word: str) -> str:
    """'pleaseee' -> 'please', 'vaksiiin' -> 'vaksin', but 'maaaaf' -> 'maaf'."""
    if not _RUN3_RE.search(word):
        return word
    doubled = _RUN3_RE.sub(r"\1\1", word)
    if doubled in DOUBLE_LETTER_WORDS or doubled in SLANG:
        return doubled
    single = _RUN3_RE.sub(r"\1", word)
    if single not in SLANG and doubled in indonesian_roots():
        return doubled
    return single


def _deleet(match: re.Match[str]) -> str:
    token = match.group(0)
    if token in _KEEP_MIXED or token.isdigit():
        return token
    return token.translate(_LEET)


# Cheap tests that let most texts skip the rewriting regexes below.
_COVID_HINT_RE = re.compile(r"c[o0]v|coron|koron|kopid|kovid|sars|ncov")
_DIGIT_HINT_RE = re.compile(r"[0-9@$]")


def _words(text: str) -> list[str]:
    text = text.casefold()
    if _COVID_HINT_RE.search(text):
        text = _COVID_VERB_RE.sub(" covid ", text)
        text = _COVID_RE.sub(" covid ", text)
    if _DIGIT_HINT_RE.search(text):
        text = _ORDINAL_RE.sub(lambda m: " " + _ORDINALS[m.group(1)] + " ", text)
        text = _TIMES_RE.sub(r" \1 kali ", text)
        text = _ORDINAL_EN_RE.sub(
            lambda m: " " + _ORDINALS_EN.get(m.group(1), m.group(1)) + " ", text
        )
        text = _UNIT_RE.sub(
            lambda m: f" {m.group(1)} {_UNITS.get(m.group(2), m.group(2))} ", text
        )
        text = _LEET_RE.sub(_deleet, text)
        text = _REDUP_TWO_RE.sub(r"\1\2", text)
    if "-" in text:
        text = _REDUP_HYPHEN_RE.sub(r"\1", text).replace("-", " ")
    words: list[str] = []
    for raw in _TOKEN_RE.findall(text):
        words.extend(_word(raw))
    return words


@lru_cache(maxsize=200_000)
def _word(raw: str) -> tuple[str, ...]:
    word = _squeeze(raw)
    expanded = SLANG.get(word)
    if expanded is None and word.endswith("nya") and len(word) > 5:
        expanded = SLANG.get(word[:-3])  # "microchipnya", "faskesnya"
    if expanded is None:
        known = (
            _lexicon_singular(word)
            or _misspelt_lexicon_word(word)
            or _chat_spelling(word)
        )
        if known is not None:
            return _word(known)
        return (NUMBER_WORDS.get(word, word),)
    return tuple(expanded.split())


# A long word the lexicon does not know, and no dictionary either, one letter away
# from one the lexicon reads ("faceshild" for "faceshield", "imunisasii"): read as
# that word. The index corrects words its entries use; this corrects words only
# the lexicon turns into them (a "faceshield" is a "face shield" in every entry).
LEXICON_SPELL_MIN_LENGTH = 8
LEXICON_SPELL_CUTOFF = 90


@lru_cache(maxsize=1)
def _lexicon_keys() -> dict[str, tuple[str, ...]]:
    """The lexicon's one-word keys (slang and synonyms) by their first and last two
    letters: typos rarely hit those, inflections do ("infections" is no misspelt
    "infectious", "isolated" no "isolate")."""
    keys: dict[str, list[str]] = {}
    for key in {*SLANG, *(k for k in SYNONYMS if " " not in k)}:
        if len(key) >= LEXICON_SPELL_MIN_LENGTH - 1 and key.isalpha():
            keys.setdefault(key[0] + key[-2:], []).append(key)
    return {ends: tuple(sorted(words)) for ends, words in keys.items()}


_PLURALS = tuple((suffix, r) for suffix, r in _EN_SUFFIXES if suffix.endswith("s"))


def _lexicon_singular(word: str) -> str | None:
    """An English plural of a word the lexicon reads ("certificates", "oximeters",
    "vaccinations"): that word, so the plural reads as the singular does."""
    if len(word) < 5 or not word.endswith("s") or word in SYNONYMS:
        return None
    for suffix, replacement in _PLURALS:
        if word.endswith(suffix):
            base = word[: -len(suffix)] + replacement
            if (base in SLANG or base in SYNONYMS) and not indonesian_word(word):
                return base
    return None


@lru_cache(maxsize=1)
def _lexicon_readings() -> frozenset[str]:
    """The words the lexicon reads others as: known words, never typos."""
    return frozenset(
        w for text in (*SLANG.values(), *SYNONYMS.values()) for w in text.split()
    )


def _misspelt_lexicon_word(word: str) -> str | None:
    if (
        len(word) < LEXICON_SPELL_MIN_LENGTH
        or not word.isalpha()
        or word in SYNONYMS
        or word in _lexicon_readings()
        or indonesian_word(word)
    ):
        return None
    found = process.extractOne(
        word,
        _lexicon_keys().get(word[0] + word[-2:], ()),
        scorer=fuzz.ratio,
        score_cutoff=LEXICON_SPELL_CUTOFF,
    )
    return found[0] if found and found[0] != word else None


_VOWELS = frozenset("aeiou")
CHAT_SPELLING_MIN_LENGTH = 4


def _known_word(word: str) -> bool:
    """A word of the dictionary or one the lexicon reads: what a chat spelling may
    stand for (an inflected form only when everyday Indonesian: "kesehatan")."""
    return (
        word in indonesian_roots()
        or word in SLANG
        or word in SYNONYMS
        or (word_language(word) == "id" and indonesian_word(word))
    )


@lru_cache(maxsize=50_000)
def _chat_spelling(word: str) -> str | None:
    """Two ways chat writes a known word that no dictionary has: the last letter
    doubled for stress ("pusingg", "mencrett") and the unstressed "e" left out
    ("pnyakit", "ksehatan", "brsih", "mriang", "trlambat"). A word that is itself
    known, in use in either language ("slot", "saklar") or a code ("bpjs") stays as
    written; the reading must be a known word, and the only one (the "e" is put
    back between two consonants, once)."""
    if (
        len(word) < CHAT_SPELLING_MIN_LENGTH
        or not word.isalpha()
        or _known_word(word)
        or listed(word)
        or word in _lexicon_readings()
    ):
        return None
    if word[-1] == word[-2] and word[-1] not in _VOWELS and _known_word(word[:-1]):
        return word[:-1]
    found = {
        candidate
        for i in range(1, len(word))
        if word[i - 1] not in _VOWELS
        and word[i] not in _VOWELS
        and word[i - 1] != word[i]
        and _known_word(candidate := word[:i] + "e" + word[i:])
    }
    return found.pop() if len(found) == 1 else None


def _phrase_table(
    pairs: Iterable[tuple[str, str]], *, as_written: bool = False
) -> dict[tuple[str, ...], tuple]:
    """`as_written`: the keys are clean lowercase words, looked up as they are."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    for term, canonical in pairs:
        key = tuple(term.split() if as_written else _words(_strip_symbols(term)))
        value = tuple(_words(_strip_symbols(canonical)))
        # A phrase mapped to itself is kept: it shields a compound from its words'
        # own mappings (Indonesian "cat kuku", nail polish, is no English cat).
        if key and value and (key != value or len(key) > 1):
            table[key] = value
    return table


def _phrase_index(
    pairs: Iterable[tuple[str, str]],
) -> tuple[dict[tuple[str, ...], tuple], dict[str, list[int]]]:
    """The phrase table and, per first word, its phrases' lengths, longest first."""
    phrases = _phrase_table(pairs)
    return phrases, _phrase_sizes(phrases)


def _phrase_sizes(phrases: Mapping[tuple[str, ...], tuple]) -> dict[str, list[int]]:
    sizes: dict[str, set[int]] = {}
    for key in phrases:
        sizes.setdefault(key[0], set()).add(len(key))
    return {word: sorted(lengths, reverse=True) for word, lengths in sizes.items()}


QUESTION_TAG = "tidak"

# Words that make a message a question (slang already expanded: "gmn" is
# "bagaimana", "knp" "mengapa"), in Indonesian and English.
_QUESTION_WORDS = frozenset(
    """apa apakah bagaimana gimana mengapa kenapa berapa kapan mana dimana kemana
    siapa bisakah bolehkah perlukah haruskah adakah benarkah bisa boleh perlu harus
    atau how what why where when which who whom whose should can could""".split()
)
# Said after the closing "ga" ("ga ya", "ga sih", "ga min").
_CLOSING_PARTICLES = frozenset("ya sih kah dong deh kak min dok bu pak".split())
_QUESTION_PAIRS = frozenset(
    {("is", "it"), ("is", "this"), ("do", "i"), ("do", "you"), ("does", "it")}
)


def asks_question(written: Iterable[str]) -> bool:
    """Whether the words ask something: a question word anywhere ("dikasih apa",
    "where can i"), an English question pair, or a closing "tidak" ("... ga?")."""
    words = tuple(written)
    if any(w in _QUESTION_WORDS for w in words):
        return True
    end = len(words)
    while end > 1 and words[end - 1] in _CLOSING_PARTICLES:
        end -= 1
    if end and words[end - 1] == QUESTION_TAG:
        return True
    return any(pair in _QUESTION_PAIRS for pair in zip(words, words[1:], strict=False))


def _analysis(
    words: list[str],
    written: list[str],
    urls: tuple[str, ...],
    asks: bool,
    translated: Analysis | None = None,
) -> Analysis:
    content = tuple(w for w in words if w not in STOPWORDS)
    if len(content) > 1 and content[-1] == QUESTION_TAG:
        # "bahaya gak?", "bayar nggak ya": a closing "tidak" asks yes or no,
        # it says nothing about the subject.
        content = content[:-1]
    return Analysis(
        words=tuple(words),
        content=content,
        terms=tuple(stem(w) for w in content),
        urls=urls,
        written=tuple(written),
        asks=asks,
        translated=translated,
    )


class Normaliser:
    """Normalise messages; `synonyms` maps a phrase to its canonical phrase."""

    def __init__(self, synonyms: Mapping[str, str] | None = None) -> None:
        from .english import english_pairs

        pairs = [*SYNONYMS.items(), *(synonyms or {}).items()]
        self._phrases, self._sizes = _phrase_index(pairs)
        # The English dictionary under the lexicon: the lexicon's readings win.
        # Its keys are looked up as written: a word the chat spelling rules read
        # otherwise ("two" as 2) never reaches it.
        english = _phrase_table(english_pairs(), as_written=True)
        english.update(self._phrases)
        self._english, self._english_sizes = english, _phrase_sizes(english)

    def _apply_synonyms(self, words: list[str], *, english: bool = False) -> list[str]:
        out: list[str] = []
        i, n = 0, len(words)
        sizes_for, phrases = (
            (self._english_sizes, self._english)
            if english
            else (self._sizes, self._phrases)
        )
        while i < n:
            sizes = sizes_for.get(words[i])
            if sizes:
                for size in sizes:
                    canonical = phrases.get(tuple(words[i : i + size]))
                    if canonical is not None:
                        out.extend(canonical)
                        i += size
                        break
                else:
                    out.append(words[i])
                    i += 1
            else:
                out.append(words[i])
                i += 1
        return out

    def analyse(self, text: str, *, translate: bool = True) -> Analysis:
        """`translate`: also read it through the English dictionary (a message; an
        entry's own text is indexed as written)."""
        text = text or ""
        urls = tuple(dict.fromkeys(find_urls(text)))
        if urls:
            text = URL_RE.sub(" ", text)
        written = _words(_strip_symbols(text))
        asks = "?" in text or asks_question(written)
        words = self._apply_synonyms(written)
        english = self._apply_synonyms(written, english=True) if translate else words
        translated = (
            _analysis(english, written, urls, asks) if english != words else None
        )
        return _analysis(words, written, urls, asks, translated)

    def terms(self, text: str) -> tuple[str, ...]:
        return self.analyse(text, translate=False).terms

    def read_as(self, word: str) -> tuple[str, ...]:
        """The terms the lexicon reads one written word as ("depressed" as depresi,
        jiwa), or () when the lexicon leaves it as it is."""
        read = self._apply_synonyms([word])
        if read == [word]:
            return ()
        return tuple(stem(w) for w in read if w not in STOPWORDS)

    def clean(self, text: str) -> str:
        """The normalised words joined: handy to compare and group questions."""
        return " ".join(self.analyse(text, translate=False).words)


# Function words that give a language away (after slang expansion).
_EN_MARKERS = frozenset(
    """the a an is are am was were do does did i me my you your we our it its this that
    what how where when which who why should can could would will to of in on at for
    with from and or not after before have has there get got any still need free""".split()
)
_ID_MARKERS = frozenset(
    """apa apakah bagaimana yang di ke dari dan untuk ini itu saya kamu tidak ada bisa
    kalau sudah belum dengan mau harus berapa kapan mana buat sama saja ya kok sih dong
    atau juga lagi karena jadi tapi pada dalam akan boleh perlu kenapa mengapa gimana
    setelah sebelum masih sangat aman benar""".split()
)


# Function words weigh this many content words in `detect_language`.
FUNCTION_WORD_WEIGHT = 1.5


def detect_language(
    words: Iterable[str], learned: Mapping[str, frozenset[str]] | None = None
) -> str | None:
    """ "en" or "id" when the words say so clearly, else None (the chat's language).

    A vote (session 24, replacing rules that trusted one Indonesian function word
    less than one English one): each function word counts 1.5, each content word
    whose language is known 1; a language wins with 2 or more that are over 1.5
    times the other's. A content word's language: the knowledge base's own
    (`learned`, per language the words only its entries of that language use,
    `FaqIndex.language_words`), else everyday use (`everyday.word_language`,
    wordfreq), else the lexicon's English ("contagious") or the Indonesian
    dictionary. "isoman brp hari?" and "berapa lama isolasi mandiri?" are
    Indonesian, "is monkeypox contagious?" English, "dbd in jakarta" and "covid"
    neither."""
    learned = learned or {}
    english, indonesian = learned.get("en", frozenset()), learned.get("id", frozenset())
    votes = {"en": 0.0, "id": 0.0}
    for w in words:
        if w in _EN_MARKERS:
            votes["en"] += FUNCTION_WORD_WEIGHT
        elif w in _ID_MARKERS:
            votes["id"] += FUNCTION_WORD_WEIGHT
        elif w in english:
            votes["en"] += 1
        elif w in indonesian:
            votes["id"] += 1
        elif (language := word_language(w)) is not None:
            votes[language] += 1
        elif w in _english_words():
            votes["en"] += 1
        elif indonesian_word(w):
            votes["id"] += 1
    for language, other in (("en", "id"), ("id", "en")):
        if votes[language] >= 2 and votes[language] > 1.5 * votes[other]:
            return language
    return None


def indonesian_word(word: str) -> bool:
    roots = indonesian_roots()
    return word in roots or stem(word) in roots


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """Words the lexicon reads as other words, not Indonesian and never a reading
    themselves: mostly its English ("contagious", "symptoms", "vaccine")."""
    words = {w for phrase in SYNONYMS for w in phrase.split()}
    return frozenset(
        w
        for w in words - _lexicon_readings()
        if len(w) >= 4 and w.isalpha() and not indonesian_word(w)
    )
