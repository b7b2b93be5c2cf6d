"""Faults, measured: kill -9 under ingest, PostgreSQL stopped under load, and overload.

Prints, per kill -9 trial, what was acknowledged against what was stored; during a
PostgreSQL outage, the answers by status code and the health endpoints; under open-loop
overload at 10x the measured capacity, the answers by status, the peak RSS of the
server and the latency of /healthz.
Run: .venv/bin/python bench/faults.py [--trials 10] [--outage-s 60] [--no-postgres]
"""

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import psutil
import psycopg
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import request_bytes, run_load, run_open_loop  # noqa: E402
from server import create_key, free_port, serve  # noqa: E402

POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"


class Clients:
    """Threads sending batches of fresh ids, remembering what was acknowledged."""

    def __init__(self, url: str, key: str, prefix: str, count: int = 8, batch: int = 20) -> None:
        self.url, self.key, self.prefix, self.batch = url, key, prefix, batch
        self.phase = "before"
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.acknowledged: set[str] = set()
        self.unanswered: list[list[dict]] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._send, args=(n,)) for n in range(count)]

    def __enter__(self) -> "Clients":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def _send(self, number: int) -> None:
        with httpx.Client(headers={"Authorization": f"Bearer {self.key}"}, timeout=30) as http:
            for batch_number in range(10**9):
                if self._stop.is_set():
                    return
                batch = [{"id": f"{self.prefix}-{number}-{batch_number}-{i}", "app": "faults",
                          "model": "gpt-4o-mini", "latency_s": 0.4} for i in range(self.batch)]
                retry_after = 0.0
                try:
                    answer = http.post(f"{self.url}/api/v1/inferences", json=batch)
                    status = answer.status_code
                    retry_after = float(answer.headers.get("retry-after", 0))
                except httpx.TransportError:
                    status = 0  # the connection broke: no answer
                with self._lock:
                    self.statuses[(self.phase, status)] += 1
                    if status == 200:
                        self.acknowledged.update(r["id"] for r in batch)
                    else:
                        self.unanswered.append(batch)
                if status == 0:
                    return
                # A well-behaved client waits as told before it sends again.
                self._stop.wait(min(retry_after, 5.0))

    def retry(self, url: str) -> None:
        """What a client with retries does: send every unanswered batch until it is stored."""
        with httpx.Client(headers={"Authorization": f"Bearer {self.key}"}, timeout=30) as http:
            for batch in self.unanswered:
                while http.post(f"{url}/api/v1/inferences", json=batch).status_code != 200:
                    time.sleep(1)

    def sent_ids(self) -> set[str]:
        return self.acknowledged | {r["id"] for batch in self.unanswered for r in batch}


def stored_ids(database_url: str, prefix: str) -> list[str]:
    engine = create_engine(database_url)
    with engine.connect() as connection:
        query = text("SELECT id FROM inference WHERE id LIKE :p")
        return [row[0] for row in connection.execute(query, {"p": f"{prefix}-%"})]


def kill9_trials(trials: int) -> None:
    print(f"kill -9 during ingest, {trials} trials (SQLite, 8 clients, batches of 20):")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'faults.db'}"
        port = free_port()
        server = serve(url, port, rate_limit_per_s="0")
        key = create_key(url, "ingest")
        lost_total = doubled_total = 0
        for trial in range(trials):
            with Clients(f"http://127.0.0.1:{port}", key, f"t{trial}") as clients:
                time.sleep(1.0 + trial % 3 * 0.5)
                server.kill()
                server.wait()
            server = serve(url, port, rate_limit_per_s="0")
            clients.retry(f"http://127.0.0.1:{port}")
            stored = stored_ids(url, f"t{trial}")
            lost = len(clients.acknowledged - set(stored))
            doubled = len(stored) - len(set(stored))
            lost_total, doubled_total = lost_total + lost, doubled_total + doubled
            print(f"  trial {trial + 1:2}: acknowledged {len(clients.acknowledged):6,}, "
                  f"stored {len(set(stored)):6,} (sent {len(clients.sent_ids()):6,}), "
                  f"lost {lost}, stored twice {doubled}")
        server.terminate()
        server.wait()
    print(f"  all trials: lost {lost_total}, stored twice {doubled_total}")


