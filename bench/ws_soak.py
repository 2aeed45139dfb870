"""Websocket soak: idle dashboard and consultation-room sockets must stay open.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/ws_soak.py \
        [--seconds 600] [--dashboards 4] [--probe-every 60] [--port 8107]

1. Starts Sigap as deployed (harness.Server: granian + one daphne for /ws/ on
   port+1000, or daphne alone with SIGAP_BENCH_SERVER=daphne) on DATABASE_URL /
   REDIS_URL (with REDIS_URL the sockets ride the real Redis channel layer).
2. Opens N dashboard sockets (a nurse's token) and one consultation room (patient and
   doctor), and leaves them idle.
3. Every --probe-every seconds a resident sends a check-in and the patient writes in
   the room: every dashboard must get the event and the doctor the message within 5 s.
4. Prints drops (close frames, EOF), probes answered and their latency. Exit status 1
   on any drop or missed probe. Target: 10 minutes with no drop (the redis-py 8 socket
   timeout used to close every idle socket after ~5.6 s).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import struct
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from harness import Connection, Server, http_request, log, manage, record  # noqa: E402
from harness import server_env as harness_env  # noqa: E402

HOST = "127.0.0.1"
SERVER_LOG = Path(tempfile.gettempdir()) / "sigap-bench-ws-soak-server.log"
STARTED = time.monotonic()
PROBE_TIMEOUT = 5.0

SETUP = """
import datetime as dt
from django.utils import timezone
from core.services.tokens import token_issue
from core.demo import demo_accounts_ensure
from core.models import ResidentProfile, User
from isolation import services
from isolation.models import Isolation
from isolation.teleconsult.models import Booking

users = demo_accounts_ensure()
nurse = users["nurse"]
phone = "+6281177799999"
patient, _ = User.objects.get_or_create(phone=phone, defaults={"full_name": "Uji Soak"})
ResidentProfile.objects.update_or_create(
    user=patient, defaults={"consent_given_at": timezone.now()}
)
if not Isolation.objects.filter(patient=patient, status="active").exists():
    services.isolation_enroll(
        actor=nurse, phone=phone, full_name="Uji Soak", consent_at_puskesmas=True,
        reason="close_contact",
    )
