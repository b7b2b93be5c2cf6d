"""Ingest throughput on a fresh SQLite file, against the bare-FastAPI and raw sqlite3 ceilings.

Prints: records/s for batched JSON (1,000 records a request); req/s with p50/p99 for
single-record POSTs on 64 connections, alone and while the daily report job runs over
and over on the same file; OTLP protobuf spans/s (512 spans an export); the
bare-FastAPI ceiling for a trivial validated POST; the raw sqlite3 executemany ceiling for
the same rows; and the three ratios (batched and OTLP to raw sqlite3, single to bare
FastAPI), as medians of rounds that each run all three systems in turn, so that other load
on the machine weighs on both sides of a ratio alike. The service runs as a sidecar
(scheduler off); it answers only once records are committed, and the bench counts them.
Run: .venv/bin/python bench/ingest.py [--seconds 10] [--rounds 3]
"""

import argparse
import itertools
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import LoadResult, request_bytes, run_load  # noqa: E402
from server import ROOT, create_key, free_port, serve, start  # noqa: E402

BATCH = 1000
RECORD = ('{"id":"ID","app":"support","model":"gpt-4o-mini","provider":"openai",'
          '"latency_s":1.234,"ttft_s":0.21,"input_tokens":812,"output_tokens":164,'
          '"use_case":"refund","user":"user-42"}')


def measure_service(database: Path, seconds: float, with_report: bool) -> dict[str, float]:
    """Batched, single-record and OTLP ingest on one `valuewatch serve` (scheduler off, as
    a sidecar), and with `with_report` single records while the report job runs; every
    acknowledged record is then counted in the database."""
    url = f"sqlite:///{database}"
    headers = {"Authorization": f"Bearer {create_key(url, 'ingest')}"}
    port = free_port()
    # One key sends all: no per-key limit.
    server = serve(url, port, rate_limit_per_s="0", scheduler_enabled="false")
    try:
        template = ("[" + ",".join(RECORD.replace("ID", f"PFX-{i}") for i in range(BATCH))
                    + "]").encode()
        counter = itertools.count()

        def batch() -> bytes:
            body = template.replace(b"PFX", f"b{next(counter)}".encode())
            return request_bytes("/api/v1/inferences", body, headers)

        def single() -> bytes:
            body = RECORD.replace("ID", f"s{next(counter)}").encode()
            return request_bytes("/api/v1/inferences", body, headers)

        acked = run_load(port, 4, 2, batch).statuses[200] * BATCH  # warm-up
        batched = run_load(port, 4, seconds, batch)
        acked += batched.statuses[200] * BATCH
        records_per_s = batched.statuses[200] * BATCH / batched.seconds
        print(f"  batched JSON, 1,000 a request, 4 connections: {records_per_s:,.0f} records/s "
              f"({batched.summary()})")
        single_result = run_load(port, 64, seconds, single)
        acked += single_result.statuses[200]
        print(f"  single-record POSTs, 64 connections: {single_result.summary()}")
        if with_report:
            reports = subprocess.Popen([sys.executable, "-c", REPORT_LOOP, url, str(seconds)],
                                       cwd=ROOT, stdout=subprocess.PIPE, text=True)
            during = run_load(port, 64, seconds, single)
            acked += during.statuses[200]
            made = reports.communicate()[0].strip()
            print(f"  single-record POSTs while the report job runs ({made}): "
                  f"{during.summary()}")
        spans_per_s, spans = measure_otlp(port, headers, seconds)
        acked += spans
    finally:
        server.terminate()
        server.wait()
    with sqlite3.connect(database) as connection:
        stored = connection.execute("SELECT count(*) FROM inference").fetchone()[0]
    # A request still in flight when a run ended is stored but not counted as answered.
    print(f"  acknowledged {acked:,} records; {stored:,} in the database once stopped "
          f"({max(acked - stored, 0)} acknowledged and missing)")
    return {"batched": records_per_s, "single": single_result.requests_per_s,
            "single_p99_ms": single_result.percentile_ms(0.99), "otlp": spans_per_s}


