"""A real Celery worker killed in the middle of a backfill: a new worker finishes it,
and the centre ends with every record exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from django.conf import settings

from core.cases.services import reports_submit
from core.celery import app as celery_app
from core.models import SatusehatRecord
from tests.helpers import child_database_url, require_postgres, require_redis
from tests.isolation.test_delivery import wait_for
from tests.satusehat.fake_centre import (
    CLIENT_ID,
    CLIENT_SECRET,
    ORG_ID,
    CentreProcess,
)
from tests.satusehat.helpers import case_report

N = 2000
WORKER = (
    "celery -A core worker --pool prefork --concurrency 1 --loglevel WARNING "
    "--without-gossip --without-mingle --without-heartbeat"
).split()


def _start_worker(centre: CentreProcess, log_path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": child_database_url(),
        "CELERY_VISIBILITY_TIMEOUT": "2",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "SATUSEHAT_AUTH_URL": centre.auth_url,
        "SATUSEHAT_BASE_URL": centre.base_url,
        "SATUSEHAT_CLIENT_ID": CLIENT_ID,
        "SATUSEHAT_CLIENT_SECRET": CLIENT_SECRET,
        "SATUSEHAT_ORGANIZATION_ID": ORG_ID,
        "SATUSEHAT_LEASE_SECONDS": "3",
        "SATUSEHAT_RETRY_BASE_SECONDS": "0.05",
    }
    env.pop("DB_POOL_SIZE", None)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", *WORKER],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_backfill_loses_and_duplicates_nothing(lab, tmp_path):
    require_postgres()
    require_redis()
    from core.satusehat.tasks import satusehat_sync

    centre = CentreProcess(failure_rate=0.10, seed=7)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    log = tmp_path / "workers.log"
    first = second = None
    try:
        reports = [case_report(n) for n in range(N)]
        # The NIKs are kept for the bridge only while it is configured.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(settings, "SATUSEHAT_AUTH_URL", centre.auth_url)
            patch.setattr(settings, "SATUSEHAT_BASE_URL", centre.base_url)
            patch.setattr(settings, "SATUSEHAT_CLIENT_ID", CLIENT_ID)
            patch.setattr(settings, "SATUSEHAT_CLIENT_SECRET", CLIENT_SECRET)
            patch.setattr(settings, "SATUSEHAT_ORGANIZATION_ID", ORG_ID)
            for i in range(0, N, 1000):
                reports_submit(integrator=lab, reports=reports[i : i + 1000])
            satusehat_sync.delay()
        first = _start_worker(centre, log)

        def sent() -> int:
            return SatusehatRecord.objects.filter(status="sent").count()

        assert wait_for(lambda: sent() >= 300, timeout=240), log.read_text()
        os.killpg(first.pid, signal.SIGKILL)  # the whole worker, mid-backfill
        first.wait(10)
        at_kill = sent()
        assert at_kill < N, "the worker finished before it could be killed"

        second = _start_worker(centre, log)
        assert wait_for(lambda: sent() == N, timeout=600), (
            f"{SatusehatRecord.objects.values('status').distinct()} "
            + log.read_text()[-3000:]
        )
        stats = centre.stats()
        assert stats["counts"] == {
            "Patient": N,
            "Encounter": N,
            "Condition": N,
            "Observation": N,
        }, stats
        assert set(stats["duplicates"].values()) == {0}, stats
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(5)
        celery_app.conf.task_always_eager = previous
        centre.stop()
