"""A WSGI worker builds its in-memory indexes when it starts, not on the first area
lookup, area search or chatbot question (about 2 s each)."""

from __future__ import annotations

import pytest

from chatbot import index as chatbot_index
from core.areas import geo, search
from core.warmup import warm_up

# warm_up() closes the connection (back to the pool), as at a worker's start.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cold():
    geo.invalidate()
    search.invalidate()
    chatbot_index.index_reset()
    yield
    geo.invalidate()
    search.invalidate()
    chatbot_index.index_reset()


def built() -> list[bool]:
    return [
        geo._index is not None,
        search._index is not None,
        chatbot_index._state.snapshot is not None,
    ]


def test_it_builds_the_indexes_at_start(cold, settings):
    settings.SIGAP_WARM_UP_INDEXES = True
    assert built() == [False, False, False]
    warm_up()
    assert built() == [True, True, True]


def test_it_leaves_them_to_the_first_request_when_told(cold, settings):
    settings.SIGAP_WARM_UP_INDEXES = False
    warm_up()
    assert built() == [False, False, False]
