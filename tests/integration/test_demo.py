"""`valuewatch demo` runs end to end and leaves what it says it leaves."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.integration.conftest import free_port


def test_the_demo_writes_dashboards_alerts_and_a_value_report(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    run = subprocess.run(
        [sys.executable, "-m", "valuewatch", "demo", "--out", str(out), "--no-wait",
         "--port", str(free_port()), "--days", "35"],
        capture_output=True, text=True, timeout=240, env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "/docs" in run.stdout and "/metrics" in run.stdout
    reports = sorted(out.glob("value-report-*.md"))
    assert [path.suffix for path in sorted(out.glob("value-report-*"))] == [".html", ".md"]
    text = reports[0].read_text()
    assert "Value score" in text and "ROI" in text
    assert "No data was recorded" not in text
    dashboards = sorted(path.name for path in (out / "dashboards").glob("*.json"))
    assert len(dashboards) == 3
    for path in (out / "dashboards").glob("*.json"):
        assert json.loads(path.read_text())["panels"]
    assert (out / "alerts" / "alertmanager.example.yaml").exists()
