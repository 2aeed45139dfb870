"""What hoax matching takes and gives: the claims indexed, the hits found, the
thresholds of a verdict and the verdict itself."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class HoaxDoc:
    entry_id: int
    claim: str
    variants: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    explanation: str = ""  # the fact-check's words: only ever a "possible" match
    # The claim as the fact-checker summed it up, in English (matched as a variant,
    # and counted with `claim` as the claim's own words).
    claim_en: str = ""


@dataclass(frozen=True, slots=True)
class HoaxHit:
    entry_id: int
    score: float
    via: str = "text"  # "text" | "url"
    text: str = ""  # the claim or variant that matched
    # The score without the penalty for little evidence: used only when the message
    # asks about a claim ("apa benar vaksin bikin mandul?"), never for a verdict.
    relaxed: float = 0.0
    # How much of the message the fact-check's explanation holds (weighted): weaker
    # evidence, enough to show the claim as possible, never for a verdict.
    explained: float = 0.0
    # Whether the message holds at least CLAIM_WORDS_FOR_VERDICT of the claim's own
    # words (its headline, id or en): a message that only shares a narrative's
    # background ("habis banjir terus demam, kencing tikus?") is a possible match at
    # most, never a verdict.
    on_claim: bool = True


@dataclass(frozen=True, slots=True)
class HoaxThresholds:
    auto: float = 0.52
    suggest: float = 0.44


@dataclass(frozen=True, slots=True)
class HoaxMatch:
    kind: str  # "hoax" | "possible" | "none"
    best: HoaxHit | None = None
    hits: tuple[HoaxHit, ...] = field(default_factory=tuple)
