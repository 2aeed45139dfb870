"""Outbound SATUSEHAT sync: resources per second against the fake centre.

    .venv/bin/python bench/satusehat.py [--cases N] [--bundle CASES] [--failure-rate F]

Starts the tests' fake SATUSEHAT (tests/satusehat/fake_centre.py: OAuth2 + FHIR,
validating every resource with fhir.resources) in its own process on 127.0.0.1:8181,
ingests N integrated cases with NIK and a lab result (default 2,000), then times
`satusehat_sync` until the outbox is empty: 4 resources per case (Patient, Encounter,
Condition, Observation). Target: >= 200 resources/s on this machine.

Writes to the configured database (DATABASE_URL: use a scratch one) or, without it, a
temporary SQLite file. Prints the 1-minute load average beside the figure: on a shared
machine the rate drops with other processes' load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/channels.py would shadow the channels package: keep bench/ off sys.path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
PORT = 8181


def load_harness():
    """bench/harness.py, loaded by path: bench/ must stay off sys.path here."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "harness", ROOT / "bench" / "harness.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def start_centre(failure_rate: float) -> subprocess.Popen:
    code = (
        "import time; from tests.satusehat.fake_centre import FakeCentre; "
        f"FakeCentre(failure_rate={failure_rate}).start({PORT}); "
        "print('ready', flush=True); time.sleep(10**6)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "ready"
    return process


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--bundle", type=int, default=25)
    parser.add_argument("--failure-rate", type=float, default=0.0)
    args = parser.parse_args()

    from tests.satusehat.fake_centre import CLIENT_ID, CLIENT_SECRET, ORG_ID

    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    base = f"http://127.0.0.1:{PORT}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "core.settings",
            "SATUSEHAT_AUTH_URL": f"{base}/oauth2/v1",
            "SATUSEHAT_BASE_URL": f"{base}/fhir-r4/v1",
            "SATUSEHAT_CLIENT_ID": CLIENT_ID,
            "SATUSEHAT_CLIENT_SECRET": CLIENT_SECRET,
            "SATUSEHAT_ORGANIZATION_ID": ORG_ID,
            "SATUSEHAT_BUNDLE_CASES": str(args.bundle),
            "SATUSEHAT_RETRY_BASE_SECONDS": "0.05",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    from core.cases.services import integrator_create, reports_submit
    from core.models import Integrator, Region
    from core.satusehat import services
    from core.services.regions import regions_load

    call_command("migrate", "--noinput", verbosity=0)
    if not Region.objects.filter(code="33.74").exists():
        regions_load(root="33.74")
    lab = (
        Integrator.objects.filter(name="bench-lab").first()
        or (integrator_create(name="bench-lab", display_name="bench", kind="lab")[0])
    )
    villages = list(
        Region.objects.filter(level=4, code__startswith="33.74.10.").values_list(
            "code", flat=True
        )
    )
    # NIKs of this run: a serial block no earlier run used.
    serial = random.randint(1, 9000)
    run = f"{time.time():.0f}"
    today = dt.date.today()
    reports = []
    for n in range(args.cases):
        born = dt.date(1950, 1, 1) + dt.timedelta(days=n % 18000)
        reports.append(
            {
                "record_id": f"B{run}-{n}",
                "nik": f"337410{born:%d%m%y}{serial + n // 18000:04d}",
                "birth_date": born.isoformat(),
                "sex": "M",
                "full_name": f"Bench {n}",
                "kelurahan_code": villages[n % len(villages)],
                "status": "confirmed",
                "event_date": (today - dt.timedelta(days=1 + n % 14)).isoformat(),
                "test_type": "pcr",
                "test_result": "positive",
            }
        )
    started = time.monotonic()
    for i in range(0, len(reports), 1000):
        reports_submit(integrator=lab, reports=reports[i : i + 1000])
    print(f"ingest: {args.cases} cases in {time.monotonic() - started:.1f} s")

    harness = load_harness()
    centre = start_centre(args.failure_rate)
    try:
        # Sigap's sync runs in this process; the centre in its own.
        meter = harness.CpuMeter(
            {"Sigap": [os.getpid()], "fake centre": [centre.pid]},
            database_url=os.environ.get("DATABASE_URL"),
            redis_url=os.environ.get("REDIS_URL"),
        ).start()
        started = time.monotonic()
        cpu_started = time.process_time()
        resources = 0
        refresh = True
        while True:
            result = services.satusehat_sync(refresh=refresh)
            refresh = False
            resources += result.sent.resources
            wait = services.next_due_in()
            if wait is None:
                break
            time.sleep(min(wait, 0.2))
        elapsed = time.monotonic() - started
        cpu = time.process_time() - cpu_started
        per_resource = meter.stop(resources)
    finally:
        centre.terminate()
        centre.wait(10)
    import resource

    centre_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    centre_cpu = centre_cpu.ru_utime + centre_cpu.ru_stime
    print(
        f"sync: {resources} resources in {elapsed:.1f} s = {resources / elapsed:.0f} "
        f"resources/s (target >= 200); bundle {args.bundle} cases; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    # On a shared machine wall time includes waiting for a CPU; the CPU seconds show
    # what the sync itself costs.
    print(
        f"cpu: Sigap {cpu:.1f} s ({resources / cpu:.0f} resources per CPU-second), "
        f"fake centre {centre_cpu:.1f} s; "
        + harness.cpu_text(per_resource, per="resource")
    )
    rate = resources / elapsed
    harness.record(
        bench="satusehat",
        figure=f"outbound sync, bundle {args.bundle} cases",
        result=rate,
        unit="resources/s",
        target=">= 200 resources/s",
        ok=rate >= 200,
        cpu=per_resource,
        note=f"{resources} resources; cpu per resource",
    )


if __name__ == "__main__":
    main()
