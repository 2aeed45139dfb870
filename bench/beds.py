"""Hospital beds and PSC 119, live: bed search under load, escalation -> console frame.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/beds.py \
        [--rate 200] [--seconds 5] [--hospitals 300] [--escalations 40]

1. Seeds (idempotent) the demo accounts, N hospitals around Java with a bed report
   each (three in four with free beds), residents with a critical self-check in Kota
   Semarang, and the demo PSC operator of Kota Semarang.
2. Starts Sigap as deployed on 127.0.0.1:8170 (granian WSGI workers; websockets on
   one daphne process on 127.0.0.1:8171).
3. GET /api/v1/facilities/beds?lat=&lng= (random points around Semarang, some with
   `kind`) at a fixed rate, open loop; printed next to the no-op GET /api/v1/ at the
   same rate. Target: p99 <= 50 ms at 200 requests/s.
4. The PSC console (/ws/psc/, operator token) connected; residents ask for help
   (POST /api/v1/psc/escalations) a few per second; for each, the time from sending
   the request to its `create` frame on the console. Target: p95 <= 1 s.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import random
import struct
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from harness import (  # noqa: E402
    Connection,
    CpuMeter,
    Server,
    cpu_text,
    http_request,
    load_arguments,
    log,
    manage,
    record,
    report_load,
    verdict,
)
from harness import open_loop as harness_open_loop  # noqa: E402
from harness import server_env as harness_env  # noqa: E402

HOST, PORT, WS_PORT = "127.0.0.1", 8170, 8171
TARGET_SEARCH_P99_MS, TARGET_FRAME_P95_MS = 50.0, 1000.0
SERVER_LOG = Path(tempfile.gettempdir()) / "sigap-bench-beds-server.log"

SETUP = """
import random, uuid
from django.utils import timezone
from core.services.tokens import token_issue
from core.beds.services import bed_report_submit
from core.demo import demo_accounts_ensure
from core.models import Escalation, Facility, Region, ResidentProfile, User
from selfcheck.services import assessment_submit
users = demo_accounts_ensure()
rng = random.Random(19)
now = timezone.now()
districts = list(Region.objects.filter(code__startswith="33.74.", level=3))
for n in range(HOSPITALS):
    facility, _ = Facility.objects.get_or_create(
        code=f"BENCHRS{n:05d}",
        defaults=dict(
            name=f"RS Uji {n}", kind="hospital", is_referral=n % 3 == 0,
            district=districts[n % len(districts)], phone="(024) 000000",
            address="Jl. Uji", latitude=rng.uniform(-8.0, -6.2),
            longitude=rng.uniform(106.0, 112.5),
        ),
    )
    free = 0 if n % 4 == 0 else rng.randint(1, 9)
    bed_report_submit(
        facility=facility, source="admin", report_key=f"bench-{now.isoformat()}",
        beds={"icu": {"total": 10, "free": free}, "isolation": {"total": 40, "free": free * 2},
              "igd": {"total": 20, "free": free}},
        oxygen_days="3",
    )
operator = users["psc_operator"]
print("OPERATOR=" + token_issue(user=operator, name="bench")[1])
# Earlier runs' escalations are closed, so each resident may ask again.
Escalation.objects.filter(resident__phone__startswith="+62811888").update(
    status="cancelled", taken_by=operator, closed_at=now
)
for n in range(RESIDENTS):
    phone = f"+62811888{n:05d}"
    user, _ = User.objects.get_or_create(phone=phone, defaults={"full_name": f"Warga {n}"})
    ResidentProfile.objects.update_or_create(
        user=user, defaults={"consent_given_at": now, "home_village_id": "33.74.10.1002"}
    )
    assessment_submit(
        actor=user, client_key=uuid.uuid4(), district_code="33.74.10", language="id",
        answers={"age": 60, "symptoms": ["fever"], "danger_signs": ["chest_pain"],
                 "spo2": 91, "exposure": "none", "comorbidities": [], "pregnant": False},
    )
    print("TOKEN=" + token_issue(user=user, name="bench")[1])
