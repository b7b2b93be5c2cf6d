"""Raw tables partitioned by day against not, on PostgreSQL at 10M calls.

Two databases of their own (`bench_partitions_plain` at migration 0013, unpartitioned, and
`bench_partitions_daily` at head, a partition a day), each filled with the same month of
calls by generate_series (bench/report.py's rows, outcomes and ratings), its keys, rolled
up. Then, side by side and alternating, medians of `--rounds`:
- ingest: records/s through `Store.insert_new`, the writer's path, in batches of 1,000 new
  calls of the month (the partitioned one also claims each key in `inference_key`);
- the monthly report: seconds for `build_report` of the month;
- retention: seconds to remove one day's raw rows of every raw table, as retention does
  (`remove_day`: DROP TABLE of its partitions and DELETE of its keys, against DELETE),
  one day a round, and then the VACUUM that reclaims the space the DELETEs left.
Both databases are dropped at the end (`--keep` keeps them, and reuses them next time).
Run: .venv/bin/python bench/partitions.py [--rows 10000000] [--rounds 5] [--keep]
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import text

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from report import MONTH, NOW, add_outcomes_and_feedback, generate, roll_up  # noqa: E402

from evaluators.upkeep.rollup import RAW_TABLES  # noqa: E402
from evaluators.value.report.build import build_report  # noqa: E402
from metrics.store.database import MIGRATIONS, Store  # noqa: E402
from metrics.store.partitions import (  # noqa: E402
    KEYED_TABLES,
    PARTITIONED_TABLES,
    create_day_partitions,
    partitioned_tables,
    remove_day,
)
from metrics.store.tables import Inference  # noqa: E402
from metrics.value.config import load_value_config  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432"
DATABASES = {"plain": "bench_partitions_plain", "daily": "bench_partitions_daily"}
REVISIONS = {"plain": "0013", "daily": "head"}
BATCH = 1000
BATCHES_PER_ROUND = 20
INFERENCE = Inference.__table__  # type: ignore[attr-defined]


def prepared(kind: str, rows: int) -> Store:
    """The database of `kind`, created, migrated and filled unless it holds `rows` already."""
    name = DATABASES[kind]
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')
    store = Store.open(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, REVISIONS[kind])
    with store.engine.connect() as connection:
        have = connection.execute(text("SELECT count(*) FROM inference")).scalar_one()
        partitioned = partitioned_tables(connection)
    if have == rows:
        return store
    days = [MONTH.start.replace(tzinfo=None) + timedelta(days=n)
            for n in range((MONTH.end - MONTH.start).days)]
    with store.engine.begin() as connection:
        for table in RAW_TABLES:
            connection.execute(text(f"TRUNCATE {table.name}"))
        for table in sorted(partitioned):
            create_day_partitions(connection, table, days)
        connection.execute(text("TRUNCATE rollup_day, daily_usage, daily_feedback,"
                                " daily_accuracy, daily_outcome, daily_resource"))
    timed(f"{kind}: generate {rows:,} calls", generate, store, rows)
    timed(f"{kind}: outcomes and ratings", add_outcomes_and_feedback, store)
    if partitioned:
        timed(f"{kind}: keys of the stored records", fill_keys, store)
    timed(f"{kind}: roll up the month", roll_up, store)
    return store


def fill_keys(store: Store) -> None:
    """Each keyed table's (app, id, timestamp) into its key table, as migration 0014 does."""
    with store.engine.begin() as connection:
        connection.execute(text("SET LOCAL synchronous_commit = off"))
        for table in KEYED_TABLES:
            connection.execute(text(f"TRUNCATE {table}_key"))
            connection.execute(text(f'INSERT INTO {table}_key SELECT app, id, "timestamp"'
                                    f" FROM {table}"))
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        for table in KEYED_TABLES:
            c.execute(text(f"VACUUM ANALYZE {table}_key"))


def timed(label: str, work: Callable[..., Any], *args: Any) -> float:
    started = time.perf_counter()
    work(*args)
    took = time.perf_counter() - started
    print(f"{label}: {took:.1f} s", flush=True)
    return took


