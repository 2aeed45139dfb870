"""The daily figures of an area from the transitions of its cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from core.cases.rules.vocabulary import (
    CONFIRMED,
    DIED,
    HOUSEHOLD_WINDOW_DAYS,
    PROBABLE,
    RECOVERED,
    SUSPECT,
)

FIGURES = (
    "new_confirmed",
    "active_confirmed",
    "recovered",
    "deaths",
    "suspect",
    "probable",
    "isolating",
    "households_confirmed_7d",
)
_ROW = {name: i for i, name in enumerate(FIGURES)}
_STATE_ROW = {
    CONFIRMED: _ROW["active_confirmed"],
    SUSPECT: _ROW["suspect"],
    PROBABLE: _ROW["probable"],
}
_EVENT_ROW = {
    CONFIRMED: _ROW["new_confirmed"],
    RECOVERED: _ROW["recovered"],
    DIED: _ROW["deaths"],
}


@dataclass
class Track:
    """What the figures need of one case: its household and its transitions."""

    household: str
    transitions: tuple[tuple[dt.date, str], ...] = field(default_factory=tuple)


def daily_figures(
    tracks: Iterable[Track], start: dt.date, end: dt.date
) -> dict[dt.date, dict[str, int]]:
    """Figures of one area for each day in [start, end] that has any non-zero figure.

    new_confirmed / recovered / deaths: transitions into that state that day;
    active_confirmed / suspect / probable: people in that state at the end of the day;
    isolating: suspect + probable + active confirmed (all must isolate or quarantine);
    households_confirmed_7d: distinct households with a case confirmed in the 7 days
    ending that day (the zoning metric)."""
    return {
        date: dict(zip(FIGURES, values, strict=True))
        for date, values in daily_figure_rows(tracks, start, end)
    }


def daily_figure_rows(
    tracks: Iterable[Track], start: dt.date, end: dt.date
) -> list[tuple[dt.date, list[int]]]:
    """`daily_figures` as (day, values in FIGURES order), days in order: the form
    bulk writes want, without a dict per day."""
    if end < start:
        return []
    days = (end - start).days + 1
    diff = np.zeros((len(FIGURES), days + 1), dtype=np.int64)
    events = np.zeros((len(FIGURES), days), dtype=np.int64)
    household_intervals: dict[str, list[tuple[int, int]]] = {}

    def idx(date: dt.date) -> int:
        return (date - start).days

    for track in tracks:
        transitions = track.transitions
        for i, (date, state) in enumerate(transitions):
            until = transitions[i + 1][0] if i + 1 < len(transitions) else None
            row = _STATE_ROW.get(state)
            if row is not None:
                a = max(idx(date), 0)
                b = min(idx(until), days) if until else days
                if a < b:
                    diff[row, a] += 1
                    diff[row, b] -= 1
            event_row = _EVENT_ROW.get(state)
            if event_row is not None and 0 <= idx(date) < days:
                events[event_row, idx(date)] += 1
            if state == CONFIRMED:
                a = idx(date)
                household_intervals.setdefault(track.household, []).append(
                    (a, a + HOUSEHOLD_WINDOW_DAYS)
                )
    house_row = _ROW["households_confirmed_7d"]
    for intervals in household_intervals.values():
        intervals.sort()
        merged: list[list[int]] = []
        for a, b in intervals:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in merged:
            a, b = max(a, 0), min(b, days)
            if a < b:
                diff[house_row, a] += 1
                diff[house_row, b] -= 1
    levels = np.cumsum(diff[:, :days], axis=1) + events
    levels[_ROW["isolating"]] = (
        levels[_ROW["active_confirmed"]]
        + levels[_ROW["suspect"]]
        + levels[_ROW["probable"]]
    )
    nonzero = np.flatnonzero(levels.any(axis=0))
    columns = levels[:, nonzero].T.tolist()
    return [
        (start + dt.timedelta(days=day), values)
        for day, values in zip(nonzero.tolist(), columns, strict=True)
    ]


def zero_figures() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


__all__ = [
    "FIGURES",
    "Track",
    "daily_figure_rows",
    "daily_figures",
    "zero_figures",
]
