"""The image the chart runs: built in two stages, run as user 10001 on the chart's ports.

The image is not built here (no Docker daemon); these read the Dockerfile's instructions.
"""

import json
import re

import yaml

from tests.unit.helm.chart import CHART, ROOT

DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    pairs = [line.split(maxsplit=1) for line in lines if line and not line.startswith("#")]
    return [(pair[0].upper(), pair[1] if len(pair) > 1 else "") for pair in pairs]


def last(name: str) -> str:
    return [args for instruction, args in instructions() if instruction == name][-1]


def test_a_python_slim_builder_installs_the_package_into_a_venv_the_runtime_copies() -> None:
    stages = [args for instruction, args in instructions() if instruction == "FROM"]
    assert stages == ["python:3.11-slim AS builder", "python:3.11-slim"]
    assert "COPY --from=builder /opt/valuewatch /opt/valuewatch" in [
        f"{i} {a}" for i, a in instructions()]


def test_the_image_runs_as_the_user_the_chart_requires() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert last("USER") == str(values["securityContext"]["runAsUser"]) == "10001"
    assert "--uid 10001" in last("RUN")


def test_the_image_exposes_the_collector_and_evaluator_ports_and_serves_by_default() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert last("EXPOSE").split() == ["8000", str(values["evaluator"]["metricsPort"])]
    assert json.loads(last("ENTRYPOINT")) == ["valuewatch"]
    assert json.loads(last("CMD")) == ["serve", "--host", "0.0.0.0"]


def test_the_build_context_leaves_out_the_venv_tests_and_databases() -> None:
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert {".git", ".venv", "tests/", "*.db", "helm/"} <= set(ignored)
