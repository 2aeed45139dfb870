from __future__ import annotations

from chatbot.models.imports import ImportJob
from chatbot.models.inbox import HoaxReport, PossibleHoaxMatch, UnansweredQuestion
from chatbot.models.knowledge import FaqEntry, HoaxEntry, Status, Synonym
from chatbot.models.stats import MatchStat

__all__ = [
    "FaqEntry",
    "HoaxEntry",
    "HoaxReport",
    "ImportJob",
    "MatchStat",
    "PossibleHoaxMatch",
    "Status",
    "Synonym",
    "UnansweredQuestion",
]
