"""A collector that does not evaluate loads none of what only the evaluators need."""

import json
import subprocess
import sys
from pathlib import Path

from tests.unit.test_layering import ROOT

# What the evaluators, the generators and migrations need, and a sidecar must not load.
EVALUATOR_ONLY = ("numpy", "scipy", "sklearn", "pandas", "pyarrow", "matplotlib", "reportlab",
                  "grafanalib", "datasketches", "alembic", "apscheduler")

LOADED = """
import json, sys
from metrics.settings import Settings
from valuewatch.cli import build_parser
from valuewatch.serve import build_app
build_parser()
build_app(Settings(database_url=sys.argv[1], scheduler_enabled=sys.argv[2] == "on",
                   otlp_grpc_port=int(sys.argv[3])))
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def loaded_by_serve(tmp_path: Path, scheduler: str, grpc_port: int) -> set[str]:
    """The top-level packages a fresh process holds once it has built `serve`'s app."""
    out = subprocess.run(
        [sys.executable, "-c", LOADED, f"sqlite:///{tmp_path / 'v.db'}", scheduler,
         str(grpc_port)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_a_sidecar_loads_no_evaluator_library_and_no_grpc_when_grpc_is_off(tmp_path) -> None:
    loaded = loaded_by_serve(tmp_path, "off", 0)
    assert loaded & {*EVALUATOR_ONLY, "grpc"} == set()
    assert {"fastapi", "sqlalchemy", "prometheus_client"} <= loaded


def test_a_collector_with_grpc_on_loads_grpc_but_still_no_evaluator_library(tmp_path) -> None:
    loaded = loaded_by_serve(tmp_path, "off", 4317)
    assert loaded & set(EVALUATOR_ONLY) == set()
    assert "grpc" in loaded


def test_serve_with_the_scheduler_on_loads_the_evaluators(tmp_path) -> None:
    loaded = loaded_by_serve(tmp_path, "on", 0)
    assert {"scipy", "matplotlib", "reportlab", "apscheduler"} <= loaded
