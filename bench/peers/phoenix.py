"""OTLP protobuf ingest, valuewatch beside Arize Phoenix, alternating round by round.

Each round starts one system at a time on a fresh SQLite file (Phoenix: its default
`phoenix.db` in a temporary working directory, telemetry off; valuewatch: `bench/server.py`),
sends the same OTLP/HTTP protobuf exports as `bench/ingest.py` (512 GenAI chat spans a body,
unique trace and span ids) on 4 connections for --seconds, then waits for what was
acknowledged to reach the database. Each round also measures the raw sqlite3 executemany
ceiling of `bench/ingest.py`. Printed per system and round:

- acked/s: 2xx answers x 512 / sending seconds;
- persisted at stop: rows in the database when sending stopped;
- drain: seconds after sending stopped until the row count equals what was acked or stops
  growing (for --settle s: Phoenix may write nothing for a while), capped at --drain-limit s;
- persisted/s: rows at the end of the drain / (sending + drain seconds), the rate at which
  spans become queryable.

Then the medians, valuewatch / Phoenix for persisted/s, and valuewatch persisted/s / raw
sqlite3 rows/s.

What each system stores per span, so the comparison is honest:

- Phoenix stores every span, GenAI or not: one `spans` row (span id, parent id, name, kind,
  start and end time, all attributes as JSON with the gen_ai ones also mapped to OpenInference
  names, events as JSON, status, its own and cumulative error and token counts), and for these
  LLM spans a `span_costs` row and two `span_cost_details` rows (prompt and completion, priced
  from its model table); one `traces` row per new trace id, under a project. It answers the
  export once the spans are queued in memory, and writes them afterwards one savepoint a span,
  up to 100 a transaction, in a task on the server's event loop.
- valuewatch stores a GenAI span as one `inference` row (trace-span id, app, model, provider,
  operation, latency, token counts, cost priced from its table, status, use case, user hash,
  timestamps and the unmapped attributes as JSON) and ignores other spans; it answers once
  the rows are committed.

Neither stores prompt or completion text here: the spans carry none.
Run: .venv/bin/python bench/peers/phoenix.py [--seconds 20] [--rounds 2]
"""

import argparse
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH))
from ingest import OTLP_SPANS, measure_raw_sqlite, otlp_bodies, otlp_requests  # noqa: E402
from loadgen import median, run_load  # noqa: E402
from server import create_key, free_port, serve  # noqa: E402

from peers.environment import peer_python  # noqa: E402

PHOENIX_VERSION = "20.26.1"
REQUIREMENTS = [f"arize-phoenix=={PHOENIX_VERSION}"]
CONNECTIONS = 4


@dataclass
class Round:
    """One system's sending and draining in one round."""

    system: str
    send_s: float
    acked: int
    statuses: dict[int, int]
    at_stop: int
    persisted: int
    drain_s: float
    drain_end: str  # "equals acked", "stopped growing" or "cap hit"

    @property
    def acked_per_s(self) -> float:
        return self.acked / self.send_s

    @property
    def persisted_per_s(self) -> float:
        return self.persisted / (self.send_s + self.drain_s)

    @property
    def missing(self) -> str:
        """How many acked spans were not in the database when the drain ended, if any."""
        lost = self.acked - self.persisted
        return f", {lost:,} acked spans not persisted" if lost > 0 else ""

    def line(self) -> str:
        """The round as one printed line."""
        return (f"  {self.system:<10} acked {self.acked_per_s:>8,.0f}/s ({self.acked:,} spans, "
                f"statuses {self.statuses}); persisted at stop {self.at_stop:,}; drain "
                f"{self.drain_s:,.1f} s ({self.drain_end}, {self.persisted:,} persisted"
                f"{self.missing}); "
                f"persisted {self.persisted_per_s:>7,.0f}/s")


def row_counter(database: Path, table: str) -> Callable[[], int]:
    """Rows in `table` of the SQLite file `database`, read on a connection of its own."""
    def count() -> int:
        if not database.exists():
            return 0
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
        try:
            return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):  # not migrated yet
                return 0
            raise
        finally:
            connection.close()

    return count


def measure(system: str, port: int, headers: dict[str, str], count: Callable[[], int],
            seconds: float, drain_limit: float, settle: float) -> Round:
    """Send exports for `seconds`, then wait until the acked spans are in the database."""
    # One export first, persisted before the clock starts: imports, caches, tables.
    bodies = otlp_bodies()
    httpx.post(f"http://127.0.0.1:{port}/v1/traces", content=bodies(), timeout=60,
               headers=headers | {"Content-Type": "application/x-protobuf"}).raise_for_status()
    deadline = time.monotonic() + drain_limit
    while count() < OTLP_SPANS and time.monotonic() < deadline:
        time.sleep(0.2)
    base = count()
    result = run_load(port, CONNECTIONS, seconds, otlp_requests(headers, bodies))
    stopped = time.perf_counter()
    acked = sum(n for status, n in result.statuses.items() if 200 <= status < 300) * OTLP_SPANS
    at_stop = last = count() - base
    last_growth = stopped
    while True:
        now = time.perf_counter()
        if last >= acked:
            end, drain_s = "equals acked", last_growth - stopped
            break
        if now - last_growth >= settle:
            end, drain_s = "stopped growing", last_growth - stopped
            break
        if now - stopped >= drain_limit:
            end, drain_s = "cap hit", now - stopped
            break
        time.sleep(0.5)
        if (persisted := count() - base) != last:
            last, last_growth = persisted, time.perf_counter()
    return Round(system, result.seconds, acked, dict(result.statuses), at_stop, last,
                 drain_s, end)


