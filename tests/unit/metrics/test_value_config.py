"""The value config: the shipped default and the example load; bad keys fail by name."""

from pathlib import Path

import pytest
import yaml

from metrics.value.config import DEFAULT_CONFIG, ValueConfigError, load_value_config

ROOT = Path(__file__).resolve().parents[3]
DASHBOARD_KPIS = {"roi", "cost_per_outcome", "hours_saved", "value_created", "llm_spend",
                  "total_cost", "active_users", "csat", "thumbs_up_ratio", "accuracy",
                  "error_rate", "latency_p95_seconds"}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "value.yaml"
    path.write_text(text)
    return path


MINIMAL = """
currency: EUR
baseline: {hourly_cost: 40}
kpis:
  - {name: roi, target: 1.0}
"""


@pytest.mark.parametrize("path", [DEFAULT_CONFIG, ROOT / "examples" / "value.yaml",
                                  ROOT / "examples" / "value-weighted.yaml"])
def test_the_shipped_configs_load_and_name_the_kpis_dashboards_use(path: Path) -> None:
    config = load_value_config(path)
    assert {kpi.name for kpi in config.kpis} >= DASHBOARD_KPIS


def test_a_built_in_kpi_takes_its_dimension_direction_and_unit_from_its_kind(
    tmp_path: Path
) -> None:
    config = load_value_config(write(tmp_path, MINIMAL))
    (roi,) = config.kpis
    assert (roi.kind, roi.dimension, roi.direction, config.unit_of(roi)) == (
        "roi", "financial", "higher", "ratio")
    assert set(config.dimensions) == {"financial", "efficiency", "user_experience", "quality",
                                      "risk", "adoption", "strategic"}


@pytest.mark.parametrize(("text", "message"), [
    (MINIMAL.replace("target: 1.0", "target:"), "kpis.0.target: a value is required"),
    (MINIMAL.replace("{name: roi, target: 1.0}", "{name: roi}"),
     "kpis.0.target: required key is missing"),
    (MINIMAL.replace("currency: EUR", "currency:"), "currency: a value is required"),
    (MINIMAL.replace("baseline: {hourly_cost: 40}", ""), "baseline: required key is missing"),
    (MINIMAL.replace("name: roi", "name: happiness"), "happiness: kind 'happiness' is not"),
    (MINIMAL + "  - {name: x, formula: 'roi * 2', target: 1}\n",
     "x.dimension is required for a formula KPI"),
    (MINIMAL + "  - {name: x, formula: 'nope * 2', target: 1, dimension: risk, "
     "direction: lower}\n", "x.formula uses unknown KPIs: nope"),
    (MINIMAL + "  - {name: x, formula: 'y', target: 1, dimension: risk, direction: lower}\n"
     "  - {name: y, formula: 'x', target: 1, dimension: risk, direction: lower}\n",
     "in a cycle"),
    (MINIMAL + "  - {name: x, formula: 'open(roi)', target: 1, dimension: risk, "
     "direction: lower}\n", "Call is not allowed"),
    (MINIMAL + "  - {name: r, kind: outcome_rate, target: 1}\n", "r.outcome is required"),
    (MINIMAL.replace("target: 1.0", "target: 1.0, dimension: joy"), "is not one of"),
    (MINIMAL + "  - {name: roi, target: 2}\n", "repeated: roi"),
    (MINIMAL + "typo_key: 1\n", "typo_key: Extra inputs are not permitted"),
])
def test_a_bad_config_fails_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueConfigError, match="value config") as raised:
        load_value_config(write(tmp_path, text))
    assert message in str(raised.value)


def test_a_formula_kpi_needs_no_kind(tmp_path: Path) -> None:
    raw = yaml.safe_load(MINIMAL)
    raw["kpis"].append({"name": "double_roi", "formula": "roi * 2", "target": 2,
                        "dimension": "financial", "direction": "higher"})
    config = load_value_config(write(tmp_path, yaml.safe_dump(raw)))
    assert config.kpis[1].kind is None and config.kpis[1].definition == "roi * 2"