# The report job as the scheduler runs it (one transaction), over and over for argv[2] s,
# with last month holding 1,000 calls and their feedback, grades and outcomes.
REPORT_LOOP = """
import importlib.util, sys, tempfile, time
from pathlib import Path
from evaluators.value.report.job import publish_report
from metrics.store.database import Store
from metrics.types import utc_now
from metrics.value.config import load_value_config
from metrics.value.periods import Month
# By path: an installed distribution (ppi-python) ships a top-level `tests` package.
spec = importlib.util.spec_from_file_location("value_seed", "tests/value_seed.py")
value_seed = importlib.util.module_from_spec(spec)
spec.loader.exec_module(value_seed)
seed_month = value_seed.seed_month
store, config = Store.open(sys.argv[1]), load_value_config(None)
seed_month(store, Month.containing(utc_now()).previous(), rolled_up_days=0)
deadline, runs, took = time.monotonic() + float(sys.argv[2]), 0, 0.0
with tempfile.TemporaryDirectory() as folder:
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with store.engine.begin() as connection:
            publish_report(connection, config, Month.containing(utc_now()), now=utc_now(),
                           report_dir=Path(folder))
        runs, took = runs + 1, took + time.perf_counter() - started
print(f"{runs} report runs, {took / max(runs, 1):.2f} s each")
"""


