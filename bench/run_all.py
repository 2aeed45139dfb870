"""Every benchmark on a scratch database, one table at the end (`make bench`).

    .venv/bin/python bench/run_all.py [NAME ...] [--list]

With DATABASE_URL (PostgreSQL), the benches run on `sigap_bench_scratch` on the same
server, dropped and created fresh (DROP DATABASE … WITH (FORCE)); without it, on a
temporary SQLite file. REDIS_URL is used as given; its database is flushed first unless
it is DB 0 (shared with whatever else uses the server: left alone).

Each script runs in turn (NAME … picks some), with a timeout, its output shown and
kept in bench/results/<name>.log; a failing script does not stop the others. ws_soak
runs for 60 s here, not its 10-minute soak (`bench/ws_soak.py` alone for that). Each
bench reports its verdicts through harness.record (env SIGAP_BENCH_RESULTS); the end is
one table: figure, target, result, the no-op baseline of the same run where the bench
has one, CPU ms per request (server / PostgreSQL / Redis) and ok or MISSED, also
written as JSON to bench/results/latest.json.

Exit status: 1 when a script failed to run (crashed, timed out, its port stayed busy,
or exited non-zero without a missed figure to show for it); a missed target alone is
reported as MISSED in the table and the exit status stays 0.
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import harness  # bench/, the script's own directory
from harness import CPUS, NOT_PER_REQUEST

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
SCRATCH_DB = "sigap_bench_scratch"
CRASHED = 3  # the child's exit status for an exception or a SystemExit message


# name, arguments, ports it listens on, timeout in seconds, note for the table
BENCHES: list[tuple[str, list[str], list[int], int, str]] = [
    ("selfcheck", [], [8104], 300, ""),
    # The next load step (issue 21), as runs of their own: "<script>@<tag>".
    ("selfcheck@300", ["--rate", "300"], [8104], 300, "next load step"),
    ("teleconsult", [], [8107], 300, ""),
    ("beds", [], [8170, 8171], 900, ""),
    ("areas", [], [8103], 1200, ""),
    ("map", [], [8162], 1200, ""),
    ("chatbot", [], [8105], 600, ""),
    ("chatbot_quality", [], [], 600, ""),
    ("imports", [], [], 600, ""),
    ("channels", [], [8108], 900, ""),
    ("satusehat", [], [8181], 900, ""),
    ("isolation", [], [8106, 9106], 2400, ""),
    (
        "isolation@400",
        ["--rate", "400", "--skip-scan"],
        [8106, 9106],
        600,
        "next load step",
    ),
    (
        "ws_soak",
        # Its own port pair (8109/9109): teleconsult's 8107 is ws_soak's default.
        ["--seconds", "60", "--probe-every", "15", "--port", "8109"],
        [8109, 9109],
        600,
        "make bench: 60 s, not the 600 s soak",
    ),
]


def child(script: str, args: list[str]) -> None:
    """Run one bench as `python bench/<script>` would, telling its own exit status (an
    int: its verdict) from a crash (an exception or a SystemExit message)."""
    sys.argv = [script, *args]
    # Not bench/ on sys.path, as `python bench/<script>` would have it: the scripts
    # import only `harness` from there, already loaded (and having taken bench/ off
    # the path), and bench/channels.py would shadow the Channels package in a
    # script that starts Django in-process (map's page budgets).
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            raise
        print(exc.code, file=sys.stderr, flush=True)
        sys.exit(CRASHED)
    except BaseException:
        traceback.print_exc()
        sys.exit(CRASHED)


# --- scratch database and Redis ------------------------------------------------------


def scratch_env(tmp: Path) -> tuple[dict[str, str], str, str]:
    env = dict(os.environ)
    database_url = env.get("DATABASE_URL", "")
    if database_url.startswith("postgres"):
        import psycopg

        parts = urlsplit(database_url)
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{SCRATCH_DB}"')
        env["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + SCRATCH_DB))
        db = f"PostgreSQL {parts.hostname}:{parts.port or 5432}/{SCRATCH_DB} (fresh)"
    else:
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(tmp / "scratch.sqlite3")
        db = f"SQLite {env['SQLITE_PATH']} (fresh)"
    redis_url = env.get("REDIS_URL", "")
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        number = int(client.connection_pool.connection_kwargs.get("db") or 0)
        if number != 0:
            client.flushdb()
            cache = f"Redis DB {number} (flushed)"
        else:
            cache = "Redis DB 0 (shared: not flushed)"
        client.close()
    else:
        cache = "no REDIS_URL: local-memory cache, in-memory channel layer"
    return env, db, cache


# --- running ---------------------------------------------------------------------------


def port_busy(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for_ports(ports: list[int], limit: float = 300) -> list[int]:
    """Ports still taken (another run's server) after waiting up to `limit` s."""
    until = time.monotonic() + limit
    while busy := [p for p in ports if port_busy(p)]:
        if time.monotonic() > until:
            return busy
        print(f"   port(s) {busy} in use, waiting", flush=True)
        time.sleep(10)
    return []


def run_one(name: str, args: list[str], timeout: int, env: dict, log: Path) -> dict:
    """Run the bench `name` ("<script>" or "<script>@<tag>" for another run of it)."""
    script = name.split("@")[0]
    command = [sys.executable, __file__, "--child", f"bench/{script}.py", *args]
    started = time.monotonic()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its servers too: a timeout stops the whole group
    )
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 0)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                return
            try:
                process.wait(grace)
                return
            except subprocess.TimeoutExpired:
                continue

    timer = threading.Timer(timeout, kill)
    timer.start()
    with log.open("wb") as fh:
        for line in process.stdout:
            fh.write(line)
            sys.stdout.buffer.write(line)
            sys.stdout.flush()
    code = process.wait()
    timer.cancel()
    try:  # a server the script left behind
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    return {
        "exit": code,
        "timed_out": timed_out.is_set(),
        "seconds": round(time.monotonic() - started, 1),
    }


