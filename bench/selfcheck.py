"""Self-check performance: rule throughput in-process, submission latency live.

    .venv/bin/python bench/selfcheck.py [--rate 200] [--seconds 6] [--workers N]

1. Evaluates triage rules in-process (target >= 50,000 assessments/s).
2. Starts Sigap itself: N daphne workers (default: one per CPU) sharing one socket on
   127.0.0.1:8104, with DATABASE_URL / REDIS_URL when set (else a SQLite file in the
   temp dir). Then sends requests at a fixed rate, open loop (latency counts from the
   scheduled send time, so a server that falls behind cannot hide its queue), to:
   a no-op endpoint (baseline, GET /api/v1/), anonymous submissions, and signed-in
   submissions (token auth, consent check, audit row).
   Target: submission p99 <= 50 ms at 200 requests/s on PostgreSQL + Redis, and
   p99 <= 75 ms at 300/s (--rate 300, the next load step).

The run stays under 60 s: requests still unanswered 3 s after a phase are cut off and
counted at the cut-off. The anonymous/user throttles are raised for the server it
starts (they still run), since every request comes from one address.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import (  # noqa: E402
    CPU_HEADER,
    Server,
    cpu_columns,
    http_request,
    load_arguments,
    log,
    record,
    remaining,
)
from harness import open_loop as harness_open_loop  # noqa: E402
from harness import server_env as harness_env  # noqa: E402

HOST, PORT = "127.0.0.1", 8104
RULE_TARGET_PER_S = 50_000
P99_TARGET_MS = 50.0
# Issue 21's next load step: at 300 submissions/s, p99 <= 75 ms.
NEXT_STEP_RATE, NEXT_STEP_P99_MS = 300.0, 75.0
DEADLINE_S = 58.0
STARTED = time.monotonic()
CONNECTIONS = 32
USERS = 60  # signed-in residents; each stays far below the per-user throttle
SERVER_LOG = Path(tempfile.gettempdir()) / "sigap-bench-selfcheck-server.log"


# --- 1. rules in-process ------------------------------------------------------------


def random_answers(rng: random.Random) -> dict:
    from selfcheck import rules

    return {
        "age": rng.randint(0, 100),
        "symptoms": rng.sample(rules.SYMPTOMS, rng.randint(0, 4)),
        "danger_signs": rng.sample(rules.DANGER_SIGNS, 1)
        if rng.random() < 0.03
        else [],
        "temperature_c": round(rng.uniform(36, 40), 1) if rng.random() < 0.5 else None,
        "spo2": rng.randint(92, 100) if rng.random() < 0.4 else None,
        "respiratory_rate": rng.randint(12, 26) if rng.random() < 0.3 else None,
        "exposure": rng.choice(rules.EXPOSURES),
        "comorbidities": rng.sample(rules.COMORBIDITIES, rng.randint(0, 2)),
        "pregnant": False,
    }


def bench_rules(seconds: float = 1.0) -> tuple[float, float]:
    from selfcheck import rules

    rng = random.Random(4)
    raw = [random_answers(rng) for _ in range(2000)]
    parsed = [rules.parse_answers(r) for r in raw]

    def rate(fn) -> float:
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            n += sum(1 for _ in fn())
        return n / (time.perf_counter() - start)

    evaluate_only = rate(lambda: (rules.evaluate(a, "triage-v1") for a in parsed))
    parse_and_evaluate = rate(
        lambda: (rules.evaluate(rules.parse_answers(r), "triage-v1") for r in raw)
    )
    return evaluate_only, parse_and_evaluate


# --- 2. live server -------------------------------------------------------------------

SETUP = """
from django.utils import timezone
from core.services.tokens import token_issue
from core.demo import demo_facilities_ensure
from core.models import Region, ResidentProfile, User
from core.services.regions import regions_load

if not Region.objects.filter(code="33.74.10").exists():
    regions_load(root="33.74")
demo_facilities_ensure()
Region.objects.filter(code="33.74.10", latitude__isnull=True).update(
    latitude=-7.0566, longitude=110.4408
)
for n in range(USERS):
    user, _ = User.objects.get_or_create(
        phone=f"+62811999{n:05d}", defaults={"full_name": "Bench"}
    )
    ResidentProfile.objects.update_or_create(
        user=user, defaults={"consent_given_at": timezone.now()}
    )
    print("TOKEN=" + token_issue(user=user, name="bench")[1])