def otlp_export(spans: int) -> bytes:
    """An ExportTraceServiceRequest of `spans` GenAI chat spans sharing one trace id."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
    )
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
    from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

    def attribute(key: str, value: str | int) -> KeyValue:
        any_value = AnyValue(string_value=value) if isinstance(value, str) else AnyValue(
            int_value=value)
        return KeyValue(key=key, value=any_value)

    start = time.time_ns()
    chat = [
        Span(
            trace_id=TRACE_MARKER, span_id=SPAN_MARKER + index.to_bytes(2, "big"),
            name="chat gpt-4o-mini",
            kind=Span.SPAN_KIND_CLIENT, start_time_unix_nano=start,
            end_time_unix_nano=start + 1_234_000_000,
            attributes=[
                attribute("gen_ai.operation.name", "chat"),
                attribute("gen_ai.provider.name", "openai"),
                attribute("gen_ai.request.model", "gpt-4o-mini"),
                attribute("gen_ai.response.model", "gpt-4o-mini-2024-07-18"),
                attribute("gen_ai.usage.input_tokens", 812),
                attribute("gen_ai.usage.output_tokens", 164),
            ],
        )
        for index in range(spans)
    ]
    resource = ResourceSpans(scope_spans=[ScopeSpans(spans=chat)])
    resource.resource.attributes.append(attribute("service.name", "support"))
    return ExportTraceServiceRequest(resource_spans=[resource]).SerializeToString()


# Replaced in every export, so that no two exports share a trace id or a span id.
TRACE_MARKER = b"valuewatch-bench"  # 16 bytes: the trace id
SPAN_MARKER = b"vwspan"  # the first 6 of a span id's 8 bytes; the last 2 number the span
OTLP_SPANS = 512


def otlp_bodies(spans: int = OTLP_SPANS) -> Callable[[], bytes]:
    """A maker of OTLP protobuf export bodies, each with ids no other body has."""
    template = otlp_export(spans)
    counter = itertools.count(1)  # all-zero ids are invalid in OTLP

    def body() -> bytes:
        number = next(counter)
        return template.replace(SPAN_MARKER, number.to_bytes(6, "big")).replace(
            TRACE_MARKER, number.to_bytes(16, "big"))

    return body


def otlp_requests(headers: dict[str, str],
                  body: Callable[[], bytes] | None = None) -> Callable[[], bytes]:
    """A maker of POST /v1/traces requests for `run_load`, each a fresh body from `body`."""
    body = body or otlp_bodies()

    def export() -> bytes:
        return request_bytes("/v1/traces", body(), headers, "application/x-protobuf")

    return export


def measure_otlp(port: int, headers: dict[str, str], seconds: float) -> tuple[float, int]:
    """Spans/s for OTLP/HTTP protobuf exports of 512 GenAI spans on 4 connections, and how
    many spans were acknowledged."""
    export = otlp_requests(headers)
    result = run_load(port, 4, seconds, export)
    spans_per_s = result.statuses[200] * OTLP_SPANS / result.seconds
    print(f"  OTLP protobuf, 512 spans an export, 4 connections: {spans_per_s:,.0f} spans/s "
          f"({result.summary()})")
    return spans_per_s, result.statuses[200] * OTLP_SPANS


def measure_bare(seconds: float) -> LoadResult:
    port = free_port()
    server = start([sys.executable, "-m", "uvicorn", "--app-dir", str(ROOT / "bench"),
                    "bare_app:app", "--port", str(port), "--log-level", "warning",
                    "--no-access-log"], {}, port)
    try:
        counter = itertools.count()

        def single() -> bytes:
            body = RECORD.replace("ID", f"s{next(counter)}").encode()
            return request_bytes("/api/v1/inferences", body, {"Authorization": "Bearer x"})

        run_load(port, 64, 2, single)
        result = run_load(port, 64, seconds, single)
        print(f"  bare FastAPI, trivial validated POST, 64 connections: {result.summary()}")
        return result
    finally:
        server.terminate()
        server.wait()


def measure_raw_sqlite(database: Path, rows: int = 200_000) -> float:
    """Records/s for sqlite3 executemany of the same rows, 1,000 per committed transaction."""
    subprocess.run([sys.executable, "-c", "from metrics.store.database import Store; import sys; "
                    "Store.open(sys.argv[1]).migrate()", f"sqlite:///{database}"],
                   cwd=ROOT, check=True)
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    record = json.loads(RECORD)
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    columns = ("id", "app", "model", "provider", "operation", "latency_s", "ttft_s",
               "input_tokens", "output_tokens", "cost_usd", "status", "use_case",
               "timestamp", "received_at", "user_hash", "attributes")
    sql = (f"INSERT INTO inference ({', '.join(columns)}) VALUES "
           f"({', '.join('?' * len(columns))}) ON CONFLICT (id, app) DO NOTHING")
    started = time.perf_counter()
    for start_at in range(0, rows, BATCH):
        batch = [
            (f"raw-{i}", record["app"], record["model"], record["provider"], "chat",
             record["latency_s"], record["ttft_s"], record["input_tokens"],
             record["output_tokens"], 0.00022, "ok", record["use_case"], now, now,
             "3f2a9c0d5e1b7a48", "{}")
            for i in range(start_at, start_at + BATCH)
        ]
        connection.executemany(sql, batch)
        connection.commit()
    records_per_s = rows / (time.perf_counter() - started)
    print(f"  raw sqlite3 executemany, 1,000 a commit: {records_per_s:,.0f} records/s")
    return records_per_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0, help="per load run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds, each running the service and both ceilings in turn")
    args = parser.parse_args()
    ratios: dict[str, list[float]] = {"batched": [], "single": [], "otlp": []}
    p99s = []
    print(f"valuewatch ingest bench ({os.cpu_count()} CPUs, SQLite WAL, synchronous=FULL), "
          f"{args.rounds} rounds of {args.seconds:g} s runs")
    for round_number in range(args.rounds):
        print(f"round {round_number + 1}")
        with tempfile.TemporaryDirectory() as folder:
            service = measure_service(Path(folder) / "service.db", args.seconds,
                                      with_report=round_number == 0)
            bare = measure_bare(args.seconds)
            raw = measure_raw_sqlite(Path(folder) / "raw.db")
        ratios["batched"].append(service["batched"] / raw)
        ratios["single"].append(service["single"] / bare.requests_per_s)
        ratios["otlp"].append(service["otlp"] / raw)
        p99s.append(service["single_p99_ms"])
    print("medians of the per-round ratios (each round measures both sides in turn):")
    print(f"  batched JSON / raw sqlite3 = {statistics.median(ratios['batched']):.2f} "
          f"(rounds {_listed(ratios['batched'])}; goal >= 0.5)")
    print(f"  single / bare FastAPI = {statistics.median(ratios['single']):.2f} "
          f"(rounds {_listed(ratios['single'])}; goal >= 0.8), single p99 "
          f"{statistics.median(p99s):.1f} ms")
    print(f"  OTLP spans / raw sqlite3 = {statistics.median(ratios['otlp']):.2f} "
          f"(rounds {_listed(ratios['otlp'])}; goal >= 0.4)")


def _listed(values: list[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in values)


if __name__ == "__main__":
    main()
