"""Settings read from the environment: a yes/no value it does not know is an error."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.settings import env_bool


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("Yes", True), (" on ", True), ("0", False),
     ("false", False), ("NO", False), ("off", False), ("", None)],
)  # fmt: skip
def test_it_reads_yes_and_no(monkeypatch, value, expected):
    monkeypatch.setenv("SIGAP_TEST_FLAG", value)
    default = object()
    got = env_bool("SIGAP_TEST_FLAG", default)
    assert got is (default if expected is None else expected)


def test_it_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("SIGAP_TEST_FLAG", raising=False)
    assert env_bool("SIGAP_TEST_FLAG", True) is True


@pytest.mark.parametrize("value", ["ture", "y", "2", "enabled"])
def test_it_refuses_a_value_it_does_not_know_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("SIGAP_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="SIGAP_TEST_FLAG"):
        env_bool("SIGAP_TEST_FLAG", False)
