"""Rendering the valuewatch chart offline with helm-python-sdk, for the chart's tests."""

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import helm_python
import yaml

ROOT = Path(__file__).resolve().parents[3]
CHART = ROOT / "helm" / "valuewatch"
GOLDEN = ROOT / "tests" / "golden" / "helm"
FIXTURE_FILES = Path(__file__).parent / "fixtures" / "files"
RELEASE = "valuewatch"
NAMESPACE = "llm"
# The Kubernetes version the manifests are validated and linted against.
KUBERNETES_VERSION = "1.31.0"
NOTES = f"{CHART.name}/templates/NOTES.txt"
# Made from files/, the same for every set of values: only the default case's golden has them.
GENERATED = frozenset(f"{CHART.name}/templates/{name}"
                      for name in ("dashboards.yaml", "prometheusrule.yaml"))

Manifest = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """A set of values the chart is rendered with, and the golden file of its manifests."""

    name: str
    golden: str
    values: dict[str, Any] = field(default_factory=dict)
    with_generated: bool = False  # the golden holds the dashboards and the rules too


DEFAULT = Case("the default values run the collector and the evaluator on PostgreSQL",
               "default.yaml", with_generated=True)
SIDECAR = Case(
    "the sidecar values leave the collector to the model's pods",
    "sidecar.yaml",
    {"sidecar": {"enabled": True, "podSelector": {"app.kubernetes.io/name": "vllm"},
                 "port": 8001}},
)
EXISTING_SECRET = Case(
    "an existing secret holds the database URL and the salt",
    "existing-secret.yaml",
    {"database": {"existingSecret": "valuewatch-postgres",
                  "existingSecretKeys": {"url": "uri", "userHashSalt": "salt"}},
     "collector": {"workers": 4},
     "settings": {"VALUEWATCH_RETENTION_DAYS": "30", "VALUEWATCH_ACCURACY_TARGET": 0.95},
     "extraEnv": [{"name": "TZ", "value": "UTC"}]},
)
SQLITE_TRIAL = Case(
    "a SQLite trial is one collector pod on a volume that runs the evaluators itself",
    "sqlite-trial.yaml",
    {"environment": "development",
     "database": {"sqlite": {"enabled": True, "persistence": {"enabled": True}}},
     "collector": {"replicas": 1}},
)
CASES = (DEFAULT, SIDECAR, EXISTING_SECRET, SQLITE_TRIAL)


def render(values: dict[str, Any], chart: Path = CHART) -> dict[str, str]:
    """Template path → rendered text, as `helm template` would write it."""
    with helm_python.Chart.load(chart) as loaded:
        return loaded.render(values, name=RELEASE, namespace=NAMESPACE)


def manifests(rendered: dict[str, str]) -> list[Manifest]:
    """Every Kubernetes object in the rendered templates (NOTES.txt is no manifest)."""
    objects: list[Manifest] = []
    for path in sorted(rendered):
        if path != NOTES:
            objects += [doc for doc in yaml.safe_load_all(rendered[path]) if doc]
    return objects


def golden_text(rendered: dict[str, str], *, with_generated: bool) -> str:
    """The rendered manifests as one YAML stream, each headed by its template's path."""
    parts = []
    for path in sorted(rendered):
        text = rendered[path].strip()
        if path == NOTES or not text or (path in GENERATED and not with_generated):
            continue
        parts.append(f"---\n# Source: {path}\n{text.removeprefix('---').lstrip()}\n")
    return "".join(parts)


def of_kind(objects: list[Manifest], kind: str) -> list[Manifest]:
    """The objects of one kind."""
    return [o for o in objects if o["kind"] == kind]


def named(objects: list[Manifest], kind: str, name: str) -> Manifest:
    """The one object of `kind` called `name`."""
    found = [o for o in of_kind(objects, kind) if o["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def env_of(container: Manifest) -> dict[str, Any]:
    """A container's environment: name → value, or its valueFrom."""
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def chart_with_files(destination: Path, files: Path = FIXTURE_FILES) -> Path:
    """A copy of the chart whose files/ (generated dashboards and rules) is `files`."""
    copy = destination / CHART.name
    shutil.copytree(CHART, copy, ignore=shutil.ignore_patterns("files"))
    shutil.copytree(files, copy / "files")
    return copy


def sidecar_snippet(notes: str) -> str:
    """The pod-spec snippet NOTES.txt prints in sidecar mode."""
    _, marker, snippet = notes.partition("containers:\n")
    assert marker, "NOTES.txt shows no sidecar snippet"
    return marker + snippet.rstrip() + "\n"
