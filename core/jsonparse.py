"""JSON from outside (request bodies, webhooks, websocket frames, uploaded files).

``json.loads`` recurses once per nesting level: 100,000 ``[`` raise ``RecursionError``
(not a ``ValueError``, so it escaped every ``except ValueError`` and became a 500), and
a few hundred levels still make every later walk over the value (validation, error
flattening, jsonb) slow or recursive. No message Sigap accepts nests deeper than a
handful of levels, so anything deeper than ``MAX_DEPTH`` is refused as malformed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

MAX_DEPTH = 64


class JSONTooDeep(ValueError):
    def __init__(self, max_depth: int) -> None:
        super().__init__(f"JSON nested deeper than {max_depth} levels")


def loads(
    data: str | bytes | bytearray,
    *,
    max_depth: int = MAX_DEPTH,
    parse_constant: Callable[[str], Any] | None = None,
) -> Any:
    """``json.loads`` that raises ``ValueError`` for every bad input, too deep included."""
    try:
        value = json.loads(data, parse_constant=parse_constant)
    except RecursionError:
        raise JSONTooDeep(max_depth) from None
    check_depth(value, max_depth=max_depth)
    return value


def check_depth(value: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Iterative (never recursive) walk; raises ``JSONTooDeep`` past ``max_depth``."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            raise JSONTooDeep(max_depth)
        stack.extend((child, depth + 1) for child in children)
