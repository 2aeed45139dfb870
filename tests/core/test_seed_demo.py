"""seed_demo makes staff accounts with a published password: not with DEBUG off."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from core.models import User

pytestmark = pytest.mark.django_db


def test_it_refuses_to_seed_with_debug_off(settings, regions_semarang):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--i-know-this-is-not-production"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not User.objects.exists()


def test_it_seeds_with_debug_off_when_told_and_says_so_loudly(
    settings, regions_semarang
):
    settings.DEBUG = False
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", "--i-know-this-is-not-production", stdout=out, stderr=err)
    assert "WARNING: seeding demo accounts with DEBUG off" in err.getvalue()
    assert "sigap-demo" in err.getvalue()
    assert User.objects.filter(phone="+6281100000003").exists()  # nurse


def test_it_seeds_quietly_with_debug_on(settings, regions_semarang):
    settings.DEBUG = True
    err = io.StringIO()
    call_command("seed_demo", stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == ""
    assert User.objects.filter(phone="+6281100000003").exists()
