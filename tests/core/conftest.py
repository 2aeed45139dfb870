import pytest

from tests.channels.fixtures import (  # noqa: F401  (fixtures for test_erasure)
    _fresh_buckets,
    graph_api,
    telegram_api,
)


@pytest.fixture
def demo_users(regions_semarang):
    """The demo accounts as `make run` seeds them (tests of the demo itself)."""
    from core.demo import demo_accounts_ensure

    return demo_accounts_ensure()


@pytest.fixture
def demo_world(demo_users):
    """Every feature's demo data, as `make run` seeds it."""
    from core.demo import demo_features_seed

    demo_features_seed()
    return demo_users
