"""How light `valuewatch serve` is: start-up time and idle memory, by what it runs.

Three ways to run it, alternated round by round on fresh SQLite files:
- the Helm sidecar (scheduler off, OTLP/gRPC off: `sidecar.otlpGrpcPort` defaults to 0),
- a collector with the scheduler off and OTLP/gRPC on its default port,
- the default `serve` (scheduler on, gRPC on).
Prints, per way, the median seconds from starting the process to the first 200 from
/healthz (the schema migrated first, in a child process), the resident memory (VmRSS)
after it has sat idle for --idle seconds, and which of the evaluators' native libraries
(numpy, scipy, scikit-learn, matplotlib, pandas, pyarrow) its memory maps.
Run: .venv/bin/python bench/sidecar.py [--rounds 3] [--idle 10]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import free_port, serve  # noqa: E402

WAYS = {
    "sidecar (scheduler off, gRPC off)": {"scheduler_enabled": "false", "otlp_grpc_port": "0"},
    "collector (scheduler off, gRPC on)": {"scheduler_enabled": "false"},
    "default serve (scheduler on, gRPC on)": {"scheduler_enabled": "true"},
}
EVALUATOR_LIBRARIES = ("numpy", "scipy", "sklearn", "matplotlib", "pandas", "pyarrow")


def one_run(
    folder: Path, settings: dict[str, str], idle_s: float
) -> tuple[float, float, list[str]]:
    """Start-up seconds, idle RSS in MiB and the evaluator libraries mapped, for one start."""
    database = folder / f"{time.monotonic_ns()}.db"
    port = free_port()
    grpc = {} if "otlp_grpc_port" in settings else {"otlp_grpc_port": str(free_port())}
    started = time.perf_counter()
    process = serve(f"sqlite:///{database}", port, **(settings | grpc))
    startup = time.perf_counter() - started
    try:
        time.sleep(idle_s)
        status = Path(f"/proc/{process.pid}/status").read_text()
        rss = next(int(line.split()[1]) for line in status.splitlines()
                   if line.startswith("VmRSS:")) / 1024
        maps = Path(f"/proc/{process.pid}/maps").read_text()
        mapped = [name for name in EVALUATOR_LIBRARIES if f"/site-packages/{name}" in maps]
        return startup, rss, mapped
    finally:
        process.terminate()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0, help="seconds idle before reading")
    args = parser.parse_args()
    runs: dict[str, list[tuple[float, float, list[str]]]] = {way: [] for way in WAYS}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(args.rounds):
            for way, settings in WAYS.items():
                runs[way].append(one_run(Path(folder), settings, args.idle))
    print(f"valuewatch serve, {args.rounds} starts each, idle {args.idle:g} s "
          f"(medians; Python {sys.version.split()[0]})")
    for way, results in runs.items():
        startup = statistics.median(r[0] for r in results)
        rss = statistics.median(r[1] for r in results)
        mapped = sorted({name for r in results for name in r[2]})
        print(f"  {way:40} start-up {startup:5.2f} s, idle RSS {rss:6.1f} MiB, "
              f"evaluator libraries loaded: {', '.join(mapped) or 'none'}")


if __name__ == "__main__":
    main()
