"""Pure matching engine (no Django): normalisation, FAQ retrieval, hoax matching.

engine = Engine(faq_docs=[FaqDoc(...)], hoax_docs=[HoaxDoc(...)], synonyms={...})
outcome = engine.answer("gmn cara isoman?", language="id", thresholds=Thresholds())
"""

from __future__ import annotations

from .engine import KINDS, Engine, Outcome, Thresholds
from .faq_index import FaqDoc, FaqHit, FaqIndex, FaqThresholds
from .hoax_index import HoaxDoc, HoaxHit, HoaxIndex, HoaxThresholds
from .normalise import Analysis, Normaliser, find_urls, normalise_url

__all__ = [
    "KINDS",
    "Analysis",
    "Engine",
    "FaqDoc",
    "FaqHit",
    "FaqIndex",
    "FaqThresholds",
    "HoaxDoc",
    "HoaxHit",
    "HoaxIndex",
    "HoaxThresholds",
    "Normaliser",
    "Outcome",
    "Thresholds",
    "find_urls",
    "normalise_url",
]
