"""Accuracy from a judge corrected by humans, on 1,000 simulated apps.

Prints how often each 95% interval holds the true accuracy (prediction-powered PPI++,
human grades alone, judge grades alone), the mean width of the prediction-powered
interval over the human-only Wilson interval, the mean lambda, and the judge's mean bias.
See evaluators/stats/judge_simulation.py for how the apps and judges are drawn.
Run: .venv/bin/python bench/judge_accuracy.py [--datasets 1000] [--seed 0]
"""

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluators.stats.judge_simulation import coverage  # noqa: E402


def main() -> None:
    """Run the simulation and print its figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    figures = coverage(args.datasets, args.seed)
    print(json.dumps({**asdict(figures), "seed": args.seed,
                      "seconds": round(time.perf_counter() - started, 1)}, indent=2))


if __name__ == "__main__":
    main()
