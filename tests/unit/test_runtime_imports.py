"""Runtime code imports only the standard library and what a plain install brings: the
runtime dependencies in pyproject.toml and theirs (not the test extra)."""

import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires

from tests.unit.test_layering import OURS, ROOT, imported_packages


def canonical(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions() -> set[str]:
    """The runtime dependencies and, installed here, everything they require in turn."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pending = [re.split(r"[\s\[<>=!~;]", spec, maxsplit=1)[0] for spec in declared]
    found: set[str] = set()
    while pending:
        name = canonical(pending.pop())
        if name in found:
            continue
        found.add(name)
        try:
            needs = requires(name) or []
        except PackageNotFoundError:
            continue
        pending += [re.split(r"[\s\[<>=!~;(]", need, maxsplit=1)[0]
                    for need in needs if "extra ==" not in need]
    return found


def test_runtime_code_imports_only_runtime_dependencies() -> None:
    runtime = runtime_distributions()
    providers = packages_distributions()
    outside = []
    for package in sorted(OURS):
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in sorted(imported_packages(path) - OURS - set(sys.stdlib_module_names)):
                dists = {canonical(dist) for dist in providers.get(name, [name])}
                if not dists & runtime:
                    outside.append(f"{path.relative_to(ROOT)} imports {name}")
    assert outside == []
