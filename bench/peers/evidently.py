"""Drift beside Evidently's ValueDrift: 1M vs 1M rows × 5 signals, same data, same statistic.

Writes bench/drift.py's five inference signals (seeded) to an .npz file and its SQLite
database, installs a pinned Evidently into bench/peers/.venv-evidently on first use, then
runs, alternating, for each method (Evidently's default, then KS) and each round, each in
a fresh process: (a) Evidently's Report of ValueDrift per column on DataFrames, with its
own Python; (b) valuewatch's drift.compare on the same arrays in memory; (c) valuewatch
reading every row of both windows from SQLite, then comparing; (d) the drift job's own
way, a 100,000-row sample per signal thinned in SQL, whose error against the full data is
printed. Each figure is the time of the comparison only (loading the file, or building
the DataFrames, is outside it; reading the database is inside (c) and (d)).
Run: .venv/bin/python bench/peers/evidently.py [--rows 1000000] [--rounds 3]
     [--methods default,ks]
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import drift as drift_bench  # noqa: E402
from bench.peers.environment import peer_python  # noqa: E402

REQUIREMENTS = ("evidently==0.7.23", "pandas==2.3.3", "numpy==2.4.6", "scipy==1.17.1")
SAMPLE_SIZE = drift_bench.SAMPLE_SIZE
TOLERANCE = 1e-6
# The drift job compares cost_usd in micro-dollars (see evaluators/signals.py), and so do both.
MICRO = 1_000_000
OURS = ("memory", "database", "sampled")
TITLES = {"memory": "valuewatch, in memory", "database": "valuewatch, every row from SQLite",
          "sampled": f"valuewatch, the job's {SAMPLE_SIZE:,}-row sample from SQLite"}


def write_data(rows: int) -> Path:
    """Both windows' signals as float arrays in one .npz file, written once per size."""
    path = Path(f"/tmp/valuewatch-peer-drift-{rows}-micro-usd.npz")
    if not path.exists():
        reference, current = drift_bench.signal_values(rows)
        for window in (reference, current):
            window["cost_usd"] = window["cost_usd"] * MICRO  # as the drift job reads it
        arrays = {f"{side}.{name}": np.asarray(values, dtype=np.float64)
                  for side, window in (("reference", reference), ("current", current))
                  for name, values in window.items()}
        np.savez(path, **arrays)  # type: ignore[arg-type]
    return path


def ours(case: str, method: str, data: Path, database: Path, rows: int) -> dict[str, object]:
    """One valuewatch case in this process: seconds and each signal's drift score."""
    from evaluators.drift.samples import numeric_samples
    from evaluators.signals import INFERENCES, signals_by_source
    from evaluators.stats import drift
    from metrics.store.database import Store

    chosen = None if method == "default" else method
    signals = signals_by_source("numeric")[INFERENCES]
    if case == "memory":
        with np.load(data) as arrays:
            loaded = {side: {s.name: arrays[f"{side}.{s.name}"] for s in signals}
                      for side in ("reference", "current")}
        started = time.perf_counter()
        reference, current = loaded["reference"], loaded["current"]
    else:
        store = Store.open(f"sqlite:///{database}")
        store.ping()
        started = time.perf_counter()
        group = drift_bench.GROUP  # the rows themselves, not the job's search for groups
        capacity = rows if case == "database" else SAMPLE_SIZE
        reference, current = (
            numeric_samples(store, INFERENCES, signals, group=group, window=window,
                            capacity=capacity, thin_in_sql=case == "sampled")
            for window in (drift_bench.REFERENCE, drift_bench.CURRENT)
        )
    results = {s.name: drift.compare("numeric", reference[s.name], current[s.name],
                                     method=chosen) for s in signals}
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "methods": {k: r.method for k, r in results.items()},
            "scores": {k: (r.p_value if r.p_value is not None and not drift.method_named(
                r.method).DISTANCE else r.score) for k, r in results.items()}}


def run_json(args: list[str]) -> dict[str, object]:
    """Run a worker process and read the JSON line it prints last."""
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{out.stderr}")
    figures: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return figures


def report(method: str, runs: dict[str, list[dict[str, object]]]) -> None:
    """Print one method's statistics, their differences, seconds and ratios."""
    peer = runs["evidently"][0]
    mine, sampled = runs["memory"][0], runs["sampled"][0]
    print(f"\nmethod {method}: Evidently {sorted(set(peer['methods'].values()))}, "  # type: ignore[union-attr]
          f"valuewatch {sorted(set(mine['methods'].values()))}")  # type: ignore[union-attr]
    print(f"{'signal':14} {'Evidently':>20} {'valuewatch':>20} {'|difference|':>13} "
          f"{'from SQLite':>13} {'100k sample':>20} {'sample error':>13}")
    worst = 0.0
    for name, theirs in peer["scores"].items():  # type: ignore[union-attr]
        own = mine["scores"][name]  # type: ignore[index]
        from_db = runs["database"][0]["scores"][name]  # type: ignore[index]
        approx = sampled["scores"][name]  # type: ignore[index]
        difference = max(abs(own - theirs), abs(from_db - theirs))
        worst = max(worst, difference)
        print(f"{name:14} {theirs:>20.11f} {own:>20.11f} {difference:>13.2e} "
              f"{abs(from_db - own):>13.2e} {approx:>20.11f} {abs(approx - own):>13.2e}")
    verdict = "ok" if worst <= TOLERANCE else f"OVER {TOLERANCE:g}"
    print(f"largest |valuewatch - Evidently|: {worst:.2e} ({verdict})")
    peer_seconds = median(float(r["seconds"]) for r in runs["evidently"])  # type: ignore[arg-type]
    print(f"{'Evidently ValueDrift, 5 columns':45} median {peer_seconds:7.2f} s")
    for case in OURS:
        times = sorted(float(r["seconds"]) for r in runs[case])  # type: ignore[arg-type]
        print(f"{TITLES[case]:45} median {median(times):7.2f} s (best {times[0]:.2f}, worst "
              f"{times[-1]:.2f}); ÷ Evidently = {median(times) / peer_seconds:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--methods", default="default,ks")
    parser.add_argument("--database", type=Path, default=Path("/tmp/valuewatch-bench-drift.db"))
    parser.add_argument("--case", choices=OURS)
    parser.add_argument("--method", default="default")
    args = parser.parse_args()
    data = write_data(args.rows)
    if args.case:
        print(json.dumps(ours(args.case, args.method, data, args.database, args.rows)))
        return
    python = peer_python("evidently", REQUIREMENTS)
    drift_bench.build(args.database, args.rows)
    print(f"{args.rows:,} vs {args.rows:,} rows × 5 signals ({data}, {args.database}); "
          f"{args.rounds} rounds, alternating, each figure a fresh process")
    worker = Path(__file__).with_name("evidently_worker.py")
    for method in args.methods.split(","):
        runs: dict[str, list[dict[str, object]]] = {"evidently": [], **{c: [] for c in OURS}}
        for _ in range(args.rounds):
            # -P: the worker's folder holds this file, which would shadow the evidently package.
            runs["evidently"].append(run_json([str(python), "-P", str(worker), str(data), method]))
            for case in OURS:
                runs[case].append(run_json([
                    sys.executable, __file__, "--rows", str(args.rows), "--database",
                    str(args.database), "--case", case, "--method", method]))
        report(method, runs)


if __name__ == "__main__":
    main()
