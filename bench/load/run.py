"""Load test: N concurrent visitors on one local Pantau server at national demo scale.

Starts ``streamlit run dashboard/app.py`` on 127.0.0.1 (a free port) against the store the
environment names (``PANTAU_DATABASE_URL``: the DuckDB demo file by default, or PostgreSQL), then
for each concurrency level runs that many sessions (``bench.load.client``) for a fixed time. Each
session behaves like a visitor: opens the overview (national, or a province from a shared link),
changes the stage filter, drills into a region, follows a sidebar link to another page, changes
the election there, pausing between actions ("think time"); then starts over.

Printed per level: p50 / p95 / max time to a finished page (message sent → ``script_finished``),
actions done, errors, the app server's CPU and resident memory (and memory per session), the
database server's CPU (PostgreSQL; DuckDB runs inside the app process), the load generator's own
CPU, and the machine's load average (other work on the machine shows there).

Bounded: at most 100 sessions and 600 s per level, every request to 127.0.0.1 only, and the server
is stopped at the end.

    .venv/bin/python -m bench.load.run --store duckdb --levels 1,10,25,50 --duration 60
    make bench-load      # both stores (PostgreSQL in a throw-away cluster)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import websockets

from bench.load.client import ActionFailed, Session
from data_access.engine import is_duckdb
from pantau.settings import get_settings

REPO = Path(__file__).resolve().parents[2]
MAX_SESSIONS, MAX_LEVEL_SECONDS = 100, 600
HOST = "127.0.0.1"
DOMAIN_PAGES = ("pelanggaran", "kepatuhan-pelaporan", "anomali-daftar-pemilih", "profil-wilayah")
PROVINCES = ("11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34",
             "35", "36", "51", "52", "53", "61", "62", "63", "64", "65", "71", "72", "73", "74",
             "75", "76", "81", "82", "91", "92", "93", "94", "95", "96")
CLOCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class LevelResult:
    sessions: int
    seconds: float
    actions: int
    errors: int
    p50: float
    p95: float
    max: float
    app_cpu_percent: float
    db_cpu_percent: float | None
    loadgen_cpu_percent: float
    app_rss_mb_before: float
    app_rss_mb_peak: float
    rss_mb_per_session: float
    db_pss_mb_peak: float | None
    load_average: float
    # CPU seconds one action costs (app, database): what a dedicated machine's capacity follows
    # from, independent of other work on a shared one.
    app_cpu_s_per_action: float = 0.0
    db_cpu_s_per_action: float | None = None
    by_action: dict[str, dict[str, float]] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)


# --- process accounting (/proc) -------------------------------------------------------------

def _cpu_seconds(pid: int, reaped_children: bool = False) -> float:
    """User + system CPU of ``pid``; with ``reaped_children`` also that of its exited children
    (PostgreSQL backends come and go; the postmaster reaps them)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK


def _rss_mb(pid: int) -> float:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20
    except (FileNotFoundError, ProcessLookupError):
        return 0.0


def _pss_mb(pid: int) -> float:
    """Proportional set size: shared pages (PostgreSQL's shared buffers) divided among the
    processes that map them, so a sum over the server's processes counts them once."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, ValueError, IndexError):
            continue
        if ppid == pid:
            found.append(int(stat.parent.name))
    return found


def _postmaster_pid(url: str) -> int | None:
    """The PostgreSQL server's main process when it runs on this machine (throw-away cluster)."""
    admin = os.environ.get("PANTAU_PG_ADMIN_DSN", "")
    host = dict(p.split("=", 1) for p in admin.split() if "=" in p).get("host")
    if is_duckdb(url) or not host:
        return None
    pid_file = Path(host).parent / "data" / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


class Meter:
    """CPU seconds and peak memory of the app and database processes during one level."""

    def __init__(self, app_pids: list[int], db_pid: int | None) -> None:
        self.app_pids, self.db_pid = app_pids, db_pid
        self.app_peak = self.db_peak = 0.0
        self._start = self._sample_cpu()
        self._t0 = time.monotonic()

    def _db_pids(self) -> list[int]:
        return [self.db_pid, *_children(self.db_pid)] if self.db_pid else []

    def _sample_cpu(self) -> tuple[float, float, float]:
        db = 0.0
        if self.db_pid:
            db = _cpu_seconds(self.db_pid, reaped_children=True) + sum(
                _cpu_seconds(p) for p in _children(self.db_pid))
        return sum(_cpu_seconds(p) for p in self.app_pids), db, time.process_time()

    def sample_memory(self) -> None:
        self.app_peak = max(self.app_peak, sum(_rss_mb(p) for p in self.app_pids))
        if self.db_pid:
            self.db_peak = max(self.db_peak, sum(_pss_mb(p) for p in self._db_pids()))

    def cpu_percent(self) -> tuple[float, float, float]:
        end, wall = self._sample_cpu(), time.monotonic() - self._t0
        return tuple(100 * (e - s) / wall for s, e in zip(self._start, end, strict=True))


