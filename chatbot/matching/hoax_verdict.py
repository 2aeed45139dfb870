"""The verdict on a message's hits: hoax, possible or none; a message that asks
whether a claim is true gets weaker evidence shown as possible."""

from __future__ import annotations

from dataclasses import replace

from .hoax_types import HoaxHit, HoaxMatch, HoaxThresholds

# "apa benar ...", "benarkah ...", "... hoax ga?", "is it true ...": the message asks
# whether something is true, so a claim it only partly quotes is still worth showing.
_ASK_WORDS = frozenset(
    {
        "benarkah",
        "betulkah",
        "hoax",
        "katanya",
        "fakta",
        "benar",
        "asli",
        "serius",
        # what forwards say of themselves: "Sebarkan!!", "share ke grup"
        "sebarkan",
        "sebar",
        "share",
        "teruskan",
        "viralkan",
        "bagikan",
    }
)
_ASK_PAIRS = frozenset(
    {
        ("apa", "benar"),
        ("apakah", "benar"),
        ("apa", "betul"),
        ("apakah", "betul"),
        ("benar", "tidak"),
        ("benar", "bukan"),
        ("it", "true"),
        ("this", "true"),
        ("true", "or"),
    }
)


def asks_about_claim(words: tuple[str, ...] | list[str]) -> bool:
    if any(w in _ASK_WORDS for w in words):
        return True
    return any(pair in _ASK_PAIRS for pair in zip(words, words[1:], strict=False))


# Questions that ask for information rather than whether something is true: "daun
# pepaya untuk apa?", "vitamin d dosisnya berapa?". "apa"/"apakah" opening a
# question asks yes or no ("apa vaksin ada chipnya?"), and "kenapa"/"why" take the
# claim as given ("kenapa vaksin ada chipnya?"): neither is open.
_OPEN_WORDS = frozenset(
    """bagaimana berapa kapan mana siapa how where when which who whom""".split()
)
_OPEN_LATER_WORDS = frozenset({"apa", "what"})


# Session 27 (an outside tester's "my kid has fever after vaccine is that normal"
# was answered as a forwarded claim to check): someone asking about themselves or
# their own ("I", "my kid", "anak saya") whether something is normal or safe.
_OWN_WORDS = frozenset("i my me saya aku sy gue gw ku anakku kami".split())
_NORMAL_WORDS = frozenset(
    "normal wajar biasa aman safe okay ok fine berbahaya bahaya dangerous".split()
)


def own_question(words: tuple[str, ...] | list[str], *, asks: bool) -> bool:
    """Whether a question asks if something that happens to the writer or theirs
    is normal or safe: a resident's own question, not a forward to check."""
    seen = set(words)
    return asks and bool(seen & _OWN_WORDS) and bool(seen & _NORMAL_WORDS)


def open_question(words: tuple[str, ...] | list[str]) -> bool:
    """Whether the words ask for information ("untuk apa", "berapa") rather than
    whether a claim is true."""
    return any(
        w in _OPEN_WORDS or (i and w in _OPEN_LATER_WORDS) for i, w in enumerate(words)
    )


def decide_hoax(
    hits: list[HoaxHit], t: HoaxThresholds, *, asks_about_claim: bool = False
) -> HoaxMatch:
    kept = tuple(h for h in hits if h.score >= t.suggest)
    if not kept:
        # Weaker evidence: a question about a claim that quotes only part of it, or
        # a message the fact-check's explanation describes. Possible at most.
        def weak(h: HoaxHit) -> float:
            return max(h.explained, h.relaxed if asks_about_claim else 0.0)

        asked = sorted(
            (h for h in hits if weak(h) >= t.suggest), key=lambda h: -weak(h)
        )
        if asked:
            best = asked[0]
            shown = replace(best, score=min(weak(best), round(t.auto - 0.01, 4)))
            return HoaxMatch(kind="possible", best=shown, hits=(shown,))
    if not kept:
        return HoaxMatch(kind="none")
    best = kept[0]
    kind = "hoax" if best.score >= t.auto and best.on_claim else "possible"
    if kind == "possible" and best.score >= t.auto:
        # Shown as possible: its score says no more than that.
        best = replace(best, score=round(t.auto - 0.01, 4))
        kept = (best, *kept[1:])
    return HoaxMatch(kind=kind, best=best, hits=kept)
