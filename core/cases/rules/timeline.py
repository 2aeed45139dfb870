"""One case over time: its status transitions from its events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from core.cases.rules.vocabulary import (
    CONFIRMED,
    DIED,
    DISCARDED,
    PROBABLE,
    RECOVERED,
    STATUS_ORDER,
    SUSPECT,
    SUSPECT_DISCARD_DAYS,
)


def _next_state(current: str | None, status: str) -> str | None:
    """The state after an event, or None when the event changes nothing.

    Death is final. A confirmed case only moves on to recovered or died: a late
    suspect/probable report about the same episode does not downgrade it. After
    recovery a new suspect/probable/confirmed event opens a new episode."""
    if current == DIED or current == status:
        return None
    if current == CONFIRMED:
        return status if status in (RECOVERED, DIED) else None
    return status


@dataclass(frozen=True)
class Timeline:
    transitions: tuple[tuple[dt.date, str], ...]  # (date, state) in order
    causes: tuple[int, ...] = ()  # index of the event behind each transition

    @property
    def status(self) -> str | None:
        return self.transitions[-1][1] if self.transitions else None

    def first(self, state: str) -> dt.date | None:
        return next((d for d, s in self.transitions if s == state), None)

    def last(self, state: str) -> dt.date | None:
        return next((d for d, s in reversed(self.transitions) if s == state), None)

    def state_on(self, day: dt.date) -> str | None:
        current = None
        for date, state in self.transitions:
            if date > day:
                break
            current = state
        return current


def case_timeline(events: Iterable[tuple[dt.date, str]]) -> Timeline:
    """Transitions of one case from its events (date, status), in any order."""
    ordered = sorted(enumerate(events), key=lambda e: (e[1][0], STATUS_ORDER[e[1][1]]))
    transitions: list[tuple[dt.date, str]] = []
    causes: list[int] = []
    current = None
    for index, (date, status) in ordered:
        if current in (SUSPECT, PROBABLE):
            expiry = transitions[-1][0] + dt.timedelta(days=SUSPECT_DISCARD_DAYS)
            if date > expiry:
                transitions.append((expiry, DISCARDED))
                causes.append(causes[-1])
                current = DISCARDED
        state = _next_state(current, status)
        if state is None:
            continue
        transitions.append((date, state))
        causes.append(index)
        current = state
    if current in (SUSPECT, PROBABLE):
        transitions.append(
            (transitions[-1][0] + dt.timedelta(days=SUSPECT_DISCARD_DAYS), DISCARDED)
        )
        causes.append(causes[-1])
    return Timeline(tuple(transitions), tuple(causes))


def timeline_to_data(timeline: Timeline) -> list[list[str]]:
    return [[d.isoformat(), s] for d, s in timeline.transitions]


def timeline_from_data(data: Iterable) -> Timeline:
    return Timeline(tuple((dt.date.fromisoformat(d), s) for d, s in data))


__all__ = [
    "Timeline",
    "case_timeline",
    "timeline_from_data",
    "timeline_to_data",
]