# --- the server -----------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(port: int, log: Path) -> subprocess.Popen:
    log.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
         "--server.headless", "true", "--server.address", HOST, "--server.port", str(port),
         "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
        cwd=REPO, stdout=open(log, "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
        env=dict(os.environ, PYTHONUNBUFFERED="1"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit(f"the server did not become healthy; see {log}")


# --- visitors -------------------------------------------------------------------------------

async def visitor(url: str, rng: random.Random, until: float, think: tuple[float, float],
                  timings: list[tuple[str, float]], errors: list[str], timeout: float,
                  pages: tuple[str, ...] = DOMAIN_PAGES) -> None:
    """One visitor's loop of actions until ``until`` (no new action starts after it)."""
    session = Session(url, timeout=timeout)

    async def act(name: str, action: Callable[..., Awaitable[float]], *args: object) -> bool:
        if time.monotonic() >= until:
            return False
        try:
            timings.append((name, await action(*args)))
        except (ActionFailed, KeyError, IndexError, websockets.ConnectionClosed, OSError) as exc:
            errors.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
            return False
        await asyncio.sleep(min(rng.uniform(*think), max(0.0, until - time.monotonic())))
        return True

    try:
        while time.monotonic() < until:
            await session.connect()
            query = "" if rng.random() < 0.6 else f"scope={rng.choice(PROVINCES)}"
            ok = (await act("open overview", session.open_page, "", query)
                  and await act("change stage", session.change_widget, "f_stage", rng))
            drill = session.widget_keys("drill_")
            if ok and drill:
                ok = await act("drill down", session.change_widget, drill[0], rng)
            if ok:
                page = rng.choice(pages)
                ok = await act("open domain page", session.open_page, page, session.query_string)
            if ok and "f_election" in session.widgets:
                await act("change election", session.change_widget, "f_election", rng)
            await session.close()
    finally:
        await session.close()


async def warm_up(url: str, timeout: float, pages: tuple[str, ...]) -> list[tuple[str, float]]:
    """The first visitor: every page once, cold (imports, first queries, first maps)."""
    session = Session(url, timeout=max(timeout, 180.0))
    await session.connect()
    timings = [("overview", await session.open_page(""))]
    for page in pages:
        timings.append((page, await session.open_page(page)))
    await session.close()
    return timings


async def run_level(urls: list[str], sessions: int, seconds: float, think: tuple[float, float],
                    meter: Meter, seed: int, timeout: float, pages: tuple[str, ...]
                    ) -> tuple[list[tuple[str, float]], list[str]]:
    timings: list[tuple[str, float]] = []
    errors: list[str] = []
    until = time.monotonic() + seconds
    tasks = []
    for i in range(sessions):  # a ramp of ~2 s, as visitors do not arrive in the same millisecond
        rng = random.Random(seed * 1000 + i)
        # Sticky sessions: a visitor keeps its replica, as a load balancer's affinity does.
        url = urls[i % len(urls)]
        tasks.append(asyncio.create_task(visitor(url, rng, until, think, timings, errors,
                                                 timeout, pages)))
        await asyncio.sleep(2.0 / sessions)
    while not all(t.done() for t in tasks):
        meter.sample_memory()
        await asyncio.sleep(0.5)
    await asyncio.gather(*tasks)
    return timings, errors


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def summarise(sessions: int, seconds: float, timings: list[tuple[str, float]], errors: list[str],
              meter: Meter, rss_before: float) -> LevelResult:
    app_cpu, db_cpu, loadgen_cpu = meter.cpu_percent()
    values = [t for _, t in timings]
    by_action = {}
    for name in dict.fromkeys(n for n, _ in timings):
        mine = [t for n, t in timings if n == name]
        by_action[name] = {"count": len(mine), "p50": _quantile(mine, 0.5),
                           "p95": _quantile(mine, 0.95)}
    return LevelResult(
        sessions=sessions, seconds=seconds, actions=len(values), errors=len(errors),
        p50=_quantile(values, 0.5), p95=_quantile(values, 0.95), max=max(values, default=0.0),
        app_cpu_percent=app_cpu, db_cpu_percent=db_cpu if meter.db_pid else None,
        loadgen_cpu_percent=loadgen_cpu, app_rss_mb_before=rss_before,
        app_rss_mb_peak=meter.app_peak,
        rss_mb_per_session=max(0.0, meter.app_peak - rss_before) / sessions,
        db_pss_mb_peak=meter.db_peak if meter.db_pid else None,
        load_average=os.getloadavg()[0], by_action=by_action, error_samples=errors[:5],
        app_cpu_s_per_action=app_cpu * seconds / 100 / max(1, len(values)),
        db_cpu_s_per_action=(db_cpu * seconds / 100 / max(1, len(values))) if meter.db_pid
        else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("duckdb", "postgres"), required=True,
                        help="a label, checked against PANTAU_DATABASE_URL")
    parser.add_argument("--levels", default="1,10,25,50")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per level")
    parser.add_argument("--think", default="5,15",
                        help="think time between actions, min,max seconds (a visitor reads)")
    parser.add_argument("--timeout", type=float, default=60.0, help="per action, seconds")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--replicas", type=int, default=1,
                        help="Streamlit processes; each visitor sticks to one (a load balancer's "
                        "session affinity)")
    parser.add_argument("--pages", default=",".join(DOMAIN_PAGES),
                        help="the pages visitors follow from the overview (URL paths)")
    parser.add_argument("--out", type=Path, default=REPO / "artifacts" / "load")
    args = parser.parse_args()

    url = get_settings().database_url
    if (args.store == "duckdb") != is_duckdb(url):
        raise SystemExit(f"--store {args.store} but PANTAU_DATABASE_URL is {url.split(':')[0]}")
    levels = [int(n) for n in args.levels.split(",")]
    if max(levels) > MAX_SESSIONS or args.duration > MAX_LEVEL_SECONDS or args.replicas > 8:
        raise SystemExit(f"bounded: at most {MAX_SESSIONS} sessions, {MAX_LEVEL_SECONDS} s")
    think = tuple(float(x) for x in args.think.split(","))

    servers, urls = [], []
    for replica in range(args.replicas):
        port = _free_port()
        servers.append(start_server(port, args.out / f"streamlit-{args.store}-{replica}.log"))
        urls.append(f"ws://{HOST}:{port}")
    pids = [server.pid for server in servers]
    db_pid = _postmaster_pid(url)
    results: list[LevelResult] = []
    try:
        # Warm-up: one visitor through every page, so imports and first-query caches are paid
        # before measuring (a real deployment is warm after its first visitor).
        started = time.monotonic()
        pages = tuple(args.pages.split(","))
        timings = [t for url in urls for t in asyncio.run(warm_up(url, args.timeout, pages))]
        print(f"[{args.store}] warm-up (first visitor, every page once): "
              + ", ".join(f"{name} {t:.1f} s" for name, t in timings)
              + f"; {time.monotonic() - started:.0f} s in all", flush=True)
        for n in levels:
            time.sleep(3)  # let the previous level's disconnected sessions be cleaned up
            rss_before = sum(_rss_mb(pid) for pid in pids)
            meter = Meter(pids, db_pid)
            timings, errors = asyncio.run(run_level(urls, n, args.duration, think, meter,
                                                    args.seed + n, args.timeout, pages))
            result = summarise(n, args.duration, timings, errors, meter, rss_before)
            results.append(result)
            db_cpu = "-" if result.db_cpu_percent is None else f"{result.db_cpu_percent:.0f}%"
            db_mem = "" if result.db_pss_mb_peak is None else f" (db {result.db_pss_mb_peak:.0f} MB)"
            print(f"[{args.store} x{args.replicas}] {n:>3} sessions: p50 {result.p50:5.2f} s  "
                  f"p95 {result.p95:5.2f} s  max {result.max:5.1f} s  actions {result.actions:>4}  errors "
                  f"{result.errors:>3}  app CPU {result.app_cpu_percent:4.0f}%  db CPU {db_cpu:>4}"
                  f"{db_mem}  loadgen CPU {result.loadgen_cpu_percent:3.0f}%  app RSS "
                  f"{result.app_rss_mb_before:.0f}->{result.app_rss_mb_peak:.0f} MB "
                  f"({result.rss_mb_per_session:.1f} MB/session)  CPU s/action app "
                  f"{result.app_cpu_s_per_action:.2f}"
                  + ("" if result.db_cpu_s_per_action is None
                     else f" db {result.db_cpu_s_per_action:.2f}")
                  + "  load avg "
                  f"{result.load_average:.1f}", flush=True)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a hung server
                server.kill()
                server.wait(timeout=30)
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"load-{args.store}-x{args.replicas}.json"
    out.write_text(json.dumps({"store": args.store, "replicas": args.replicas, "think": think,
                               "duration": args.duration,
                               "cores": os.cpu_count(), "levels": [asdict(r) for r in results]},
                              indent=2))
    print(f"[{args.store}] details: {out}")


if __name__ == "__main__":
    main()
