"""The dependency rule: metrics imports none of ours; the four middle packages only metrics."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"metrics", "collector", "evaluators", "dashboards", "alerts", "valuewatch"}
ALLOWED = {
    "metrics": set(),
    "collector": {"metrics"},
    "evaluators": {"metrics"},
    "dashboards": {"metrics"},
    "alerts": {"metrics"},
    "valuewatch": OURS,
}


def imported_packages(path: Path) -> set[str]:
    """Top-level names of everything `path` imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_a_package_imports_only_what_the_layering_allows(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    violations = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in sorted(imported_packages(path) & OURS - {package} - ALLOWED[package])
    ]
    assert violations == []


def test_the_walk_sees_real_imports() -> None:
    # Guard against a walk that finds nothing and so passes vacuously.
    assert "metrics" in imported_packages(ROOT / "collector" / "app.py")
    assert "fastapi" in imported_packages(ROOT / "collector" / "app.py")