def ingest_rate(store: Store, round_: int) -> float:
    """Records/s for BATCHES_PER_ROUND batches of new calls spread over the month."""
    span = (MONTH.end - MONTH.start).total_seconds()
    moments = [MONTH.start + timedelta(seconds=span * (i * 7919 % 10_000) / 10_000)
               for i in range(BATCH * BATCHES_PER_ROUND)]
    rows = [{
        "id": f"bench-{round_}-{i}", "app": "app-1", "model": "model-2", "provider": "openai",
        "operation": "chat", "latency_s": 1.234, "ttft_s": 0.21, "input_tokens": 812,
        "output_tokens": 164, "cost_usd": 0.0002, "status": "ok", "use_case": "refund",
        "timestamp": moment, "received_at": NOW, "user_hash": "user-42", "attributes": {},
    } for i, moment in enumerate(moments)]
    started = time.perf_counter()
    for start in range(0, len(rows), BATCH):
        [new] = store.insert_new([(INFERENCE, rows[start:start + BATCH])])
        assert len(new) == BATCH
    return len(rows) / (time.perf_counter() - started)


def report_seconds(store: Store, _round: int) -> float:
    config = load_value_config(None)
    with store.engine.begin() as connection:
        started = time.perf_counter()
        build_report(connection, config, MONTH, now=NOW)
        return time.perf_counter() - started


def retention_seconds(store: Store, round_: int) -> float:
    """Seconds to remove day `round_` of the month from every raw table, committed."""
    start = MONTH.start + timedelta(days=round_)
    started = time.perf_counter()
    with store.engine.begin() as connection:
        for table in RAW_TABLES:
            remove_day(connection, table, start, start + timedelta(days=1))
    return time.perf_counter() - started


def vacuum_seconds(store: Store, _round: int) -> float:
    """Seconds for VACUUM to reclaim what retention left: the raw tables, and the key
    tables where partitioned (a dropped partition leaves nothing to vacuum)."""
    with store.engine.connect() as connection:
        keyed = [f"{name}_key" for name in KEYED_TABLES] if partitioned_tables(connection) else []
    names = ", ".join([table.name for table in RAW_TABLES] + keyed)
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        started = time.perf_counter()
        c.execute(text(f"VACUUM {names}"))
        return time.perf_counter() - started


def retention_rounds(stores: dict[str, Store], rounds: int) -> dict[str, tuple[float, float]]:
    """Median seconds to remove a day, and to vacuum after it, per store, taking turns."""
    removed: dict[str, list[float]] = {kind: [] for kind in stores}
    vacuumed: dict[str, list[float]] = {kind: [] for kind in stores}
    for round_ in range(rounds):
        order = list(stores) if round_ % 2 == 0 else list(reversed(stores))
        for kind in order:
            removed[kind].append(retention_seconds(stores[kind], round_))
            vacuumed[kind].append(vacuum_seconds(stores[kind], round_))
    return {kind: (statistics.median(removed[kind]), statistics.median(vacuumed[kind]))
            for kind in stores}


def side_by_side(stores: dict[str, Store], measure: Callable[[Store, int], float],
                 rounds: int) -> dict[str, float]:
    """The median of `measure` per store, the stores taking turns, round after round."""
    found: dict[str, list[float]] = {kind: [] for kind in stores}
    for round_ in range(rounds):
        order = list(stores) if round_ % 2 == 0 else list(reversed(stores))
        for kind in order:
            found[kind].append(measure(stores[kind], round_))
    return {kind: statistics.median(values) for kind, values in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the two databases")
    args = parser.parse_args()
    try:
        stores = {kind: prepared(kind, args.rows) for kind in DATABASES}
        with stores["daily"].engine.connect() as connection:
            assert partitioned_tables(connection) == set(PARTITIONED_TABLES)
        ingest = side_by_side(stores, ingest_rate, args.rounds)
        report = side_by_side(stores, report_seconds, args.rounds)
        retention = retention_rounds(stores, args.rounds)
        for store in stores.values():
            store.engine.dispose()
    finally:
        if not args.keep:
            with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
                for name in DATABASES.values():
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"PostgreSQL, {args.rows:,} calls, medians of {args.rounds}: unpartitioned | "
          f"a partition a day")
    print(f"ingest (insert_new, {BATCH:,} a batch): {ingest['plain']:,.0f} | "
          f"{ingest['daily']:,.0f} records/s")
    print(f"monthly report (build_report): {report['plain']:.2f} | {report['daily']:.2f} s")
    print(f"retention, one day of every raw table (DELETE | DROP + its keys): "
          f"{retention['plain'][0]:.2f} | {retention['daily'][0]:.2f} s; VACUUM after it: "
          f"{retention['plain'][1]:.2f} | {retention['daily'][1]:.2f} s")


if __name__ == "__main__":
    main()
