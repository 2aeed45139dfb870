"""Case-data intake and broadcasts during a Redis outage (a real redis-server the
test kills, a real Celery worker once it is back)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from tests.core.test_redis_outage import wait_for
from tests.helpers import require_postgres

pytestmark = pytest.mark.django_db(transaction=True)


def test_case_reports_and_broadcasts_are_taken_while_redis_is_down(
    regions_semarang,
    zone_rules,
    lab,
    integrator_client,
    curator,
    auth_client,
    redis_server,
    on_redis,
):
    """An integrator's batch and a curator's broadcast during an outage: stored and
    answered at once, their follow-up work (figures, the fan-out) done once Redis and
    the worker are back."""
    require_postgres()
    from chatbot.channels.models import Broadcast
    from core.models import AreaDailyFigure, FigureDirty

    on_redis(redis_server.url)
    redis_server.kill()
    today = dt.date.today()
    report = {
        "record_id": "OUTAGE-1",
        "full_name": "Budi Santoso",
        "birth_date": "1991-04-12",
        "sex": "M",
        "kelurahan_code": "33.74.10.1001",
        "status": "confirmed",
        "event_date": (today - dt.timedelta(days=2)).isoformat(),
        "test_type": "pcr",
        "test_result": "positive",
    }
    started = time.monotonic()
    response = integrator_client(lab).post(
        "/api/v1/cases/reports", {"reports": [report]}, format="json"
    )
    assert response.status_code == 200, response.content[:300]
    assert response.json()["created"] == 1
    broadcast = auth_client(curator).post(
        "/api/v1/chatbot/broadcasts",
        {"region_code": "33.74.10", "text_id": "Zona merah."},
        format="json",
    )
    assert broadcast.status_code == 201, broadcast.content[:300]
    assert time.monotonic() - started < 15  # no long publish retries
    assert FigureDirty.objects.filter(region_id="33.74.10.1001").exists()
    assert Broadcast.objects.get().status == Broadcast.Status.QUEUED

    redis_server.start()
    Broadcast.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    from celery.contrib.testing.worker import start_worker

    from chatbot.channels.tasks import sweep_broadcasts
    from core.cases.tasks import recompute_area_figures
    from core.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        recompute_area_figures.delay()  # what beat sends
        sweep_broadcasts.delay()
        assert wait_for(lambda: not FigureDirty.objects.exists())
        assert wait_for(lambda: Broadcast.objects.get().status == Broadcast.Status.DONE)
    assert AreaDailyFigure.objects.filter(region_id="33.74.10.1001").exists()
