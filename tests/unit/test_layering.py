"""The dependency rules: metrics imports none of ours; the four middle packages only metrics;
inside metrics and evaluators, each domain package only what its docstring allows."""

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


# Inside a floor: a package's modules import, of that floor, only these (and themselves).
# Names are module prefixes: "evaluators.windows" allows that module, "evaluators.stats"
# the whole package.
EVALUATOR_SHARED = ("evaluators.windows", "evaluators.results", "evaluators.signals",
                    "evaluators.staleness", "evaluators.stats")
SUB_PACKAGES = {
    "metrics.store": ("metrics.types",),
    "metrics.value": ("metrics.types", "metrics.catalog", "metrics.store.upsert"),
    "evaluators.stats": (),
    "evaluators.drift": EVALUATOR_SHARED,
    "evaluators.quality": EVALUATOR_SHARED,
    "evaluators.fairness": EVALUATOR_SHARED,
    "evaluators.upkeep": EVALUATOR_SHARED,
    "evaluators.topics": EVALUATOR_SHARED,
    "evaluators.value": (*EVALUATOR_SHARED, "evaluators.upkeep"),
}


def imported_modules(path: Path) -> set[str]:
    """Dotted names of everything `path` imports, as written (from-imports by module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def within(name: str, prefix: str) -> bool:
    """Whether module `name` is `prefix` or inside it."""
    return name == prefix or name.startswith(prefix + ".")


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


@pytest.mark.parametrize("package", sorted(SUB_PACKAGES))
def test_a_domain_package_imports_of_its_floor_only_what_it_may(package: str) -> None:
    floor = package.split(".")[0]
    allowed = (package, *SUB_PACKAGES[package])
    files = sorted((ROOT / package.replace(".", "/")).rglob("*.py"))
    assert files, f"{package} has no modules"
    violations = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in files
        for name in sorted(imported_modules(path))
        if within(name, floor) and not any(within(name, prefix) for prefix in allowed)
    ]
    assert violations == []


def test_every_domain_package_is_under_a_rule() -> None:
    packages = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for floor in ("metrics", "evaluators")
        for init in (ROOT / floor).glob("*/__init__.py")
    }
    assert packages - {"metrics.queries", "metrics.migrations"} == set(SUB_PACKAGES)
