"""The KPI kinds are one registry: each entry computes its kind, and every kind a shipped
config or the README names is in it."""

import inspect
import re
from pathlib import Path

import pytest
import yaml

from metrics.value.config import DEFAULT_CONFIG
from metrics.value.kinds import DIMENSIONS, KIND_NAMED, KPI_KINDS, VOLUME_KINDS
from metrics.value.measures import Measures

ROOT = Path(__file__).resolve().parents[3]
CONFIGS = [DEFAULT_CONFIG, *sorted((ROOT / "examples").glob("*.yaml")),
           ROOT / "valuewatch" / "demo_value.yaml"]


def kinds_named_in(path: Path) -> set[str]:
    """The kinds the KPIs of the value config at `path` use, formulas aside."""
    kpis = yaml.safe_load(path.read_text(encoding="utf-8"))["kpis"]
    return {kpi.get("kind") or kpi["name"] for kpi in kpis if "formula" not in kpi}


def test_each_kind_has_one_entry_with_a_function_of_the_measures() -> None:
    names = [kind.name for kind in KPI_KINDS]
    assert len(names) == len(set(names)) == len(KIND_NAMED)
    for kind in KPI_KINDS:
        parameters = list(inspect.signature(kind.compute).parameters)
        assert parameters == ["m", "kpi", "c"], kind.name
        assert kind.compute.__annotations__["m"] in ("Measures", Measures), kind.name
        assert kind.dimension in DIMENSIONS, kind.name
        assert kind.definition.endswith("."), kind.name


def test_the_kinds_that_add_up_over_a_month_are_the_totals() -> None:
    assert {
        "llm_spend", "total_cost", "hours_saved", "value_created", "risk_incidents", "calls",
    } == VOLUME_KINDS


@pytest.mark.parametrize("path", CONFIGS, ids=lambda path: path.name)
def test_every_kind_a_shipped_config_names_is_a_built_in_kind(path: Path) -> None:
    assert kinds_named_in(path) - KIND_NAMED.keys() == set()


def test_the_readme_names_every_kind() -> None:
    quoted = set(re.findall(r"`([a-z_0-9]+)`", (ROOT / "README.md").read_text()))
    assert KIND_NAMED.keys() - quoted == set()
