"""The monthly value report over a month of 10M calls, on SQLite and on PostgreSQL.

Prints, per database: seconds to generate the rows (SQLite: INSERT … SELECT from a
recursive CTE; PostgreSQL: generate_series) and to roll the month up as the nightly job
does; then seconds for one bare `SELECT app, model, count(*), sum(cost_usd) FROM
inference GROUP BY app, model` over the same table, against seconds to build the month's
report (every scorecard of the trend, breakdowns, quality, incidents: `build_report`)
and to render it in all four formats. The goal: the report within 3× the bare GROUP BY.
Generated databases are kept and reused when they already hold the rows.
Run: .venv/bin/python bench/report.py [--rows 10000000] [--only sqlite|postgresql]
     [--database PATH] [--postgres-url URL]
"""

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluators.upkeep.rollup import roll_up_day  # noqa: E402
from evaluators.value.report.build import build_report  # noqa: E402
from evaluators.value.report.render import render  # noqa: E402
from evaluators.windows import Window  # noqa: E402
from metrics.store.database import Store  # noqa: E402
from metrics.value.config import load_value_config  # noqa: E402
from metrics.value.periods import Month  # noqa: E402

MONTH = Month(2026, 3)
NOW = datetime(2026, 4, 2, tzinfo=UTC)
SECONDS = int((MONTH.end - MONTH.start).total_seconds())
MONTH_DAYS = (MONTH.end - MONTH.start).days
CHUNK = 1_000_000
BARE = "SELECT app, model, count(*), sum(cost_usd) FROM inference GROUP BY app, model"
COLUMNS = ("id, app, model, provider, operation, latency_s, input_tokens, output_tokens, "
           "cost_usd, status, use_case, timestamp, received_at, user_hash, attributes")

# One row per i: 3 apps, 4 models, 6 use cases, 50,000 users, 1% errors.
SQLITE_ROWS = f"""
WITH RECURSIVE n(i) AS (SELECT :first UNION ALL SELECT i + 1 FROM n WHERE i < :last)
INSERT INTO inference ({COLUMNS})
SELECT printf('c%010d', i), 'app-' || (i % 3), 'model-' || (i % 4), 'openai', 'chat',
       0.2 + (i % 97) / 20.0, 500 + i % 1000, 100 + i % 300, 0.0005 + (i % 7) * 0.0001,
       CASE WHEN i % 100 = 0 THEN 'error' ELSE 'ok' END,
       CASE WHEN i % 7 = 6 THEN NULL ELSE 'use-case-' || (i % 7) END,
       strftime('%Y-%m-%d %H:%M:%S', :start + i * :step, 'unixepoch') || '.000000',
       strftime('%Y-%m-%d %H:%M:%S', :start + i * :step, 'unixepoch') || '.000000',
       'user-' || (i % 50000), '{{}}'
FROM n
"""
POSTGRES_ROWS = f"""
INSERT INTO inference ({COLUMNS})
SELECT 'c' || lpad(i::text, 10, '0'), 'app-' || (i % 3), 'model-' || (i % 4), 'openai',
       'chat', 0.2 + (i % 97) / 20.0, 500 + i % 1000, 100 + i % 300,
       0.0005 + (i % 7) * 0.0001, (CASE WHEN i % 100 = 0 THEN 'error' ELSE 'ok' END)::status,
       CASE WHEN i % 7 = 6 THEN NULL ELSE 'use-case-' || (i % 7) END,
       to_timestamp(:start + i * :step) AT TIME ZONE 'UTC',
       to_timestamp(:start + i * :step) AT TIME ZONE 'UTC',
       'user-' || (i % 50000), '{{}}'
FROM generate_series(:first, :last) AS i
"""
# 200,000 outcomes (every 50th call; every 1,000th an upsell) and 50,000 ratings (every
# 200th call): small beside the calls, as in production.
NUMBER = "CAST(substr(id, 2) AS BIGINT)"
OUTCOMES = f"""
INSERT INTO outcome (id, app, name, value, unit, use_case, timestamp)
SELECT 'o' || id, app,
       CASE WHEN {NUMBER} % 1000 = 0 THEN 'upsell' ELSE 'ticket_resolved' END,
       1.0, 'count', use_case, timestamp
FROM inference WHERE {NUMBER} % 50 = 0
"""
FEEDBACK = f"""
INSERT INTO feedback (id, inference_id, app, kind, value, timestamp)
SELECT 'f' || id, id, app, {{rating}}, 1 + ({NUMBER} / 200) % 5, timestamp
FROM inference WHERE {NUMBER} % 200 = 0
"""
RATING = {"sqlite": "'rating'", "postgresql": "'rating'::feedbackkind"}  # an enum there


