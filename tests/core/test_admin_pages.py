"""Every admin page renders for the operator (superuser): changelists, search, add
forms and the change form of an existing row, for every registered model (demo data
loaded). A curator sees chatbot content and its inboxes, nothing else."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _models():
    return sorted(
        admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower
    )


def test_every_admin_page_renders_for_the_operator(client, demo_world, operator):
    client.force_login(operator)
    failures = []
    for model, model_admin in _models():
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        pages = [
            reverse(f"{base}_changelist"),
            reverse(f"{base}_changelist") + "?q=sigap",
        ]
        request = type("R", (), {"user": operator})()
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


def test_pages_show_times_in_the_signed_in_persons_wall_time(client, operator, alice):
    import datetime as dt

    from core.models import DeviceToken

    token = DeviceToken.objects.create(user=alice, token="t-1", platform="android")
    moment = dt.datetime(2026, 1, 5, 17, 47, tzinfo=dt.UTC)  # 00:47 WIB on the 6th
    DeviceToken.objects.filter(pk=token.pk).update(created_at=moment)
    client.force_login(operator)
    page = client.get(reverse("admin:core_devicetoken_changelist")).content.decode()
    assert "0.47" in page and "17.47" not in page


def test_the_demo_curator_sees_chatbot_content_and_its_inboxes_only(client, demo_users):
    curator = demo_users["curator"]
    assert not curator.is_superuser
    client.force_login(curator)

    index = client.get(reverse("admin:index"))
    visible = {
        (m["object_name"], a["app_label"])
        for a in index.context["app_list"]
        for m in a["models"]
    }
    refused = {
        url: client.get(url).status_code
        for url in (
            reverse("admin:core_user_changelist"),
            reverse("admin:selfcheck_assessment_changelist"),
            reverse("admin:django_celery_beat_periodictask_changelist"),
            reverse("admin:core_auditlog_changelist"),
            "/admin/core/apitoken/",
            "/admin/authtoken/tokenproxy/",
        )
    }

    assert {app for _, app in visible} <= {
        "chatbot",
        "chatbot_conversation",
        "chatbot_channels",
        "selfcheck",
    }
    assert ("FaqEntry", "chatbot") in visible
    assert ("Assessment", "selfcheck") not in visible
    assert set(refused.values()) <= {403, 404}, refused
    assert client.get(reverse("admin:chatbot_faqentry_changelist")).status_code == 200


def test_no_admin_page_mints_or_lists_api_tokens():
    from core.models import ApiToken

    assert ApiToken not in admin.site._registry
    assert not any(m._meta.app_label == "authtoken" for m in admin.site._registry)
