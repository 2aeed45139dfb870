"""Reading a platform's JSON defensively: a field of the wrong type raises
`UnreadableUpdate` naming the field, never its content."""

from __future__ import annotations

import math


class UnreadableUpdate(Exception):
    """A stored payload that can never be read (a field of the wrong type, a missing
    chat): processing it again would fail the same way. Its message is a short
    reason naming fields only, never their content."""


def obj(parent: dict, key: str) -> dict:
    """`parent[key]` as an object ({} when absent); any other type is unreadable."""
    value = parent.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UnreadableUpdate(f"{key} is not an object")
    return value


def string(parent: dict, key: str) -> str | None:
    value = parent.get(key)
    if value is not None and not isinstance(value, str):
        raise UnreadableUpdate(f"{key} is not a string")
    return value


def int_id(parent: dict, key: str) -> int:
    value = parent.get("id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise UnreadableUpdate(f"{key}.id is not an integer")
    return value


def coordinates(location: dict) -> tuple[float, float]:
    try:
        lat, lng = float(location["latitude"]), float(location["longitude"])
    except (KeyError, TypeError, ValueError):
        raise UnreadableUpdate("location is not a pair of numbers") from None
    if (
        not (math.isfinite(lat) and math.isfinite(lng))
        or abs(lat) > 90
        or abs(lng) > 180
    ):
        raise UnreadableUpdate("location is out of range")
    return lat, lng


def dicts(value) -> list[dict]:
    """The objects of a list; anything else in it (or instead of it) is skipped."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def scalar_id(value) -> str:
    """A platform id sent as a string (or a number): "" for anything else."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return str(value)