"""


def prepare(env, hospitals: int, residents: int) -> tuple[str, list[str]]:
    manage(env, "migrate", "--noinput", "-v", "0")
    code = f"HOSPITALS = {hospitals}\nRESIDENTS = {residents}\n{SETUP}"
    out = manage(env, "shell", "-c", code)
    operator = next(x[9:] for x in out.splitlines() if x.startswith("OPERATOR="))
    tokens = [x[6:] for x in out.splitlines() if x.startswith("TOKEN=")]
    return operator, tokens


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def search_requests(n: int) -> list[bytes]:
    rng = random.Random(7)
    kinds = [None, None, "icu", "isolation", "igd"]
    out = []
    for _ in range(n):
        lat, lng = rng.uniform(-7.2, -6.8), rng.uniform(110.2, 110.6)
        path = f"/api/v1/facilities/beds?lat={lat:.4f}&lng={lng:.4f}"
        kind = rng.choice(kinds)
        if kind:
            path += f"&kind={kind}"
        out.append(http_request("GET", path, host=HOST, port=PORT))
    return out


class Console:
    """A minimal websocket client (RFC 6455) reading the PSC console feed."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.created_seen: dict[int, float] = {}

    async def run(self, ready: asyncio.Event) -> None:
        reader, writer = await asyncio.open_connection(HOST, WS_PORT)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET /ws/psc/?token={self.token} HTTP/1.1\r\n"
                f"Host: {HOST}:{PORT}\r\nOrigin: http://{HOST}:{PORT}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise SystemExit("console websocket refused: " + head[:200].decode())
        ready.set()
        while True:
            b1, b2 = await reader.readexactly(2)
            length = b2 & 0x7F
            if length == 126:
                (length,) = struct.unpack(">H", await reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack(">Q", await reader.readexactly(8))
            payload = await reader.readexactly(length)
            if b1 & 0x0F == 0x8:
                return
            if b1 & 0x0F == 0x1:
                event = json.loads(payload).get("event") or {}
                if event.get("kind") == "create":
                    self.created_seen.setdefault(
                        event["escalation_id"], time.perf_counter()
                    )


async def escalations(
    operator: str, tokens: list[str], rate: float, server: Server
) -> dict:
    console = Console(operator)
    ready = asyncio.Event()
    feed = asyncio.ensure_future(console.run(ready))
    await asyncio.wait_for(ready.wait(), 10)
    sent: dict[int, float] = {}
    statuses: dict[int, int] = {}

    async def ask(i: int, token: str) -> None:
        await asyncio.sleep(i / rate)
        conn = Connection(HOST, PORT)
        raw = http_request(
            "POST",
            "/api/v1/psc/escalations",
            host=HOST,
            port=PORT,
            token=token,
            body={"consent": True, "lat": -7.06, "lng": 110.44},
        )
        started = time.perf_counter()
        try:
            status, body = await conn.request(raw)
        finally:
            conn.close()
        statuses[status] = statuses.get(status, 0) + 1
        if status in (200, 201):
            sent[json.loads(body)["id"]] = started

    meter = CpuMeter.for_server(server).start()
    await asyncio.gather(*(ask(i, t) for i, t in enumerate(tokens)))
    await asyncio.sleep(2)
    cpu = meter.stop(sum(n for code, n in statuses.items() if code > 0))
    feed.cancel()
    latencies = [
        (console.created_seen[pk] - t) * 1000
        for pk, t in sent.items()
        if pk in console.created_seen
    ]
    return {
        "sent": len(sent),
        "statuses": statuses,
        "missing": len(sent) - len(latencies),
        "p50": pct(latencies, 0.5),
        "p95": pct(latencies, 0.95),
        "max": max(latencies) if latencies else float("nan"),
        "cpu": cpu,
    }


def main() -> None:
    parser = load_arguments(__doc__, rate=200.0, seconds=5.0)
    parser.add_argument("--hospitals", type=int, default=300)
    parser.add_argument("--escalations", type=int, default=40)
    parser.add_argument("--escalation-rate", type=float, default=5.0)
    args = parser.parse_args()

    env = harness_env("beds")
    log(f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; seeding")
    operator, tokens = prepare(env, args.hospitals, args.escalations)
    server = Server(
        env, args.workers, host=HOST, port=PORT, log_path=SERVER_LOG, websockets=True
    )
    if server.ws_port != server.port:
        server.ws_port = WS_PORT
    log(f"starting {server.describe()} on {HOST}:{PORT}")
    server.start(timeout=240)  # a loaded machine loads Django slowly
    try:
        n = int(args.rate * args.seconds)
        warm = search_requests(32)
        base = asyncio.run(
            harness_open_loop(
                [http_request("GET", "/api/v1/", host=HOST, port=PORT)] * n,
                args.rate,
                host=HOST,
                port=PORT,
                warm=warm,
                server=server,
            )
        )
        server.drain()
        r = asyncio.run(
            harness_open_loop(
                search_requests(n),
                args.rate,
                host=HOST,
                port=PORT,
                warm=warm,
                server=server,
            )
        )
        ok = r["p99"] <= TARGET_SEARCH_P99_MS and set(r["statuses"]) == {200}
        print(
            f"baseline GET /api/v1/: {base['rate']:.0f}/s, p50 {base['p50']:.1f} ms, "
            f"p99 {base['p99']:.1f} ms; {cpu_text(base['cpu'])}"
        )
        report_load(
            bench="beds",
            title=f"bed search GET /facilities/beds ({args.hospitals} hospitals, "
            f"{server.describe()})",
            figure=f"bed search p99 at {args.rate:.0f}/s",
            phase=r,
            target=f"p99 <= {TARGET_SEARCH_P99_MS:.0f} ms",
            ok=ok,
            baseline=base,
        )
        server.drain()
        e = asyncio.run(escalations(operator, tokens, args.escalation_rate, server))
        ok = e["missing"] == 0 and e["p95"] <= TARGET_FRAME_P95_MS
        print(
            f"escalation POST -> console frame: {e['sent']} escalations "
            f"({e['statuses']}), p50 {e['p50']:.0f} ms, p95 {e['p95']:.0f} ms, "
            f"max {e['max']:.0f} ms, not received {e['missing']} "
            f"[{verdict(ok)}, target p95 <= {TARGET_FRAME_P95_MS:.0f} ms]; "
            + cpu_text(e["cpu"], per="escalation")
        )
        record(
            bench="beds",
            figure="escalation -> PSC console frame p95",
            result=e["p95"],
            unit="ms",
            target=f"p95 <= {TARGET_FRAME_P95_MS:.0f} ms, none lost",
            ok=ok,
            cpu=e["cpu"],
            note=f"{e['sent']} escalations, {e['missing']} not received",
        )
    finally:
        server.stop()
    print(f"machine load average (1 min): {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