now = timezone.now()
Booking.objects.filter(patient=patient, status="booked").update(status="cancelled")
booking = Booking.objects.create(
    doctor=nurse, patient=patient, facility_id=nurse.facility_id,
    start=now + dt.timedelta(minutes=5), end=now + dt.timedelta(minutes=5, seconds=SECONDS),
    scheduled_at=now - dt.timedelta(days=1),
)
print("NURSE=" + token_issue(user=nurse, name="bench")[1])
print("PATIENT=" + token_issue(user=patient, name="bench")[1])
print(f"BOOKING={booking.pk}")
"""


class Socket:
    """A minimal RFC 6455 client: text frames in, masked text frames out."""

    def __init__(self, name: str, port: int, path: str) -> None:
        self.name, self.port, self.path = name, port, path
        self.frames: asyncio.Queue[dict] = asyncio.Queue()
        self.closed_at: float | None = None
        self.close_reason = ""

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        key = base64.b64encode(os.urandom(16)).decode()
        self.writer.write(
            (
                f"GET {self.path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
                f"Origin: http://{HOST}:{self.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise SystemExit(f"{self.name} refused: " + head[:200].decode())
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            while True:
                b1, b2 = await self.reader.readexactly(2)
                length = b2 & 0x7F
                if length == 126:
                    (length,) = struct.unpack(">H", await self.reader.readexactly(2))
                elif length == 127:
                    (length,) = struct.unpack(">Q", await self.reader.readexactly(8))
                payload = await self.reader.readexactly(length)
                opcode = b1 & 0x0F
                if opcode == 0x9:
                    self._send(0xA, payload)
                elif opcode == 0x8:
                    code = struct.unpack(">H", payload[:2])[0] if payload else None
                    self.close_reason = f"close frame {code}"
                    break
                elif opcode == 0x1:
                    await self.frames.put(json.loads(payload))
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            self.close_reason = type(exc).__name__
        self.closed_at = time.monotonic()
        log(f"{self.name} DROPPED: {self.close_reason}")

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        length = len(payload)
        if length < 126:
            head = bytes([0x80 | opcode, 0x80 | length])
        else:
            head = bytes([0x80 | opcode, 0x80 | 126]) + struct.pack(">H", length)
        self.writer.write(head + mask + masked)

    def send_json(self, data: dict) -> None:
        self._send(0x1, json.dumps(data).encode())

    async def wait_for(self, predicate) -> float | None:
        """Seconds until a frame matching `predicate` arrives (None: not in time)."""
        started = time.monotonic()
        deadline = started + PROBE_TIMEOUT
        while (left := deadline - time.monotonic()) > 0:
            try:
                frame = await asyncio.wait_for(self.frames.get(), left)
            except TimeoutError:
                return None
            if predicate(frame):
                return time.monotonic() - started
        return None

    def close(self) -> None:
        self.task.cancel()
        self.writer.close()


async def soak(args, ws_port: int, http_port: int, tokens: dict[str, str]) -> bool:
    dashboards = [
        Socket(f"dashboard {n + 1}", ws_port, f"/ws/dashboard/?token={tokens['NURSE']}")
        for n in range(args.dashboards)
    ]
    room = f"/ws/teleconsult/{tokens['BOOKING']}/?token="
    patient = Socket("room (patient)", ws_port, room + tokens["PATIENT"])
    doctor = Socket("room (doctor)", ws_port, room + tokens["NURSE"])
    sockets = [*dashboards, patient, doctor]
    for sock in sockets:
        await sock.open()
    log(f"{len(sockets)} sockets open; idle, probing every {args.probe_every:.0f} s")
    http = Connection(HOST, http_port)
    probes, missed, latencies = 0, 0, []
    deadline = time.monotonic() + args.seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(min(args.probe_every, max(deadline - time.monotonic(), 0)))
        for sock in sockets:  # drop what arrived while idle (history, replays)
            while not sock.frames.empty():
                sock.frames.get_nowait()
        probes += 1
        text = f"probe {probes}"
        status, body = await http.request(
            http_request(
                "POST",
                "/api/v1/isolation/checkins",
                host=HOST,
                port=http_port,
                body={"client_id": f"soak-{uuid.uuid4().hex[:16]}", "spo2": 97},
                token=tokens["PATIENT"],
            )
        )
        if status != 201:
            log(f"probe {probes}: check-in answered {status} {body[:200]!r}")
        patient.send_json({"type": "message", "text": text})
        waits = await asyncio.gather(
            *(
                d.wait_for(lambda f: f.get("type") == "event")
                for d in dashboards
                if d.closed_at is None
            ),
            doctor.wait_for(lambda f, text=text: f.get("text") == text)
            if doctor.closed_at is None
            else asyncio.sleep(0),
        )
        late = [w for w in waits if w is None]
        missed += len(late) + sum(s.closed_at is not None for s in sockets)
        latencies += [w for w in waits if w is not None]
        log(
            f"probe {probes}: {len(waits) - len(late)}/{len(sockets) - 1} answered, "
            f"{sum(s.closed_at is not None for s in sockets)} dropped"
        )
    http.close()
    for sock in sockets:
        sock.close()
    dropped = [s for s in sockets if s.closed_at is not None]
    ok = not dropped and missed == 0
    print(
        f"websocket soak {args.seconds:.0f} s, {len(sockets)} sockets "
        f"({args.dashboards} dashboards + a consultation room): "
        f"{len(dropped)} dropped, {probes} probes, {missed} missed answers, "
        f"latency max {max(latencies, default=0) * 1000:.0f} ms "
        f"[{'OK' if ok else 'FAIL'}, target 0 dropped over 600 s]"
    )
    record(
        bench="ws_soak",
        figure=f"idle websockets dropped over {args.seconds:.0f} s",
        result=len(dropped),
        unit="dropped",
        target="0 dropped (and no probe missed) over 600 s",
        ok=ok,
        note=f"{len(sockets)} sockets, {probes} probes, {missed} missed answers",
    )
    for sock in dropped:
        print(
            f"  {sock.name}: {sock.close_reason} after {sock.closed_at - STARTED:.1f} s"
        )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--dashboards", type=int, default=4)
    parser.add_argument("--probe-every", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=8107)
    args = parser.parse_args()

    env = harness_env("ws-soak")
    manage(env, "migrate", "--noinput", "-v", "0")
    seconds = int(args.seconds) + 3600
    out = manage(env, "shell", "-c", f"SECONDS = {seconds}\n{SETUP}")
    tokens = dict(
        line.split("=", 1)
        for line in out.splitlines()
        if "=" in line and line[0] != " "
    )
    layer = "Redis" if env.get("REDIS_URL") else "in-memory"
    server = Server(
        env, 1, host=HOST, port=args.port, log_path=SERVER_LOG, websockets=True
    )
    log(f"starting {server.describe()} ({layer} channel layer) on {HOST}:{args.port}")
    with server:
        ok = asyncio.run(soak(args, server.ws_port, server.port, tokens))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
