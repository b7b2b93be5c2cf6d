"""Drift on 1M vs 1M calls × 5 numeric signals read from a SQLite file.

Prints, for the five inference signals (latency_s, ttft_s, input_tokens, output_tokens,
cost_usd) of one app × model: seconds and peak memory to read both windows into bounded
samples and compare them, (a) as the drift job does it, thinning rows in SQL before the
reservoir, and (b) streaming every row through the reservoir; then the whole drift job for
the window (all signals, categorical ones counted in SQL, results stored). Each figure
comes from a fresh process, so its peak RSS (VmHWM) is its own; the peak of traced
Python and numpy allocations (tracemalloc) is measured in a second, separate run because
tracing slows the code down. The goal: all five signals under ~1.2 s (Evidently's
ValueDrift for one signal on 1M vs 1M rows, on the same machine), under 500 MB.

Then, per method and kind of data, the false-positive rate on two samples of one
distribution and the power on a shift (see evaluators/stats/calibration.py), beside the
time of one comparison.
Run: .venv/bin/python bench/drift.py [--database PATH] [--rows 1000000] [--repeat 3]
     [--sizes 30,400,5000] [--repetitions 200] [--calibration-only]
"""

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluators.drift.evaluate import evaluate_drift  # noqa: E402
from evaluators.drift.samples import groups_in, numeric_samples  # noqa: E402
from evaluators.signals import INFERENCES, signals_by_source  # noqa: E402
from evaluators.stats import calibration, drift  # noqa: E402
from evaluators.windows import Window  # noqa: E402
from metrics.store.database import Store  # noqa: E402

REFERENCE = Window(datetime(2026, 1, 1, 0, tzinfo=UTC), datetime(2026, 1, 1, 1, tzinfo=UTC))
CURRENT = Window(REFERENCE.end, REFERENCE.end + REFERENCE.length)
GROUP = ("support", "gpt-4o-mini")
SAMPLE_SIZE = 100_000
COLUMNS = ("id", "app", "model", "operation", "latency_s", "ttft_s", "input_tokens",
           "output_tokens", "cost_usd", "status", "timestamp", "received_at", "attributes")


def build(database: Path, rows: int) -> None:
    """A migrated SQLite file with `rows` calls in each window; the current one shifted."""
    if database.exists() and _count(database) == 2 * rows:
        return
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    store = Store.open(f"sqlite:///{database}")
    store.migrate()
    store.engine.dispose()
    connection = sqlite3.connect(database)
    connection.execute("PRAGMA synchronous=OFF")
    sql = f"INSERT INTO inference ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    for window, values in zip((REFERENCE, CURRENT), signal_values(rows), strict=True):
        latency, ttft, inputs, outputs, cost = values.values()
        step = window.length / rows
        # SQLAlchemy's SQLite format for UTCDateTime, so its comparisons match.
        moments = [
            (window.start + step * i).strftime("%Y-%m-%d %H:%M:%S.%f") for i in range(rows)
        ]
        connection.executemany(sql, (
            (f"{window.start:%H}-{i}", *GROUP, "chat", float(latency[i]), float(ttft[i]),
             int(inputs[i]), int(outputs[i]), float(cost[i]), "ok", moments[i], moments[i], "{}")
            for i in range(rows)
        ))
        connection.commit()
    connection.close()


