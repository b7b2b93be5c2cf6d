"""An alert is declared in alerts/, has its section in docs/runbook.md and its cases in
tests/promtool/: the three agree for every config the golden files are generated from."""

import re
from collections.abc import Iterator
from typing import Any

import yaml

from tests.golden.compare import GOLDEN, ROOT

RUNBOOK = ROOT / "docs" / "runbook.md"
PROMTOOL_TESTS = sorted((ROOT / "tests" / "promtool").glob("*.yaml"))


def alert_names_in(document: Any) -> Iterator[str]:
    """The `alert:` names anywhere in a parsed YAML document."""
    if isinstance(document, dict):
        if isinstance(document.get("alert"), str) and "expr" in document:
            yield document["alert"]
        for value in document.values():
            yield from alert_names_in(value)
    elif isinstance(document, list):
        for value in document:
            yield from alert_names_in(value)


def golden_alerts() -> set[str]:
    """Every alert in the golden rule files and Helm manifests, of every config."""
    return {
        name
        for path in sorted(GOLDEN.rglob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        for name in alert_names_in(document)
    }


def runbook_sections() -> set[str]:
    """The alerts the runbook has a section for: its third-level headings."""
    return set(re.findall(r"^### (\S+)$", RUNBOOK.read_text(), flags=re.MULTILINE))


def promtool_cases() -> list[dict[str, Any]]:
    """Every alert_rule_test case of tests/promtool/."""
    return [
        case
        for path in PROMTOOL_TESTS
        for test in yaml.safe_load(path.read_text())["tests"]
        for case in test.get("alert_rule_test", [])
    ]


def test_the_golden_files_hold_alerts() -> None:
    # Guard against a walk that finds nothing and so passes vacuously.
    assert {"ValuewatchAvailabilityFastBurn", "ValuewatchEvaluatorAbsent"} <= golden_alerts()


def test_every_generated_alert_has_a_runbook_section_and_every_section_an_alert() -> None:
    alerts, sections = golden_alerts(), runbook_sections()
    assert (alerts - sections, sections - alerts) == (set(), set())


def test_every_generated_alert_fires_in_a_promtool_case() -> None:
    firing = {case["alertname"] for case in promtool_cases() if case.get("exp_alerts")}
    assert golden_alerts() - firing == set()


def test_every_promtool_case_is_about_a_generated_alert() -> None:
    named = {case["alertname"] for case in promtool_cases()}
    assert named - golden_alerts() == set()
