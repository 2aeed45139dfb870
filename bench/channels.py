"""Chat adapters: webhook intake throughput/p99 and the duplicate-delivery test.

    .venv/bin/python bench/channels.py [--updates 3000] [--threads 4]

Runs in-process through Django's WSGI handler (django.test.Client) against a
throwaway database: `test_<name>` on DATABASE_URL's server when set, else a SQLite
file in the temp dir. Never touches your own database.

1. Intake: N Telegram updates POSTed with the secret header from T threads; each is
   verified, stored once and acknowledged. The processing enqueue is replaced by a
   list append here (with Redis that is one LPUSH), so this measures the webhook.
   Targets: >= 300 updates/s, p99 <= 100 ms.
2. Duplicates: 1,000 updates, each POSTed 3 times concurrently (3 threads, own
   orders); then every stored update's task runs 3 times concurrently with an echo
   engine, replies going through the outbox to a local fake Bot API.
   Target: exactly 1,000 processed and 1,000 replies sent.
Rates are raised for the run (the platform limits would make 1,000 sends take 33 s).
3. With REDIS_URL set: the same intake over HTTP against Sigap as deployed (the
   production server) on the throwaway database, open loop at --rate updates/s; the
   processing tasks go to the real Redis broker (purged afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This file is named like the `channels` package: keep bench/ off the import path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
os.environ.setdefault("DEBUG", "1")
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(
        Path(tempfile.gettempdir()) / "sigap-bench-chan.sqlite3"
    )
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SECRET = "bench-secret"
TOKEN = "123456:BENCH"


def update(update_id: int, chat_id: int, text: str) -> bytes:
    return json.dumps(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id % 100000,
                "from": {"id": chat_id, "is_bot": False, "first_name": "Uji"},
                "chat": {"id": chat_id, "type": "private", "first_name": "Uji"},
                "date": 1700000000,
                "text": text,
            },
        }
    ).encode()


def post_all(bodies: list[bytes], threads: int) -> tuple[list[float], float, list[int]]:
    latencies: list[float] = []
    codes: list[int] = []
    lock = threading.Lock()
    chunks = [bodies[i::threads] for i in range(threads)]

    def run(chunk):
        client = Client()
        mine, my_codes = [], []
        for body in chunk:
            t0 = time.perf_counter()
            r = client.post(
                "/api/v1/chatbot/telegram/webhook",
                data=body,
                content_type="application/json",
                HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET,
            )
            mine.append(time.perf_counter() - t0)
            my_codes.append(r.status_code)
        connections.close_all()
        with lock:
            latencies.extend(mine)
            codes.extend(my_codes)

    started = time.perf_counter()
    workers = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return latencies, time.perf_counter() - started, codes


def load_harness():
    """bench/harness.py, loaded by path: bench/ must stay off sys.path here."""
    spec = importlib.util.spec_from_file_location(
        "harness", ROOT / "bench" / "harness.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


harness = load_harness()


def intake_over_http(db_name: str, rate: float, seconds: float) -> bool:
    from urllib.parse import urlsplit, urlunsplit

    host, port = "127.0.0.1", 8108
    parts = urlsplit(os.environ["DATABASE_URL"])
    env = harness.server_env(
        "channels",
        DATABASE_URL=urlunsplit(parts._replace(path="/" + db_name)),
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        TELEGRAM_BOT_TOKEN=TOKEN,
    )
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}

    def raw(i: int) -> bytes:
        body = json.loads(update(30_000_000 + i, 9000 + i % 500, f"http {i}"))
        return harness.http_request(
            "POST",
            "/api/v1/chatbot/telegram/webhook",
            host=host,
            port=port,
            body=body,
            headers=headers,
        )

    total = int(rate * seconds)
    log_path = Path(tempfile.gettempdir()) / "sigap-bench-channels-server.log"
    server = harness.Server(
        env, harness.default_workers(), host=host, port=port, log_path=log_path
    )
    with server:
        result = asyncio.run(
            harness.open_loop(
                [raw(i) for i in range(total)],
                rate,
                host=host,
                port=port,
                warm=[raw(total + i) for i in range(32)],
                server=server,
            )
        )
    good = (result["rate"] >= 300 * 0.98 and result["p99"] <= 100) and set(
        result["statuses"]
    ) == {200}
    print(
        f"intake over HTTP ({server.describe()}, {connection.vendor} + Redis broker): "
        f"{result['sent']} updates at {rate:.0f}/s -> {result['rate']:.0f}/s acknowledged, "
        f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, {result['statuses']} "
        f"(target >= 300/s, p99 <= 100 ms) {'OK' if good else 'MISSED'}; "
        + harness.cpu_text(result["cpu"], per="update")
    )
    harness.record(
        bench="channels",
        figure=f"webhook intake over HTTP p99 at {rate:.0f}/s",
        result=result["p99"],
        unit="ms",
        target=">= 300/s, p99 <= 100 ms",
        ok=good,
        cpu=result["cpu"],
        note=f"{result['rate']:.0f}/s acknowledged",
    )
    return good


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] * 1000 if len(values) > 1 else 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()

    from core.celery import app

    setup_test_environment()
    settings.TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.CHATBOT_TELEGRAM_RATE = 100000.0
    settings.CHATBOT_TELEGRAM_CHAT_RATE = 100000.0
    if connection.vendor == "sqlite":  # a file, not shared-cache memory (table locks)
        connection.settings_dict["TEST"]["NAME"] = str(
            Path(tempfile.gettempdir()) / "sigap-bench-chan-test.sqlite3"
        )
    from chatbot.channels import intake, processing
    from chatbot.channels.models import InboundUpdate, OutboundMessage
    from chatbot.conversation.types import Reply
    from tests.channels.helpers import TG_TOKEN, FakeServer, telegram_handler

    t0 = time.perf_counter()
    # A run that crashed may have left its database: replace it, do not ask.
    db_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=False
    )
    print(
        f"database: {connection.vendor} ({db_name}), ready in {time.perf_counter() - t0:.1f} s"
    )

    assert TG_TOKEN  # the fake server answers /bot<TG_TOKEN>/...
    settings.TELEGRAM_BOT_TOKEN = TG_TOKEN
    queued: list[int] = []
    intake.enqueue_processing = queued.append
    ok = True
    try:
        # 1. Intake -------------------------------------------------------------------
        bodies = [
            update(10_000_000 + i, 100 + i % 500, f"pesan {i}")
            for i in range(args.updates)
        ]
        post_all(bodies[:200], args.threads)  # warm up
        # PostgreSQL is left out: in-process, every request opens and closes its own
        # connection, and a backend that exits takes its CPU time with it.
        meter = harness.CpuMeter(
            {"bench process": [os.getpid()]}, redis_url=os.environ.get("REDIS_URL")
        ).start()
        latencies, wall, codes = post_all(bodies[200:], args.threads)
        cpu = meter.stop(len(latencies))
        rate = len(latencies) / wall
        p50, p99 = p(latencies, 50), p(latencies, 99)
        good = rate >= 300 and p99 <= 100 and set(codes) == {200}
        ok &= good
        print(
            f"intake: {len(latencies)} updates in {wall:.2f} s = {rate:.0f} updates/s, "
            f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, {args.threads} threads "
            f"(target >= 300/s, p99 <= 100 ms) {'OK' if good else 'MISSED'}; "
            + harness.cpu_text(cpu, per="update")
            + " (the bench process: Django and its test client; PostgreSQL not "
            "counted, a connection per request)"
        )
        harness.record(
            bench="channels",
            figure="webhook intake in-process p99",
            result=p99,
            unit="ms",
            target=">= 300/s, p99 <= 100 ms",
            ok=good,
            cpu=cpu,
            note=f"{rate:.0f} updates/s, {args.threads} threads",
        )

        # 2. Duplicates -----------------------------------------------------------------
        InboundUpdate.objects.all().delete()
        queued.clear()
        fake = FakeServer(telegram_handler)
        settings.TELEGRAM_API_BASE_URL = fake.url
        app.conf.task_always_eager = True
        processing.engine_handle = lambda inbound: [Reply(text=f"echo {inbound.text}")]
        dup = [update(20_000_000 + i, 5000 + i % 200, f"dup {i}") for i in range(1000)]
        t0 = time.perf_counter()
        orders = [dup, list(reversed(dup)), dup[500:] + dup[:500]]
        results = []
        threads = [
            threading.Thread(target=lambda o=o: results.append(post_all(o, 2)))
            for o in orders
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        posted = sum(len(r[2]) for r in results)
        ids = list(queued)

        def process(pk):
            try:
                processing.chat_updates_process(update_id=pk)
            finally:
                connections.close_all()

        with ThreadPoolExecutor(max_workers=6) as pool:
            list(pool.map(process, ids * 3))
        elapsed = time.perf_counter() - t0
        done = InboundUpdate.objects.filter(status="done").count()
        stored = InboundUpdate.objects.count()
        replies = OutboundMessage.objects.filter(status="sent").count()
        sends = len(fake.methods("sendMessage"))
        good = (stored, done, replies, sends) == (1000, 1000, 1000, 1000)
        ok &= good
        print(
            f"duplicates: {posted} POSTs of 1000 updates -> stored {stored}, "
            f"processed {done}, replies {replies}, sendMessage calls {sends} "
            f"in {elapsed:.1f} s (target exactly 1000) {'OK' if good else 'MISSED'}"
        )
        harness.record(
            bench="channels",
            figure="duplicates: 3 x 1000 updates -> replies sent",
            result=sends,
            unit="",
            target="exactly 1000 stored, processed, replied, sent",
            ok=good,
            note=f"stored {stored}, processed {done}, replies {replies}",
        )
        fake.close()

        # 3. Intake over HTTP ------------------------------------------------------------
        if os.environ.get("REDIS_URL") and connection.vendor == "postgresql":
            app.conf.task_always_eager = False
            try:
                ok &= intake_over_http(db_name, args.rate, args.seconds)
            finally:
                app.control.purge()  # the processing tasks nobody will run
        else:
            print(
                "intake over HTTP: skipped (needs DATABASE_URL=postgres://... and REDIS_URL)"
            )
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(db_name, verbosity=0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
