"""Evidently's side of bench/peers/evidently.py, run with the peer's own Python.

``-P`` keeps this folder off sys.path, where evidently.py would shadow the package.
Reads the two windows from an .npz file into DataFrames, then times one Report of
ValueDrift for every column (its default method, or the one named) and prints JSON:
seconds and each column's drift score (a distance, or a test's p-value).
Run: bench/peers/.venv-evidently/bin/python -P bench/peers/evidently_worker.py DATA.npz [METHOD]
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from evidently import Report
from evidently.metrics import ValueDrift


def main() -> None:
    path, method = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "default")
    with np.load(path) as arrays:
        columns = [name.removeprefix("reference.") for name in arrays.files
                   if name.startswith("reference.")]
        reference = pd.DataFrame({c: arrays[f"reference.{c}"] for c in columns})
        current = pd.DataFrame({c: arrays[f"current.{c}"] for c in columns})
    chosen = {} if method == "default" else {"method": method}
    report = Report([ValueDrift(column=c, **chosen) for c in columns])
    started = time.perf_counter()
    snapshot = report.run(current_data=current, reference_data=reference)
    seconds = time.perf_counter() - started
    scores = {m["config"]["column"]: float(m["value"]) for m in snapshot.dict()["metrics"]}
    methods = {m["config"]["column"]: m["config"]["method"] for m in snapshot.dict()["metrics"]}
    print(json.dumps({"seconds": seconds, "scores": scores, "methods": methods}))


if __name__ == "__main__":
    main()