"""


def server_env() -> dict[str, str]:
    return harness_env("selfcheck")


def prepare(env: dict[str, str]) -> list[str]:
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=max(remaining(DEADLINE_S) - 35, 5),
    )
    out = subprocess.run(
        [python, "manage.py", "shell", "-c", f"USERS = {USERS}\n{SETUP}"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    ).stdout
    return [line[6:] for line in out.splitlines() if line.startswith("TOKEN=")]


def http(method: str, path: str, body: dict | None = None, token: str | None = None):
    return http_request(method, path, host=HOST, port=PORT, body=body, token=token)


async def run_phase(
    name: str, make_request, rate: float, seconds: float, server: Server
) -> dict:
    # Requests are built before the clock runs; the warm-up is not measured.
    result = await harness_open_loop(
        [make_request() for _ in range(int(rate * seconds))],
        rate,
        host=HOST,
        port=PORT,
        connections=CONNECTIONS,
        # Every signed-in resident once (a token's first request reads the database,
        # later ones the cache), then as many as there are connections.
        warm=getattr(make_request, "warm", [])
        + [make_request() for _ in range(CONNECTIONS)],
        server=server,
    )
    return {"name": name, **result}


def submission(tokens: list[str]):
    rng = random.Random()

    def make(token: str | None = None) -> bytes:
        body = {
            **random_answers(rng),
            "district_code": rng.choice(["33.74.10", "33.74.03", "33.74.07"]),
            "client_key": str(uuid.uuid4()),
        }
        token = token or (rng.choice(tokens) if tokens else None)
        return http("POST", "/api/v1/selfcheck/assessments", body, token)

    make.warm = [make(token) for token in tokens]
    return make


def noop() -> bytes:
    return http("GET", "/api/v1/")


def main() -> None:
    parser = load_arguments(
        __doc__,
        rate=200.0,
        seconds=6.0,
        rate_help="requests per second",
        seconds_help="per phase",
    )
    args = parser.parse_args()

    evaluate_only, parse_and_evaluate = bench_rules()
    verdict = "ok" if evaluate_only >= RULE_TARGET_PER_S else "BELOW TARGET"
    print(
        f"rules in-process: evaluate {evaluate_only:,.0f}/s [{verdict}, target "
        f"{RULE_TARGET_PER_S:,}/s]; parse+evaluate {parse_and_evaluate:,.0f}/s"
    )
    record(
        bench="selfcheck",
        figure="triage rules in-process",
        result=evaluate_only,
        unit="/s",
        target=f">= {RULE_TARGET_PER_S:,}/s",
        ok=evaluate_only >= RULE_TARGET_PER_S,
        note=f"parse+evaluate {parse_and_evaluate:,.0f}/s",
    )

    env = server_env()
    db = (
        "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    )
    cache = "Redis" if env.get("REDIS_URL") else "local-memory"
    log("migrating and seeding")
    tokens = prepare(env)
    log("starting server")
    server = Server(env, args.workers, host=HOST, port=PORT, log_path=SERVER_LOG)
    server.start()
    log("server ready")
    try:
        seconds = min(args.seconds, max((remaining(DEADLINE_S) - 2) / 3 - 9, 1))
        print(
            f"live: {server.describe()} on {HOST}:{PORT}, {db} + {cache}"
            f" cache; {args.rate:.0f} req/s for {seconds:.1f} s per phase"
        )
        phases = [
            ("baseline GET /api/v1/ (no-op)", noop),
            ("POST assessments (anonymous)", submission([])),
            ("POST assessments (signed in)", submission(tokens)),
        ]
        results = []
        for name, make in phases:
            results.append(
                asyncio.run(run_phase(name, make, args.rate, seconds, server))
            )
            log(f"done: {name}")
            server.drain()
    finally:
        server.stop()

    print(
        f"{'phase':32} {'sent':>5} {'done/s':>7} {'p50 ms':>7} {'p99 ms':>8} "
        f"{'max ms':>8}  {CPU_HEADER} (cpu ms/req)  "
        "statuses (-1: cut off, 0: connection error)"
    )
    for r in results:
        print(
            f"{r['name']:32} {r['sent']:>5} {r['rate']:>7.1f} {r['p50']:>7.1f} "
            f"{r['p99']:>8.1f} {r['max']:>8.1f}  {cpu_columns(r.get('cpu'))}"
            f"               {r['statuses']}"
        )
    baseline = results[0]
    target_ms = NEXT_STEP_P99_MS if args.rate >= NEXT_STEP_RATE else P99_TARGET_MS
    if baseline["rate"] < 0.95 * args.rate or baseline["p99"] > target_ms:
        print(
            f"note: even the no-op baseline misses {args.rate:.0f} req/s or a p99 of "
            f"{target_ms:.0f} ms: this machine is saturated (load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs), so the verdicts "
            "below describe the machine more than the endpoint."
        )
    for r in results[1:]:
        ok = r["p99"] <= target_ms and set(r["statuses"]) <= {201}
        print(
            f"{r['name']}: p99 {r['p99']:.1f} ms ({r['p99'] - baseline['p99']:+.1f} ms"
            f" vs baseline) -> {'ok' if ok else 'ABOVE TARGET'} (target p99 <= "
            f"{target_ms:.0f} ms at {args.rate:.0f} req/s)"
        )
        record(
            bench="selfcheck",
            figure=r["name"] + " p99",
            result=r["p99"],
            unit="ms",
            target=f"p99 <= {target_ms:.0f} ms at {args.rate:.0f}/s",
            baseline=baseline["p99"],
            ok=ok,
            cpu=r.get("cpu"),
        )
    print(f"total {time.monotonic() - STARTED:.1f} s; server log: {SERVER_LOG}")


if __name__ == "__main__":
    main()
