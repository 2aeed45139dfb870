"""What every HTTP benchmark needs: Sigap served as deployed, and a load client.

The server runs as production does (README "Deployment"): HTTP on granian's WSGI
workers, each process serving one request at a time, and, for benchmarks that need
websockets, one daphne process for `/ws/` beside them (nginx routes the two in
production). SIGAP_BENCH_SERVER=daphne serves everything from daphne workers instead,
as `make run` and a one-process deployment do. The client is a bare keep-alive
HTTP/1.1 connection: the load generator shares the CPUs with the server, so it must
cost as little as possible per request.

Beside latency, every HTTP phase reports CPU milliseconds per request answered
(`CpuMeter`): the server's processes, PostgreSQL's backends serving the bench's database
and the redis-server process, from /proc before and after the measured window. The
figures and verdicts also go, one JSON line each, to the file named by
SIGAP_BENCH_RESULTS (`record`; bench/run_all.py, `make bench`, collects them).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# A script run as `python bench/x.py` has bench/ first on sys.path, where channels.py
# would shadow the Django Channels package once Django starts in-process. Importing
# this module is the scripts' first step: from here on, bench/ is off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]


STARTED = time.monotonic()


def log(message: str) -> None:
    """A progress line on stderr, stamped with the seconds since the bench started."""
    print(
        f"[{time.monotonic() - STARTED:6.1f} s] {message}", file=sys.stderr, flush=True
    )


def remaining(deadline_s: float) -> float:
    """Seconds left of a bench that must end `deadline_s` after it started."""
    return deadline_s - (time.monotonic() - STARTED)


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    """`manage.py <args>` with the server's settings; its output, or the bench ends
    with the command's error output."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise SystemExit(f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def load_arguments(
    doc: str | None,
    *,
    rate: float | None = None,
    seconds: float,
    rate_help: str | None = None,
    seconds_help: str | None = None,
) -> argparse.ArgumentParser:
    """The options every load bench takes (rate, seconds, server workers); SIGTERM
    ends the run through the normal exit, so the servers it started are stopped."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    if rate is not None:
        parser.add_argument("--rate", type=float, default=rate, help=rate_help)
    parser.add_argument("--seconds", type=float, default=seconds, help=seconds_help)
    parser.add_argument("--workers", type=int, default=default_workers())
    return parser


def server_env(name: str, **overrides: str) -> dict[str, str]:
    """Production settings for the server processes. Without DATABASE_URL, a scratch
    SQLite file per benchmark. Clients are told apart by X-Forwarded-For, as behind a
    real proxy, so per-address throttles run with their production limits."""
    env = dict(os.environ)
    if not env.get("DATABASE_URL"):
        env.setdefault(
            "SQLITE_PATH",
            str(Path(tempfile.gettempdir()) / f"sigap-bench-{name}.sqlite3"),
        )
    env.update(
        DJANGO_SETTINGS_MODULE="core.settings",
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        NUM_PROXIES="1",
    )
    # Under ASGI every request may run on a fresh thread, and Django's connections are
    # per thread: persistent ones would pile up until PostgreSQL refuses clients.
    env.setdefault("DB_CONN_MAX_AGE", "0")
    # As deployed (README "Deployment"): the web process borrows pooled connections.
    env.setdefault("DB_POOL_SIZE", "8" if server_kind() == "daphne" else "4")
    env.update(overrides)
    return env


def interpreter() -> str:
    """Which CPython serves: the same code costs about a quarter more CPU per request
    on a build without profile-guided optimisation (README "Deployment")."""
    base = getattr(sys, "_base_executable", sys.executable)
    return f"Python {platform.python_version()} ({os.path.realpath(base)})"


def server_kind() -> str:
    return os.environ.get("SIGAP_BENCH_SERVER") or "granian"


def default_workers() -> int:
    """As README "Deployment" sizes them: one process per CPU, granian's running
    `default_threads()` requests each (one runs while another waits on PostgreSQL or
    Redis), daphne's several on its own thread pool."""
    return os.cpu_count() or 1


def default_threads() -> int:
    """Threads per granian worker: GRANIAN_BLOCKING_THREADS, as deployed, else 2."""
    return int(os.environ.get("GRANIAN_BLOCKING_THREADS") or 2)


def _granian(host: str, port: int, workers: int) -> list[str]:
    return [
        str(Path(sys.executable).parent / "granian"),
        "--interface", "wsgi",
        "--host", host,
        "--port", str(port),
        "--workers", str(workers),
        "--blocking-threads", str(default_threads()),
        "--no-access-log",
        "--log-level", "warning",
        "core.wsgi:application",
    ]  # fmt: skip


