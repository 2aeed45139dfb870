import pytest


@pytest.fixture
def demo_world(demo_users):
    """Every feature's demo data, as `make run` seeds it."""
    from core.demo import demo_features_seed

    demo_features_seed()
    return demo_users
