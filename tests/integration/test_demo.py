"""`valuewatch demo` runs end to end, leaves what it says it leaves, and the addresses it
prints answer while it waits."""

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import datasets
import httpx

from tests.integration.conftest import free_port

DASHBOARD_GAUGES = ("valuewatch_drift_score", "valuewatch_accuracy_ratio",
                    "valuewatch_feedback_thumbs_up_ratio", "valuewatch_kpi_value",
                    "valuewatch_kpi_score", "valuewatch_value_score",
                    "valuewatch_evaluator_last_success_timestamp_seconds")


def test_the_demo_serves_and_writes_what_it_prints(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    errors = (tmp_path / "stderr.txt").open("w")  # a file: a full pipe would stall the demo
    demo = subprocess.Popen(
        [sys.executable, "-m", "valuewatch", "demo", "--out", str(out),
         "--port", str(free_port()), "--days", "35"],
        stdout=subprocess.PIPE, stderr=errors, text=True,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    try:
        printed = _until_waiting(demo)
        base = re.search(r"Prometheus metrics (\S+)/metrics", printed).group(1)  # type: ignore[union-attr]
        curl = re.search(r"-H '(Authorization: Bearer \S+)' '(\S+)'", printed)
        assert curl is not None, printed
        report = httpx.get(curl.group(2), headers=dict([curl.group(1).split(": ")]), timeout=30)
        metrics = httpx.get(f"{base}/metrics", timeout=30).text
    finally:
        demo.send_signal(signal.SIGINT)
        demo.communicate(timeout=60)
        errors.close()

    assert report.status_code == 200 and "Value score" in report.text
    for gauge in DASHBOARD_GAUGES:
        assert re.search(rf"^{gauge}\{{.*\}} [0-9.e+-]+$", metrics, re.MULTILINE), gauge
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
    counts = {kind: int(re.search(rf"preferences-{kind}.jsonl  \(([0-9,]+)\)",
                                  printed).group(1).replace(",", ""))  # type: ignore[union-attr]
              for kind in ("dpo", "kto")}
    dpo = datasets.load_dataset("json", data_files=str(out / "preferences-dpo.jsonl"),
                                split="train")
    kto = datasets.load_dataset("json", data_files=str(out / "preferences-kto.jsonl"),
                                split="train")
    assert dpo.column_names == ["prompt", "chosen", "rejected"] and len(dpo) == counts["dpo"]
    assert kto.column_names == ["prompt", "completion", "label"] and len(kto) == counts["kto"]
    assert counts["dpo"] > 0 and set(kto["label"]) == {True, False}
    assert all(len(row["chosen"]) > len(row["rejected"]) for row in dpo)  # good answers


def _until_waiting(demo: subprocess.Popen[str]) -> str:
    """What the demo printed up to its "Press Ctrl+C" line."""
    assert demo.stdout is not None
    lines = []
    for line in demo.stdout:
        lines.append(line)
        if line.startswith("Press Ctrl+C"):
            return "".join(lines)
    raise AssertionError(f"the demo stopped early: {''.join(lines)}")