def _daphne(fd: int) -> list[str]:
    return [str(Path(sys.executable).parent / "daphne"), "--fd", str(fd), "core.asgi:application"]  # fmt: skip


class Server:
    """Sigap on host:port with `workers` HTTP processes; with `websockets`, also one
    daphne process for `/ws/` on `ws_port` (the same port when daphne serves all).
    stderr goes to `log_path`."""

    def __init__(
        self,
        env: dict[str, str],
        workers: int,
        *,
        host: str,
        port: int,
        log_path: Path,
        websockets: bool = False,
    ) -> None:
        self.env, self.workers = env, workers
        self.host, self.port, self.log_path = host, port, log_path
        self.kind = server_kind()
        if websockets and not env.get("REDIS_URL"):
            # The in-memory channel layer reaches only its own process: one daphne
            # process must serve both the requests and the websockets.
            self.kind, self.workers = "daphne", 1
        self.websockets = websockets
        self.ws_port = port if self.kind == "daphne" else port + 1000
        self.socks: list[socket.socket] = []
        self.procs: list[subprocess.Popen] = []

    def describe(self) -> str:
        if self.kind == "daphne":
            return f"{self.workers} daphne worker(s), {interpreter()}"
        ws = " + 1 daphne (websockets)" if self.websockets else ""
        return (
            f"{self.workers} granian WSGI worker(s) x {default_threads()} threads{ws}"
            f", {interpreter()}"
        )

    def worker_pids(self) -> list[int]:
        """The processes that serve HTTP requests (granian's workers are children of
        its supervisor)."""
        if self.kind == "daphne":
            return [proc.pid for proc in self.procs]
        found = subprocess.run(
            ["pgrep", "-P", str(self.procs[0].pid)], capture_output=True, text=True
        )
        return [int(pid) for pid in found.stdout.split()]

    def _listen(self, port: int) -> int:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, port))
        sock.listen(1024)
        sock.set_inheritable(True)
        self.socks.append(sock)
        return sock.fileno()

    def _spawn(self, command: list[str], log_file, fds: tuple[int, ...] = ()) -> None:
        self.procs.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                pass_fds=fds,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
        )

    def start(self, timeout: float = 60.0) -> Server:
        with open(self.log_path, "w") as log_file:  # each process keeps its own fd
            if self.kind == "daphne":
                fd = self._listen(self.port)
                for _ in range(self.workers):
                    self._spawn(_daphne(fd), log_file, (fd,))
            else:
                self._spawn(_granian(self.host, self.port, self.workers), log_file)
                if self.websockets:
                    fd = self._listen(self.ws_port)
                    self._spawn(_daphne(fd), log_file, (fd,))
        until, answered = time.monotonic() + timeout, 0
        while time.monotonic() < until:
            if any(proc.poll() is not None for proc in self.procs):
                self.stop()
                raise SystemExit(f"server exited; see {self.log_path}")
            ok = asyncio.run(probe(self.host, self.port)) == 200
            if ok and self.websockets and self.ws_port != self.port:
                ok = asyncio.run(probe(self.host, self.ws_port)) == 200
            answered = answered + 1 if ok else 0
            # New connections spread over the workers, each loading Django on its
            # first request: wait for a run of answers.
            if answered >= self.workers * 3:
                return self
            time.sleep(0.1)
        self.stop()
        raise SystemExit(
            f"server did not start on port {self.port}; see {self.log_path}"
        )

    def drain(self, limit: float = 5.0) -> None:
        """After an overloaded phase the workers still hold a backlog; let it clear
        so the next phase measures itself, not its predecessor."""
        until = time.monotonic() + limit
        while time.monotonic() < until:
            started = time.monotonic()
            ok = asyncio.run(probe(self.host, self.port)) == 200
            if ok and time.monotonic() - started < 0.05:
                return
            time.sleep(0.2)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
        for sock in self.socks:
            sock.close()
        self.socks = []
        self.procs = []

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closed it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        if (
            self.writer is None
            or self.writer.is_closing()
            or self.reader.at_eof()  # the server closed an idle keep-alive connection
        ):
            self.reader, self.writer = await asyncio.open_connection(
                self.host, self.port, limit=2**22
            )
        self.writer.write(raw)
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await self.reader.readexactly(length) if length else b""
        return int(head[9:12]), body

    async def status(self, raw: bytes) -> int:
        return (await self.request(raw))[0]

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = None