@contextmanager
def phoenix_server(python: Path, folder: Path) -> Iterator[int]:
    """A Phoenix server on free ports with its SQLite default in `folder`; yields the port."""
    port = free_port()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PHOENIX_", "OTEL_")) and key != "PYTHONPATH"}
    env |= {"PHOENIX_WORKING_DIR": str(folder), "PHOENIX_HOST": "127.0.0.1",
            "PHOENIX_PORT": str(port), "PHOENIX_GRPC_PORT": str(free_port()),
            "PHOENIX_TELEMETRY_ENABLED": "false"}
    with open(folder / "phoenix.log", "wb") as log:
        process = subprocess.Popen([python, "-m", "phoenix.server.main", "serve"], env=env,
                                   cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_ready(process, port, folder / "phoenix.log")
        yield port
    finally:
        stop(process)


@contextmanager
def valuewatch_server(folder: Path) -> Iterator[tuple[int, dict[str, str], Path]]:
    """valuewatch on a fresh SQLite file in `folder`; yields port, auth headers, database."""
    database = folder / "valuewatch.db"
    url = f"sqlite:///{database}"
    headers = {"Authorization": f"Bearer {create_key(url, 'ingest')}"}
    port = free_port()
    process = serve(url, port, rate_limit_per_s="0")  # one key sends all: no per-key limit
    try:
        yield port, headers, database
    finally:
        stop(process)


def wait_ready(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Wait until the server answers /healthz; fail with its log if it exits or hangs."""
    for _ in range(1200):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).raise_for_status()
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer on {port}:\n{log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server, killing it if it has not exited after 30 s."""
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_phoenix(python: Path, args: argparse.Namespace) -> Round:
    """One Phoenix round on a fresh working directory."""
    folder = Path(tempfile.mkdtemp(prefix="phoenix-bench-"))
    try:
        with phoenix_server(python, folder) as port:
            return measure("Phoenix", port, {}, row_counter(folder / "phoenix.db", "spans"),
                           args.seconds, args.drain_limit, args.settle)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_valuewatch(args: argparse.Namespace) -> Round:
    """One valuewatch round on a fresh SQLite file."""
    with (tempfile.TemporaryDirectory(prefix="valuewatch-bench-") as folder,
          valuewatch_server(Path(folder)) as (port, headers, database)):
        return measure("valuewatch", port, headers, row_counter(database, "inference"),
                       args.seconds, args.drain_limit, args.settle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="sending time per system")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--drain-limit", type=float, default=900.0,
                        help="the longest wait for acked spans to be persisted, in seconds")
    parser.add_argument("--settle", type=float, default=60.0,
                        help="a drain ends when the row count has not grown for this long")
    args = parser.parse_args()
    python = peer_python("phoenix", REQUIREMENTS)
    print(f"OTLP protobuf ingest, valuewatch beside Arize Phoenix {PHOENIX_VERSION}: "
          f"{OTLP_SPANS} GenAI spans an export, {CONNECTIONS} connections, "
          f"{args.seconds:g} s a system, {args.rounds} rounds, SQLite on both")
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.node()}, {os.cpu_count()} CPUs, "
          f"{platform.processor() or platform.machine()}, Python {platform.python_version()}")
    rounds: dict[str, list[Round]] = {"valuewatch": [], "Phoenix": []}
    raw: list[float] = []
    for number in range(args.rounds):
        print(f"round {number + 1}")
        order = ["valuewatch", "Phoenix"] if number % 2 == 0 else ["Phoenix", "valuewatch"]
        for system in order:
            done = run_valuewatch(args) if system == "valuewatch" else run_phoenix(python, args)
            rounds[system].append(done)
            print(done.line(), flush=True)
        with tempfile.TemporaryDirectory() as folder:
            raw.append(measure_raw_sqlite(Path(folder) / "raw.db"))
    print("medians")
    for system, done in rounds.items():
        caps = sum(r.drain_end == "cap hit" for r in done)
        print(f"  {system:<10} acked {median([r.acked_per_s for r in done]):>8,.0f}/s, "
              f"persisted {median([r.persisted_per_s for r in done]):>7,.0f}/s, "
              f"drain {median([r.drain_s for r in done]):,.1f} s"
              + (f" (drain cap of {args.drain_limit:g} s hit in {caps} rounds)" if caps else ""))
    valuewatch = median([r.persisted_per_s for r in rounds["valuewatch"]])
    phoenix = median([r.persisted_per_s for r in rounds["Phoenix"]])
    print(f"  raw sqlite3 executemany {median(raw):,.0f} rows/s")
    print(f"valuewatch / Phoenix, persisted spans/s = {valuewatch / phoenix:.2f}")
    print(f"valuewatch persisted spans/s / raw sqlite3 rows/s = {valuewatch / median(raw):.2f}")


if __name__ == "__main__":
    main()