def seconds(work: object, *args: object) -> float:
    """Seconds `work(*args)` took."""
    started = time.perf_counter()
    work(*args)  # type: ignore[operator]
    return time.perf_counter() - started


def generate(store: Store, rows: int) -> None:
    """`rows` calls spread over the month, a million a transaction, resuming after the
    calls already there (a run cut short goes on where it stopped)."""
    step = SECONDS / rows
    for first in range(rows_in(store), rows, CHUNK):
        params = {"first": first, "last": min(first + CHUNK, rows) - 1,
                  "start": int(MONTH.start.timestamp()), "step": step}
        with store.engine.begin() as connection:
            if store.dialect == "postgresql":
                connection.execute(text("SET LOCAL synchronous_commit = off"))
                connection.execute(text(POSTGRES_ROWS), params)
            else:
                connection.execute(text(SQLITE_ROWS), params)


def add_outcomes_and_feedback(store: Store) -> None:
    """Outcomes and ratings from the calls, then fresh planner statistics."""
    with store.engine.begin() as connection:
        connection.execute(text("DELETE FROM outcome"))
        connection.execute(text("DELETE FROM feedback"))
        connection.execute(text(OUTCOMES))
        connection.execute(text(FEEDBACK.format(rating=RATING[store.dialect])))
    if store.dialect == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
    else:
        with store.engine.connect() as connection:
            connection.execute(text("ANALYZE"))


def roll_up(store: Store) -> None:
    """Every day of the month, as the rollup job does it."""
    day = MONTH.start
    while day < MONTH.end:
        with store.engine.begin() as connection:
            roll_up_day(connection, Window(day, day + timedelta(days=1)))
        day += timedelta(days=1)


def rows_in(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM inference")).scalar_one())


def rolled_up_days(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM rollup_day")).scalar_one())


def bench(name: str, store: Store, rows: int) -> None:
    store.migrate()
    if rows_in(store) > rows:
        with store.engine.begin() as connection:
            connection.execute(text("DELETE FROM inference"))
    if rows_in(store) < rows or rolled_up_days(store) < MONTH_DAYS:
        with store.engine.begin() as connection:
            for table in ("rollup_day", "daily_usage", "daily_feedback", "daily_accuracy",
                          "daily_outcome", "daily_resource"):
                connection.execute(text(f"DELETE FROM {table}"))
        print(f"{name}: generate {rows:,} calls: {seconds(generate, store, rows):.1f} s",
              flush=True)
        print(f"{name}: outcomes and ratings: {seconds(add_outcomes_and_feedback, store):.1f} s",
              flush=True)
        print(f"{name}: roll up the month: {seconds(roll_up, store):.1f} s", flush=True)
    config = load_value_config(None)
    with store.engine.connect() as connection:
        bare = seconds(lambda: connection.execute(text(BARE)).all())
    with store.engine.begin() as connection:
        started = time.perf_counter()
        report = build_report(connection, config, MONTH, now=NOW)
        built = time.perf_counter() - started
    rendered = seconds(render, report)
    total = built + rendered
    print(f"{name}: bare GROUP BY app, model over {rows:,} calls: {bare:.2f} s")
    print(f"{name}: build the report: {built:.2f} s; render html, pdf, json, md: "
          f"{rendered:.2f} s; together {total:.2f} s = {total / bare:.2f}x the bare query "
          f"(goal <= 3x)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--database", type=Path, default=Path("/tmp/valuewatch-report.db"))
    parser.add_argument("--postgres-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/valuewatch_bench")
    args = parser.parse_args()
    if args.only != "postgresql":
        bench("sqlite", Store.open(f"sqlite:///{args.database}"), args.rows)
    if args.only != "sqlite":
        _create_database(args.postgres_url)
        bench("postgresql", Store.open(args.postgres_url), args.rows)


def _create_database(url: str) -> None:
    import psycopg

    base, _, name = url.replace("postgresql+psycopg://", "postgresql://").rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