def http_request(
    method: str,
    path: str,
    *,
    host: str,
    port: int,
    body: dict | None = None,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    """Raw request bytes. Each one comes from a random client address, so per-client
    rate limits measure the server, not the single load generator."""
    payload = json.dumps(body).encode() if body is not None else b""
    address = ".".join(str(random.randint(1, 254)) for _ in range(3))
    lines = [
        f"{method} {path} HTTP/1.1",
        f"Host: {host}:{port}",
        f"X-Forwarded-For: 10.{address}",
    ]
    if token:
        lines.append(f"Authorization: Token {token}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def probe(host: str, port: int, path: str = "/api/v1/") -> int:
    """Status of one GET on a fresh connection, 0 when nothing answers in 2 s."""
    conn = Connection(host, port)
    try:
        raw = http_request("GET", path, host=host, port=port)
        return await asyncio.wait_for(conn.status(raw), 2)
    except (TimeoutError, OSError, asyncio.IncompleteReadError):
        return 0
    finally:
        conn.close()


async def open_loop(
    requests: list[bytes],
    rate: float,
    *,
    host: str,
    port: int,
    connections: int = 32,
    warm: list[bytes] | None = None,
    server: Server | None = None,
) -> dict:
    """Send `requests` at a fixed `rate` whatever the server does (open loop, so a slow
    server shows as latency, not as a politely lower rate) over `connections`
    keep-alive connections. Latency runs from each request's scheduled time.
    `warm` requests (one per connection, not measured) open the connections and
    warm the caches first. Requests still unanswered 3 s after the last was due are
    counted at the cut-off (a lower bound) under status -1. With `server`, the result
    has "cpu": CpuMeter figures per request answered over the measured window."""
    total = len(requests)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue: asyncio.Queue = asyncio.Queue()
    conns = [Connection(host, port) for _ in range(connections)]

    async def worker(conn: Connection) -> None:
        while True:
            scheduled, raw = await queue.get()
            try:
                code = await conn.status(raw)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                conn.close()
                code = 0
            latencies.append((time.perf_counter() - scheduled) * 1000)
            statuses[code] = statuses.get(code, 0) + 1
            queue.task_done()

    if warm:
        # Every warm request once, spread over the connections (each connection
        # opens with at least one).
        async def warm_up(c: Connection, batch: list[bytes]) -> None:
            for raw in batch:
                await asyncio.wait_for(c.status(raw), 5)

        batches = [
            warm[i::connections] or [warm[i % len(warm)]] for i in range(connections)
        ]
        outcomes = await asyncio.gather(
            *(warm_up(c, b) for c, b in zip(conns, batches, strict=True)),
            return_exceptions=True,
        )
        # The measured window keeps the warm connections (as a client app does); a
        # timed-out warm-up leaves a half-read connection, which starts afresh.
        for c, outcome in zip(conns, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                c.close()
    workers = [asyncio.ensure_future(worker(c)) for c in conns]
    meter = CpuMeter.for_server(server).start() if server is not None else None
    start = time.perf_counter() + 0.05
    for i, raw in enumerate(requests):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((scheduled, raw))
    try:
        await asyncio.wait_for(queue.join(), timeout=3)
    except TimeoutError:
        pass
    cutoff = time.perf_counter()
    cpu = meter.stop(answered(statuses)) if meter is not None else None
    unanswered = total - len(latencies)
    if unanswered:
        latencies += [
            (cutoff - start - (total - k) / rate) * 1000 for k in range(unanswered)
        ]
        statuses[-1] = unanswered
    for w in workers:
        w.cancel()
    for c in conns:
        c.close()
    latencies.sort()
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "sent": total,
        "rate": (total - unanswered) / (cutoff - start),
        "p50": q[49],
        "p99": q[98],
        "max": latencies[-1],
        "statuses": statuses,
        "latencies": latencies,
        **({"cpu": cpu} if cpu is not None else {}),
    }


# --- CPU per request ----------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1
CPU_LABELS = {
    "server": "server",
    "postgres": "PostgreSQL",
    "redis": "Redis",
    "client": "load generator",
}
NOT_PER_REQUEST = ("requests", "machine_cores")


def _proc_stat(pid: str) -> tuple[str, int, int] | None:
    """(comm, ppid, utime + stime in clock ticks) of a process, None once it is gone."""
    try:
        data = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    close = data.rindex(b")")
    fields = data[close + 2 :].split()
    # After "pid (comm)": state, ppid, … utime and stime are fields 14 and 15.
    comm = data[data.index(b"(") + 1 : close].decode(errors="replace")
    return comm, int(fields[1]), int(fields[11]) + int(fields[12])


def _cmdline(pid: str) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()


def _postgres_database(cmdline: str) -> str | None:
    """The database a PostgreSQL backend serves, from its process title:
    "postgres: 15/main: postgres sigap 127.0.0.1(41432) idle" (the "15/main:" part,
    cluster_name, may be missing). None for the postmaster and background processes."""
    if not cmdline.startswith("postgres: "):
        return None
    words = cmdline[len("postgres: ") :].split()
    if words and words[0].endswith(":"):
        words = words[1:]  # cluster_name
    # user, database, client address(port), activity
    if len(words) >= 3 and ("(" in words[2] or words[2] == "[local]"):
        return words[1]
    return None


def _machine_ticks() -> tuple[int, int]:
    """(busy, all) clock ticks of every CPU since boot: /proc/stat's first line, idle
    and iowait counting as not busy."""
    ticks = [
        int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ]
    idle = ticks[3] + ticks[4]
    return sum(ticks) - idle, sum(ticks)


class CpuMeter:
    """CPU time spent between `start()` and `stop(requests)`, per request, in ms.

    `groups` names process trees: each name maps to its root PIDs (or a callable
    returning them, read at every snapshot); a process counts in the group of its
    nearest root ancestor, so granian's workers count with their supervisor. With a
    PostgreSQL `database_url`, the "postgres" group holds the backends serving that
    database (their process titles name it); with a `redis_url`, the "redis" group holds
    the redis-server process (the whole server: other users of it count too).
    utime + stime come from /proc/<pid>/stat. A process that exits inside the window
    loses its CPU (the pooled database connections stay open); one that appears counts
    in full. A group with no process seen reports None. Beside the groups, `stop`
    reports "machine_cores": how many of the machine's CPUs were busy on average over
    the window (/proc/stat, every process), the headroom a latency figure had."""

    def __init__(
        self,
        groups: dict[str, list[int] | Callable[[], list[int]]],
        *,
        database_url: str | None = None,
        redis_url: str | None = None,
    ) -> None:
        self.groups = groups
        self.database = None
        if database_url and database_url.startswith("postgres"):
            self.database = urlsplit(database_url).path.lstrip("/") or None
        self.redis_port = None
        if redis_url:
            self.redis_port = str(urlsplit(redis_url).port or 6379)
        self.before: dict[str, dict[int, int]] | None = None

    @classmethod
    def for_server(cls, server: Server) -> CpuMeter:
        """The server's processes (granian supervisor and workers, daphne), the
        database and Redis of its environment, and this load generator."""
        return cls(
            {
                "server": lambda: [proc.pid for proc in server.procs],
                "client": [os.getpid()],
            },
            database_url=server.env.get("DATABASE_URL"),
            redis_url=server.env.get("REDIS_URL"),
        )

    def snapshot(self) -> dict[str, dict[int, int]]:
        roots: dict[int, str] = {}
        for name, pids in self.groups.items():
            for pid in pids() if callable(pids) else pids:
                roots[pid] = name
        stats: dict[int, tuple[str, int, int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (stat := _proc_stat(entry)) is not None:
                stats[int(entry)] = stat
        taken: dict[str, dict[int, int]] = {name: {} for name in self.groups}
        if self.database:
            taken["postgres"] = {}
        if self.redis_port:
            taken["redis"] = {}
        redis: dict[int, int] = {}
        for pid, (comm, _ppid, ticks) in stats.items():
            ancestor, hops = pid, 0
            while ancestor not in roots and ancestor in stats and hops < 8:
                ancestor, hops = stats[ancestor][1], hops + 1
            if ancestor in roots:
                taken[roots[ancestor]][pid] = ticks
            elif self.database and comm == "postgres":
                if _postgres_database(_cmdline(str(pid))) == self.database:
                    taken["postgres"][pid] = ticks
            elif self.redis_port and comm == "redis-server":
                redis[pid] = ticks
                if f":{self.redis_port}" in _cmdline(str(pid)):
                    taken["redis"][pid] = ticks
        if self.redis_port and not taken["redis"]:
            taken["redis"] = redis  # no port in the title: every redis-server
        return taken

    def start(self) -> CpuMeter:
        self.before = self.snapshot()
        self.machine_before = _machine_ticks()
        return self

    def stop(self, requests: int) -> dict:
        """{"server": ms per request, "postgres": …, "redis": …, "requests": n,
        "machine_cores": CPUs busy}."""
        busy, total = (
            now - then
            for now, then in zip(_machine_ticks(), self.machine_before, strict=True)
        )
        after = self.snapshot()
        result: dict = {}
        for name, now in after.items():
            then = (self.before or {}).get(name, {})
            if not now and not then:
                result[name] = None
                continue
            ticks = sum(t - then.get(pid, 0) for pid, t in now.items())
            result[name] = ticks / CLK_TCK * 1000 / max(requests, 1)
        result["requests"] = requests
        result["machine_cores"] = busy / total * CPUS if total else None
        return result


def cpu_text(cpu: dict | None, per: str = "req") -> str:
    """ "cpu ms/req: server 1.20, PostgreSQL 0.41, Redis 0.05, load generator 0.20;
    machine 1.4 of 2 CPUs busy" (groups with no process seen left out)."""
    if not cpu:
        return f"cpu ms/{per}: n/a"
    parts = [
        f"{CPU_LABELS.get(name, name)} {value:.2f}"
        for name, value in cpu.items()
        if name not in NOT_PER_REQUEST and value is not None
    ]
    text = f"cpu ms/{per}: " + (", ".join(parts) or "n/a")
    if cpu.get("machine_cores") is not None:
        text += f"; machine {cpu['machine_cores']:.2f} of {CPUS} CPUs busy"
    return text


def cpu_columns(cpu: dict | None) -> str:
    """Fixed-width server / PostgreSQL / Redis ms per request (see CPU_HEADER)."""
    cells = []
    for name in ("server", "postgres", "redis"):
        value = (cpu or {}).get(name)
        cells.append(f"{value:>6.2f}" if value is not None else f"{'-':>6}")
    return " ".join(cells)


CPU_HEADER = f"{'srv':>6} {'pg':>6} {'redis':>6}"  # cpu ms/req


def answered(statuses: dict[int, int]) -> int:
    """Requests that got an answer (cut-offs, -1, and connection errors, 0, did not)."""
    return sum(n for code, n in statuses.items() if code > 0)


# --- results for `make bench` ----------------------------------------------------------


def record(
    *,
    bench: str,
    figure: str,
    result: float | None,
    target: str,
    unit: str,
    baseline: float | None = None,
    ok: bool,
    cpu: dict | None = None,
    note: str = "",
) -> None:
    """One verdict as a JSON line in the file SIGAP_BENCH_RESULTS names (no-op without
    it). `target` reads as printed ("p99 <= 50 ms at 200/s"); `result` and `baseline`
    (the no-op figure of the same run, where the bench has one) are in `unit`."""
    path = os.environ.get("SIGAP_BENCH_RESULTS")
    if not path:
        return

    def number(value: float | None) -> float | None:  # NaN is not JSON
        return None if value is None or value != value else float(value)

    entry = {
        "bench": bench,
        "figure": figure,
        "result": number(result),
        "unit": unit,
        "target": target,
        "baseline": number(baseline),
        "ok": bool(ok),
        "cpu": cpu,
        "note": note,
        "python": interpreter(),
        "time": time.time(),
    }
    with open(path, "a") as fh:
        fh.write(json.dumps(entry) + "\n")


def verdict(ok: bool) -> str:
    return "ok" if ok else "BELOW TARGET"


def report_load(
    *,
    bench: str,
    title: str,
    figure: str,
    phase: dict,
    target: str,
    ok: bool,
    baseline: dict | None = None,
    note: str = "",
) -> None:
    """Print one open-loop phase (rate, latency quantiles, statuses, verdict, CPU per
    request) and `record` its p99 beside the baseline's."""
    print(
        f"{title}: {phase['rate']:.0f}/s sent {phase['sent']}, "
        f"p50 {phase['p50']:.1f} ms, p99 {phase['p99']:.1f} ms, "
        f"max {phase['max']:.0f} ms, statuses {phase['statuses']} "
        f"[{verdict(ok)}, target {target}]; " + cpu_text(phase["cpu"])
    )
    record(
        bench=bench,
        figure=figure,
        result=phase["p99"],
        unit="ms",
        target=target,
        baseline=baseline["p99"] if baseline else None,
        ok=ok,
        cpu=phase["cpu"],
        note=note,
    )
