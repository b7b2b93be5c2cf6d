"""`valuewatch alerts build` and `valuewatch dashboards build` write the generated files,
need no database, and refuse a bad setting by name."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from alerts.pipeline import alert_files
from dashboards.build import dashboard_files
from metrics.settings import Settings
from tests.golden.compare import settings_without_environment
from valuewatch.cli import main


@pytest.fixture(autouse=True)
def no_valuewatch_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in [n for n in os.environ if n.startswith("VALUEWATCH_")]:
        monkeypatch.delenv(name)
    # A database the commands must not create: they need none.
    monkeypatch.setenv("VALUEWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")


@pytest.mark.parametrize(("command", "generate"), [
    ("alerts", alert_files), ("dashboards", dashboard_files),
], ids=["alerts build writes the rules, the PrometheusRule and the Alertmanager example",
        "dashboards build writes the three dashboards"])
def test_build_writes_what_the_generator_makes_without_a_database(
    command: str, generate: Callable[[Settings], dict[str, str]], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    assert main([command, "build", "--out", str(out)]) == 0
    expected = generate(settings_without_environment())
    assert {p.name: p.read_text() for p in out.iterdir()} == expected
    assert capsys.readouterr().out.split() == [str(out / name) for name in sorted(expected)]
    assert not (tmp_path / "never.db").exists()


def test_a_latency_threshold_off_the_buckets_stops_the_build_with_the_settings_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VALUEWATCH_SLO_LATENCY_THRESHOLD_S", "3")
    assert main(["alerts", "build", "--out", str(tmp_path / "out")]) == 2
    assert "VALUEWATCH_SLO_LATENCY_THRESHOLD_S=3.0 is not a bucket boundary" in (
        capsys.readouterr().err)
    assert not (tmp_path / "out").exists()