def postgres_outage(seconds: float) -> None:
    print(f"PostgreSQL stopped for {seconds:g} s under load (4 clients, batches of 20):")
    name = "valuewatch_faults"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    url = f"{POSTGRES}/{name}"
    port = free_port()
    server = serve(url, port, rate_limit_per_s="0", scheduler_enabled="false")
    key = create_key(url, "ingest")
    base = f"http://127.0.0.1:{port}"
    probes: list[tuple[str, int, float, int]] = []
    with Clients(base, key, "pg", count=4) as clients:
        stop = threading.Event()
        prober = threading.Thread(target=probe, args=(base, clients, probes, stop))
        prober.start()
        time.sleep(2)
        clients.phase = "outage"
        cluster("stop")
        time.sleep(seconds)
        cluster("start")
        while not accepting(url):
            time.sleep(0.2)
        clients.phase = "after"
        time.sleep(5)
        stop.set()
        prober.join()
    clients.retry(base)
    stored = stored_ids(url, "pg")
    server.terminate()
    server.wait()
    for phase in ("before", "outage", "after"):
        answers = {s: n for (p, s), n in sorted(clients.statuses.items()) if p == phase}
        health = [h for p, h, _, _ in probes if p == phase]
        ready = Counter(r for p, _, _, r in probes if p == phase)
        slowest = max((t for p, _, t, _ in probes if p == phase), default=0)
        print(f"  {phase:6}: ingest answers {answers}; /healthz {Counter(health)} "
              f"(slowest {1000 * slowest:.0f} ms); /readyz {dict(ready)}")
    lost = len(clients.acknowledged - set(stored))
    print(f"  acknowledged {len(clients.acknowledged):,}, stored {len(set(stored)):,} after "
          f"retries, lost {lost}, stored twice {len(stored) - len(set(stored))}")


def probe(base: str, clients: Clients, probes: list, stop: threading.Event) -> None:
    with httpx.Client(timeout=30) as http:
        while not stop.is_set():
            started = time.perf_counter()
            health = http.get(f"{base}/healthz").status_code
            seconds = time.perf_counter() - started
            probes.append((clients.phase, health, seconds, http.get(f"{base}/readyz").status_code))
            time.sleep(0.25)


def cluster(action: str) -> None:
    version = sorted(p.name for p in Path("/etc/postgresql").glob("*"))[-1]
    extra = ["-m", "fast"] if action == "stop" else []
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action,
                    *extra], check=True)


def accepting(url: str) -> bool:
    try:
        with create_engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - still starting
        return False


def overload(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'overload.db'}"
        port = free_port()
        server = serve(url, port, rate_limit_per_s="0", scheduler_enabled="false")
        key = create_key(url, "ingest")
        headers = {"Authorization": f"Bearer {key}"}
        counter = iter(range(10**9))
        record = ('{"id":"ID","app":"support","model":"gpt-4o-mini","latency_s":1.2,'
                  '"input_tokens":812,"output_tokens":164}')

        def batch() -> bytes:
            n = next(counter)
            body = "[" + ",".join(record.replace("ID", f"o{n}-{i}") for i in range(100)) + "]"
            return request_bytes("/api/v1/inferences", body.encode(), headers)

        capacity = run_load(port, 8, 5, batch)
        rate = capacity.statuses[200] / capacity.seconds
        print(f"overload: measured capacity {rate:,.0f} req/s of 100 records "
              f"({rate * 100:,.0f} records/s); offering 10x = {10 * rate:,.0f} req/s "
              f"open-loop for {seconds:g} s")
        process = psutil.Process(server.pid)
        baseline = process.memory_info().rss
        peak = baseline
        stop = threading.Event()
        health: list[float] = []

        def watch() -> None:
            nonlocal peak
            with httpx.Client(timeout=30) as http:
                while not stop.is_set():
                    peak = max(peak, process.memory_info().rss)
                    started = time.perf_counter()
                    http.get(f"http://127.0.0.1:{port}/healthz")
                    health.append(time.perf_counter() - started)
                    time.sleep(0.1)

        watcher = threading.Thread(target=watch)
        watcher.start()
        result = run_open_loop(port, 10 * rate, seconds, batch)
        stop.set()
        watcher.join()
        server.terminate()
        server.wait()
    health.sort()
    print(f"  answers by status (0 = not sent, every connection busy): "
          f"{dict(sorted(result.statuses.items()))}")
    print(f"  server RSS: {baseline / 2**20:.0f} MiB before, peak {peak / 2**20:.0f} MiB")
    print(f"  /healthz under overload: p50 {1000 * health[len(health) // 2]:.0f} ms, "
          f"p99 {1000 * health[int(0.99 * (len(health) - 1))]:.0f} ms, "
          f"max {1000 * health[-1]:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--outage-s", type=float, default=60.0)
    parser.add_argument("--overload-s", type=float, default=15.0)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    kill9_trials(args.trials)
    if not args.no_postgres:
        postgres_outage(args.outage_s)
    overload(args.overload_s)


if __name__ == "__main__":
    main()