def signal_values(rows: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The five signals of the reference and the current window, seeded: the current one
    is shifted (but for input_tokens). Token counts are integer arrays."""
    rng = np.random.default_rng(0)
    windows = []
    for shift in (0.0, 0.2):
        latency = rng.lognormal(shift, 0.5, rows)
        ttft = rng.gamma(2.0, 0.1 + shift / 10, rows)
        inputs = rng.poisson(800, rows)
        outputs = rng.poisson(200 * (1 + shift), rows)
        cost = (inputs * 0.15 + outputs * 0.60) / 1e6
        windows.append({"latency_s": latency, "ttft_s": ttft, "input_tokens": inputs,
                        "output_tokens": outputs, "cost_usd": cost})
    return windows[0], windows[1]


def _count(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute("SELECT count(*) FROM inference").fetchone()[0])


def five_signals(store: Store, thin_in_sql: bool) -> dict[str, bool]:
    """Read both windows into samples and compare each signal; drift detected per signal."""
    signals = signals_by_source("numeric")[INFERENCES]
    [group] = groups_in(store, INFERENCES, CURRENT)
    reference, current = (
        numeric_samples(store, INFERENCES, signals, group=group, window=window,
                        capacity=SAMPLE_SIZE, thin_in_sql=thin_in_sql)
        for window in (REFERENCE, CURRENT)
    )
    return {
        s.name: drift.compare("numeric", reference[s.name], current[s.name]).detected
        for s in signals
    }


def drift_job(store: Store) -> dict[str, bool]:
    """The drift job's work for the current window, results written and rolled back."""
    with store.engine.connect() as connection, connection.begin() as transaction:
        evaluate_drift(store, connection, CURRENT, overrides={}, baseline=None,
                       capacity=SAMPLE_SIZE)
        transaction.rollback()
    return {}


CASES = {"thinned": lambda s: five_signals(s, True), "streamed": lambda s: five_signals(s, False),
         "job": drift_job}


def measure(database: Path, case: str, traced: bool) -> dict[str, object]:
    """Run one case in this process: seconds, peak RSS, and with `traced` the traced peak."""
    store = Store.open(f"sqlite:///{database}")
    store.ping()
    baseline = _peak_rss_mb()
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    detected = CASES[case](store)
    seconds = time.perf_counter() - started
    figures: dict[str, object] = {
        "seconds": seconds, "detected": detected, "rss_mb": _peak_rss_mb(),
        "rss_before_mb": baseline,
    }
    if traced:
        figures["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    return figures


def _peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM rather than ru_maxrss: on Linux a child
    inherits its parent's ru_maxrss, and the parent held the freshly built rows."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_subprocess(database: Path, case: str, traced: bool) -> dict[str, object]:
    args = [sys.executable, __file__, "--database", str(database), "--case", case]
    out = subprocess.run(args + (["--traced"] if traced else []), capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def calibrate(sizes: list[int], repetitions: int) -> None:
    """Print the false-positive rate and power of every method at each size."""
    print(f"calibration: {repetitions} repetitions per figure (a 5% rate's standard error "
          f"{calibration.Rate(0.0, repetitions).standard_error:.3f}); power at shift "
          f"{calibration.SHIFT:g} for the tests, {calibration.LARGE_SHIFT:g} for the distances")
    print(f"{'method':15} {'data':12} {'size':>7} {'FPR':>6} {'power':>6} {'ms/compare':>10}")
    for method, data in calibration.CASES:
        for size in sizes:
            started = time.perf_counter()
            null = calibration.rejection_rate(method, data, size, repetitions, shift=0.0)
            seconds = (time.perf_counter() - started) / repetitions
            shifted = calibration.rejection_rate(
                method, data, size, repetitions, shift=calibration.power_shift(method), seed=1
            )
            print(f"{method.NAME:15} {data:12} {size:>7} {null.rate:>6.3f} "
                  f"{shifted.rate:>6.3f} {seconds * 1000:>10.1f}")
    family = {c: calibration.family_rate(12, 400, repetitions, correct=c) for c in (False, True)}
    print(f"any of 12 unchanged signals flagged (KS, 400 a side): uncorrected "
          f"{family[False].rate:.3f}, Benjamini-Hochberg {family[True].rate:.3f}")
    rates = {r: calibration.reference_rate(r, 2000, repetitions).rate
             for r in ("previous_window", "last_week", "previous_7_days")}
    print("unchanged diurnal hour flagged (KS, 2,000 a side), by reference: "
          + ", ".join(f"{r} {rate:.3f}" for r, rate in rates.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, default=Path("/tmp/valuewatch-bench-drift.db"))
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--traced", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per figure")
    parser.add_argument("--sizes", default="30,400,5000", help="calibration sample sizes")
    parser.add_argument("--repetitions", type=int, default=200, help="per calibration figure")
    parser.add_argument("--calibration-only", action="store_true")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(measure(args.database, args.case, args.traced)))
        return
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.calibration_only:
        calibrate(sizes, args.repetitions)
        return
    started = time.perf_counter()
    build(args.database, args.rows)
    print(f"store: {args.rows:,} vs {args.rows:,} calls in {args.database} "
          f"(ready in {time.perf_counter() - started:.1f} s)")
    for case, title in (("thinned", "5 signals, thinned in SQL (the job's way)"),
                        ("streamed", "5 signals, every row through the reservoir"),
                        ("job", "whole drift job (5 numeric + 3 categorical, stored)")):
        runs = [in_subprocess(args.database, case, traced=False) for _ in range(args.repeat)]
        seconds = sorted(float(run["seconds"]) for run in runs)  # type: ignore[arg-type]
        timed = runs[0]
        traced = in_subprocess(args.database, case, traced=True)
        print(f"{title}: median {seconds[len(seconds) // 2]:.2f} s (best {seconds[0]:.2f}, "
              f"worst {seconds[-1]:.2f}), peak RSS {max(r['rss_mb'] for r in runs):.0f} MB "
              f"({timed['rss_before_mb']:.0f} MB before), traced peak "
              f"{traced['traced_peak_mb']:.0f} MB; drift detected: {timed['detected'] or '-'}")
    calibrate(sizes, args.repetitions)


if __name__ == "__main__":
    main()
