"""The generated dashboards against their golden files, and the Helm chart's copies."""

from pathlib import Path
from typing import Any

import pytest

from dashboards.build import dashboard_files
from tests.golden.compare import (
    GOLDEN,
    HELM_FILES,
    ROOT,
    check_generated_file,
    settings_without_environment,
)

DASHBOARDS = ("llm-health.json", "quality-drift.json", "business-value.json")
STRICT: dict[str, Any] = {
    "slo_availability_target": 0.999, "slo_latency_threshold_s": 1.28, "slo_period_days": 28,
    "accuracy_target": 0.95, "alerts_evaluator_job": "",
    "value_config": ROOT / "examples" / "value.yaml",
}

CASES = [
    *[(f"the default settings give {name}", {}, GOLDEN / "default" / name, name)
      for name in DASHBOARDS],
    ("a 99.9% objective over 28 days and a 1.28 s threshold move the lines drawn on the "
     "health dashboard", STRICT, GOLDEN / "strict" / "llm-health.json", "llm-health.json"),
    ("a 95% accuracy target moves the line drawn on the quality dashboard",
     STRICT, GOLDEN / "strict" / "quality-drift.json", "quality-drift.json"),
    ("a value config in euros shows the money KPIs in euros",
     STRICT, GOLDEN / "strict" / "business-value.json", "business-value.json"),
    *[(f"the Helm chart ships the {name} the default settings give", {},
       HELM_FILES / "dashboards" / name, name) for name in DASHBOARDS],
]


@pytest.mark.parametrize(("overrides", "golden", "name"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_generated_files_match_their_golden_files(
    overrides: dict[str, Any], golden: Path, name: str
) -> None:
    check_generated_file(dashboard_files, overrides, golden, name)


def test_the_generators_write_exactly_the_golden_dashboards() -> None:
    assert sorted(dashboard_files(settings_without_environment())) == sorted(DASHBOARDS)
