"""Public map budgets and latency.

    .venv/bin/python bench/map.py [--rate 200] [--seconds 8] [--no-http]

1. Page budget: /peta/ HTML plus every script and stylesheet it loads, each gzipped
   (-9, as WhiteNoise precompresses them), before any map data. Target <= 500 KB.
2. National map budget: what the map downloads at national zoom (provinsi shapes and
   zones) and at kabupaten/kota zoom (kab/kota shapes and zones), gzipped as served.
   Target <= 1.5 MB for each.
3. --http (default): Sigap served as deployed (bench/harness.py: granian WSGI workers)
   on 127.0.0.1:8162; the map's data endpoints (zones of a day per level, an area's card,
   summary, kecamatan shapes of a kota, national shapes revalidated by ETag) at
   200 requests/s, open loop, first cold (answers built and cached as they come), then
   warm. Target: warm p99 <= 50 ms.

Prepares the configured database (idempotent): regions of Jawa Tengah, the kecamatan
boundaries (which builds the national shapes), the demo data.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import (  # noqa: E402
    Server,
    cpu_text,
    http_request,
    load_arguments,
    record,
)
from harness import open_loop as harness_open_loop  # noqa: E402
from harness import server_env as harness_env  # noqa: E402

BOUNDARIES = Path(
    os.environ.get(
        "SIGAP_BOUNDARIES_FILE",
        ROOT.parent / "shared" / "data" / "kecamatan.geojson.gz",
    )
)
PAGE_BUDGET = 500 * 1024
NATIONAL_BUDGET = 1536 * 1024
P99_TARGET_MS = 50.0
HOST, PORT = "127.0.0.1", 8162
SERVER_LOG = Path(tempfile.gettempdir()) / "sigap-bench-map-server.log"


class _Server(Server):
    """Granted more time to start: on a shared 2-CPU machine four workers loading
    Django can take longer than the harness's minute."""

    def __enter__(self) -> Server:
        return self.start(timeout=240.0)


def log(message: str) -> None:
    print(message, flush=True)


def prepare(env: dict[str, str]) -> None:
    for args in (
        ["migrate", "--noinput", "-v", "0"],
        ["load_regions", "--root", "33", "--no-progress"],
        ["import_boundaries", str(BOUNDARIES), "--no-progress"],
        ["seed_demo"],
    ):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"manage.py {args[0]} failed:\n{done.stderr[-2000:]}")


def kb(n: int) -> str:
    return f"{n / 1024:,.0f} KB"


def budgets() -> None:
    """In-process, with the test client and the static finders (no collectstatic)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    os.environ["DEBUG"] = "1"
    import django

    django.setup()
    from django.contrib.staticfiles import finders
    from django.test import Client

    client = Client()
    html = client.get("/peta/").content
    sizes = {"/peta/ (HTML)": len(gzip.compress(html, 9))}
    for url in re.findall(rb'(?:src|href)="(/static/[^"]+\.(?:js|css))"', html):
        path = finders.find(url.decode().removeprefix("/static/"))
        sizes[url.decode()] = len(gzip.compress(Path(path).read_bytes(), 9))
    total = sum(sizes.values())
    log("page budget (gzip -9), before map data:")
    for name, size in sizes.items():
        log(f"  {name:<45} {kb(size):>8}")
    verdict = "ok" if total <= PAGE_BUDGET else "OVER BUDGET"
    log(f"  total {kb(total)} [{verdict}, budget {kb(PAGE_BUDGET)}]")
    record(
        bench="map",
        figure="/peta/ page, gzipped, before map data",
        result=total / 1024,
        unit="KB",
        target=f"<= {kb(PAGE_BUDGET)}",
        ok=total <= PAGE_BUDGET,
    )

    def served(url: str) -> int:
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, (url, response.status_code)
        body = response.content
        return len(body if response.get("Content-Encoding") else gzip.compress(body, 6))

    service_times(client)
    for level, name in ((1, "provinsi"), (2, "kabupaten/kota")):
        parts = {
            f"shapes/{level}.json": served(f"/peta/data/shapes/{level}.json"),
            f"zones.json?level={level}": served(f"/peta/data/zones.json?level={level}"),
            "summary.json": served("/peta/data/summary.json"),
        }
        total = sum(parts.values())
        verdict = "ok" if total <= NATIONAL_BUDGET else "OVER BUDGET"
        detail = ", ".join(f"{k} {kb(v)}" for k, v in parts.items())
        log(
            f"national map at {name} level: {kb(total)} gzipped ({detail}) "
            f"[{verdict}, budget {kb(NATIONAL_BUDGET)}]"
        )
        record(
            bench="map",
            figure=f"national map at {name} level, gzipped",
            result=total / 1024,
            unit="KB",
            target=f"<= {kb(NATIONAL_BUDGET)}",
            ok=total <= NATIONAL_BUDGET,
        )


def service_times(client) -> None:
    """Warm server time per request in this process (no HTTP, no queueing): what a
    worker spends on each answer, whatever the machine's load does to the open loop."""
    import statistics
    import time

    from core.areas.selectors import local_today

    today = local_today()
    urls = {
        "zones.json?level=3": f"/peta/data/zones.json?level=3&date={today}&lang=id",
        "area/33.74.10.json": f"/peta/data/area/33.74.10.json?date={today}&lang=id",
        "summary.json": f"/peta/data/summary.json?date={today}&lang=id",
        "shapes/3.json?within=33.74": "/peta/data/shapes/3.json?within=33.74",
    }
    log("warm service time in-process (Django test client, 300 requests each):")
    for name, url in urls.items():
        client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        times = []
        for _ in range(300):
            started = time.perf_counter()
            client.get(url, HTTP_ACCEPT_ENCODING="gzip")
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        log(
            f"  {name:<28} p50 {statistics.median(times):.2f} ms  "
            f"p99 {times[int(len(times) * 0.99) - 1]:.2f} ms"
        )


