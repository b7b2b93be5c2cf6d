"""Golden files: generated output compared with the file byte for byte.

Regenerate after an intended change (the dashboards and rules, their copies in the Helm
chart, and the chart rendered with them), then review the diff before committing:

    VALUEWATCH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest \
        tests/unit/dashboards tests/unit/alerts tests/unit/helm
"""

import difflib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from metrics.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
HELM_FILES = ROOT / "helm" / "valuewatch" / "files"
UPDATE = os.environ.get("VALUEWATCH_UPDATE_GOLDEN") == "1"


def settings_without_environment(**overrides: Any) -> Settings:
    """Settings from the defaults and `overrides` only, whatever VALUEWATCH_* says here."""
    return Settings.model_construct(**overrides)


def assert_matches_golden(actual: str, path: Path) -> None:
    """Fail with a short diff unless `path` holds exactly `actual` (or rewrite it, updating)."""
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    name = str(path.relative_to(ROOT))
    if not path.exists():
        pytest.fail(f"{name} is missing; write it with VALUEWATCH_UPDATE_GOLDEN=1")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(), actual.splitlines(), name,
                                    "generated", lineterm="", n=1)
        shown = "\n".join(list(diff)[:40])
        pytest.fail(f"{name} differs from the generator's output (VALUEWATCH_UPDATE_GOLDEN=1 "
                    f"rewrites it):\n{shown}")


def check_generated_file(
    generate: Callable[[Settings], dict[str, str]], overrides: dict[str, Any], golden: Path,
    name: str,
) -> None:
    """The file `name` that `generate` writes for these settings matches `golden`."""
    assert_matches_golden(generate(settings_without_environment(**overrides))[name], golden)