def status_of(run: dict, figures: list[dict]) -> tuple[str, bool]:
    """(text, failed to run)."""
    if run.get("skipped"):
        return run["skipped"], True
    if run["timed_out"]:
        return f"TIMED OUT after {run['seconds']:.0f} s", True
    if run["exit"] == 0:
        return "ran", False
    if run["exit"] == CRASHED:
        return "CRASHED (see log)", True
    if run["exit"] > 0 and any(not f["ok"] for f in figures):
        return f"ran, exit {run['exit']} (its verdict on a missed target)", False
    return f"FAILED, exit {run['exit']} (see log)", True


# --- the table -------------------------------------------------------------------------


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if value == int(value) and abs(value) < 1e6 and unit in ("", "x 201", "dropped"):
        text = f"{int(value)}"
    elif abs(value) >= 1000:
        text = f"{value:,.0f}"
    elif abs(value) >= 100:
        text = f"{value:.0f}"
    else:
        text = f"{value:.1f}"
    return f"{text}{unit}" if unit.startswith("/") else f"{text} {unit}".strip()


CPU_SHORT = {"server": "srv", "postgres": "pg", "redis": "redis", "client": "gen"}


def cpu_cell(cpu: dict | None) -> str:
    """ "srv 2.71 pg 0.54 redis 0.12 gen 0.24 busy 1.54/2": ms per request of each
    process group, then the machine's CPUs busy over the window."""
    if not cpu:
        return ""
    cell = " ".join(
        f"{CPU_SHORT.get(k, k)} {v:.2f}"
        for k, v in cpu.items()
        if k not in NOT_PER_REQUEST and v is not None
    )
    if cpu.get("machine_cores") is not None:
        cell += f" busy {cpu['machine_cores']:.2f}/{CPUS}"
    return cell


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    right = {3, 4}  # result, baseline
    lines = []
    for n, row in enumerate([header, *rows]):
        cells = [
            cell.rjust(w) if i in right and n else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2:])
        return 0
    if "--list" in argv:
        print("\n".join(name for name, *_ in BENCHES))
        return 0
    chosen = [a for a in argv if not a.startswith("-")]
    unknown = set(chosen) - {name for name, *_ in BENCHES}
    if unknown:
        raise SystemExit(f"unknown bench(es): {', '.join(sorted(unknown))}")
    benches = [b for b in BENCHES if not chosen or b[0] in chosen]

    RESULTS.mkdir(exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="sigap-bench-all-"))
    env, db, cache = scratch_env(tmp)
    env.update(PYTHONUNBUFFERED="1")
    started = time.time()
    load_before = os.getloadavg()
    print(f"make bench: {len(benches)} benches on {db}; {cache}", flush=True)
    # Migrated once here: benches bounded to a minute (selfcheck, teleconsult) would
    # otherwise spend their live phases migrating a fresh database.
    t = time.monotonic()
    os.environ.clear()
    os.environ.update(env)  # server_env starts from os.environ
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=harness.server_env("scratch"),
        check=True,
        timeout=600,
    )
    print(f"scratch database migrated in {time.monotonic() - t:.0f} s", flush=True)

    runs: dict[str, dict] = {}
    figures: list[dict] = []
    for name, args, ports, timeout, _note in benches:
        print(f"\n== {name} {' '.join(args)}".rstrip(), flush=True)
        log = RESULTS / f"{name}.log"
        # Each run writes its own figures, so two runs of one script stay apart.
        records = RESULTS / f"{name}.records.jsonl"
        records.write_text("")
        busy = wait_for_ports(ports)
        if busy:
            runs[name] = {"skipped": f"NOT RUN: port(s) {busy} stayed in use"}
        else:
            run_env = dict(env, SIGAP_BENCH_RESULTS=str(records))
            runs[name] = run_one(name, args, timeout, run_env, log)
        runs[name].update(args=args, log=str(log))
        figures += [
            {**json.loads(line), "run": name}
            for line in records.read_text().splitlines()
            if line.strip()
        ]

    rows, failed, summary = [], [], []
    for name, _args, _ports, _timeout, note in benches:
        mine = [f for f in figures if f["run"] == name]
        status, did_fail = status_of(runs[name], mine)
        runs[name]["status"] = status
        if did_fail:
            failed.append(name)
        for f in mine:
            rows.append(
                [
                    name,
                    f["figure"] + (f" ({note})" if note else ""),
                    f["target"],
                    number(f["result"], f["unit"]),
                    number(f["baseline"], f["unit"]),
                    cpu_cell(f.get("cpu")),
                    "ok" if f["ok"] else "MISSED",
                ]
            )
        if did_fail:
            rows.append([name, f"(script {status})", "", "", "", "", "FAILED"])
        seconds = runs[name].get("seconds")
        summary.append(f"{name} {status}" + (f" {seconds:.0f} s" if seconds else ""))

    header = [
        "bench",
        "figure",
        "target",
        "result",
        "no-op baseline",
        "cpu ms/req",
        "verdict",
    ]
    missed = sum(1 for f in figures if not f["ok"])
    load_after = os.getloadavg()
    print("\n" + "=" * 20 + " make bench " + "=" * 20)
    print(f"database {db}; {cache}")
    print(table(rows, header))
    print(
        f"{len(figures)} figures, {missed} MISSED; "
        f"{len(failed)} script(s) failed to run{': ' + ', '.join(failed) if failed else ''}"
    )
    print(
        "no-op baseline: GET /api/v1/ under the same load in the same run (areas: the "
        "naive scan and PostGIS; chatbot per message: the naive scan, mean).\n"
        "cpu ms per request answered (per update, escalation or resource where the "
        "figure counts those): srv = the server's processes (the bench process or "
        "Sigap where in-process),\npg = PostgreSQL backends serving the bench database, "
        "redis = the whole redis-server (other users count too),\ngen = the bench's own "
        "load generator; busy = the machine's CPUs in use over the window (every process)."
    )
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after (shared with the run)"
    )
    print("runs: " + "; ".join(summary))
    out = RESULTS / "latest.json"
    out.write_text(
        json.dumps(
            {
                "started": started,
                "finished": time.time(),
                "database": db,
                "redis": cache,
                "machine": {
                    "cpus": os.cpu_count(),
                    "load_before": load_before,
                    "load_after": load_after,
                },
                "benches": [
                    {"name": name, "note": note, **runs[name]}
                    for name, _a, _p, _t, note in benches
                ],
                "figures": figures,
                "missed": missed,
                "failed": failed,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"results: {out}  (logs: {RESULTS}/<bench>.log)")
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
