"""Long-lived in-memory indexes (boundaries, region names, chatbot knowledge) hold
hundreds of thousands of Python objects. The cyclic garbage collector would walk them
on every full collection: a pause of tens to hundreds of milliseconds in the middle of
some request. Once an index is built, move everything alive into the permanent
generation (`gc.freeze`), which collections skip."""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()


def freeze_after_build() -> None:
    """Call right after a long-lived index is built (and the old one dropped).

    Unfreezing first lets an index this one replaced be collected; the collect then
    frees it, and the freeze keeps the survivors out of future full collections.
    """
    with _lock:
        gc.unfreeze()
        gc.collect()
        gc.freeze()


def tune_collector() -> None:
    """A web process allocates many short-lived objects per request; collecting the
    young generation every 700 allocations (the default) and the older ones often
    shows up as latency. Collect less often; the objects die young anyway."""
    gc.set_threshold(20_000, 50, 100)
