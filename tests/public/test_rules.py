from __future__ import annotations

import pytest

from core.areas.rules import public_count, public_counts


@pytest.mark.parametrize(
    ("value", "level", "enabled", "shown"),
    [
        (0, 4, True, 0),
        (1, 4, True, "<5"),
        (4, 4, True, "<5"),
        (5, 4, True, 5),
        (3, 3, True, "<5"),
        (3, 2, True, "<5"),
        (30, 2, True, 30),
        (3, 4, False, 3),
    ],
)
def test_it_shows_small_counts_as_below_five_at_every_level(
    value, level, enabled, shown
):
    assert public_count(value, level=level, enabled=enabled) == shown


def test_it_applies_the_rule_to_every_figure():
    assert public_counts({"a": 2, "b": 9}, level=4, enabled=True) == {
        "a": "<5",
        "b": 9,
    }
