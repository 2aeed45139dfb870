"""Every admin page a curator can open renders: changelists, search, add forms and the
change form of an existing row, for every registered model (demo data loaded)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _models():
    return sorted(
        admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower
    )


def test_every_admin_page_renders_for_a_curator(client, demo_world):
    client.force_login(demo_world["curator"])
    failures = []
    for model, model_admin in _models():
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        pages = [
            reverse(f"{base}_changelist"),
            reverse(f"{base}_changelist") + "?q=sigap",
        ]
        request = type("R", (), {"user": demo_world["curator"]})()
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{base}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            pages.append(reverse(f"{base}_change", args=[first.pk]))
        for url in pages:
            response = client.get(url)
            if response.status_code != 200:
                failures.append(
                    f"{url}: {response.status_code} {response.get('Location', '')}"
                )
    assert not failures, failures


def test_seeding_the_demo_again_keeps_staff_signed_in(client, demo_users):
    from core.demo import demo_accounts_ensure

    curator = demo_users["curator"]
    client.force_login(curator)
    demo_accounts_ensure()  # what every `make run` does
    curator.refresh_from_db()
    assert client.get(reverse("admin:index")).status_code == 200


def test_pages_show_times_in_the_signed_in_persons_wall_time(client, curator, alice):
    import datetime as dt

    from core.models import DeviceToken

    token = DeviceToken.objects.create(user=alice, token="t-1", platform="android")
    moment = dt.datetime(2026, 1, 5, 17, 47, tzinfo=dt.UTC)  # 00:47 WIB on the 6th
    DeviceToken.objects.filter(pk=token.pk).update(created_at=moment)
    client.force_login(curator)
    page = client.get(reverse("admin:core_devicetoken_changelist")).content.decode()
    assert "0.47" in page and "17.47" not in page