def bench_http(rate: float, seconds: float, workers: int) -> None:
    env = harness_env("map")
    db = (
        "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    cache = "Redis" if env.get("REDIS_URL") else "local-memory"
    import datetime as dt

    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).date()
    days = [today - dt.timedelta(days=n) for n in range(60)]
    kecamatan = [f"33.74.{n:02d}" for n in range(1, 17)]
    rng = random.Random(5)

    def url() -> tuple[str, dict]:
        pick = rng.random()
        day = rng.choice(days)
        lang = rng.choice(("id", "en"))
        if pick < 0.4:
            level = rng.choice((1, 2, 3))
            return f"/peta/data/zones.json?level={level}&date={day}&lang={lang}", {}
        if pick < 0.65:
            code = rng.choice(kecamatan)
            return f"/peta/data/area/{code}.json?date={day}&lang={lang}", {}
        if pick < 0.8:
            return f"/peta/data/summary.json?date={day}&lang={lang}", {}
        if pick < 0.9:
            return "/peta/data/shapes/3.json?within=33.74", {"Accept-Encoding": "gzip"}
        return "/peta/data/shapes/2.json", {"If-None-Match": etag2}

    def raw(path: str, headers: dict) -> bytes:
        return http_request("GET", path, host=HOST, port=PORT, headers=headers)

    with _Server(env, workers, host=HOST, port=PORT, log_path=SERVER_LOG) as server:
        import httpx

        etag2 = httpx.get(
            f"http://{HOST}:{PORT}/peta/data/shapes/2.json", timeout=120
        ).headers["ETag"]
        plan = [url() for _ in range(int(rate * seconds))]
        requests = [raw(p, h) for p, h in plan]
        warm = requests[:32]

        def run():
            return asyncio.run(
                harness_open_loop(
                    requests, rate, host=HOST, port=PORT, warm=warm, server=server
                )
            )

        baseline = asyncio.run(
            harness_open_loop(
                [raw("/api/v1/", {})] * int(rate * min(seconds, 4)),
                rate,
                host=HOST,
                port=PORT,
                server=server,
            )
        )
        cold = run()
        run()  # a cold pass cut short by load leaves answers unbuilt
        result = run()
        describe = server.describe()
    verdict = "ok" if result["p99"] <= P99_TARGET_MS else "ABOVE TARGET"
    log(
        f"map data over http on {db} + {cache}, {describe}, {rate:.0f} req/s open loop, "
        f"{len(requests)} requests over {len({p for p, _ in plan})} URLs:\n"
        f"  GET /api/v1/ (no-op baseline) p50 {baseline['p50']:.1f} ms  p99 {baseline['p99']:.1f} ms  "
        f"{cpu_text(baseline['cpu'])}\n"
        f"  cold  p50 {cold['p50']:.1f} ms  p99 {cold['p99']:.1f} ms  {cpu_text(cold['cpu'])}\n"
        f"  warm  p50 {result['p50']:.1f} ms  p99 {result['p99']:.1f} ms  "
        f"max {result['max']:.0f} ms  statuses {result['statuses']}  "
        f"[{verdict}, target p99 <= {P99_TARGET_MS:.0f} ms]  {cpu_text(result['cpu'])}"
    )
    record(
        bench="map",
        figure=f"map data p99, warm, at {rate:.0f}/s",
        result=result["p99"],
        unit="ms",
        target=f"p99 <= {P99_TARGET_MS:.0f} ms",
        baseline=baseline["p99"],
        ok=result["p99"] <= P99_TARGET_MS,
        cpu=result["cpu"],
    )


def main() -> None:
    parser = load_arguments(__doc__, rate=200.0, seconds=8.0)
    parser.add_argument("--http", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    load = os.getloadavg()
    log(f"machine load average {load[0]:.1f} / {load[1]:.1f} on {os.cpu_count()} CPUs")
    prepare(harness_env("map"))
    if args.http:
        bench_http(args.rate, args.seconds, args.workers)
    budgets()


if __name__ == "__main__":
    main()
