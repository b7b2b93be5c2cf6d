"""The generated dashboards, as Grafana would load them."""

import json
from typing import Any

import pytest

from dashboards.build import dashboard_files
from tests.golden.compare import settings_without_environment


def all_dashboard_documents() -> dict[str, dict[str, Any]]:
    """File name → parsed JSON of every dashboard of the default settings."""
    files = dashboard_files(settings_without_environment())
    return {name: json.loads(text) for name, text in files.items()}


@pytest.fixture(params=sorted(all_dashboard_documents()))
def dashboard(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Each dashboard in turn."""
    return all_dashboard_documents()[request.param]
