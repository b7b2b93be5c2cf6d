"""`valuewatch report`, `valuewatch export preferences` and `evaluate --job kpis`."""

import json
from pathlib import Path

import pytest

from metrics.store.database import Store
from tests.value_seed import MONTH, seed_month, value_config
from valuewatch.cli import main


@pytest.fixture
def environment(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    value_config(tmp_path)
    monkeypatch.setenv("VALUEWATCH_DATABASE_URL", store.engine.url.render_as_string(False))
    monkeypatch.setenv("VALUEWATCH_VALUE_CONFIG", str(tmp_path / "value.yaml"))
    return tmp_path


def test_report_writes_the_month_in_the_format_asked(
    store: Store, environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_month(store)
    out = environment / "out" / "march.json"

    status = main(["report", "--month", str(MONTH), "--format", "json", "--out", str(out)])

    assert status == 0
    assert json.loads(out.read_text())["summary"]["value_created"] == 5300.0
    assert f"value report for 2026-03 (json) to {out}" in capsys.readouterr().out


def test_report_refuses_a_bad_month_and_a_bad_config(
    environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["report", "--month", "March", "--out", str(environment / "x.html")])
    (environment / "value.yaml").write_text("currency: EUR\nkpis: []\n")
    status = main(["report", "--month", "2026-03", "--out", str(environment / "x.html")])
    assert status == 2
    assert "baseline: required key is missing" in capsys.readouterr().err


def test_export_preferences_scores_writes_the_rated_calls_without_content(
    store: Store, environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_month(store)
    out = environment / "scores.jsonl"

    status = main(["export", "preferences", "--since", "2026-03-01", "--format", "scores",
                   "--out", str(out)])

    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert status == 0
    # The seeded month rated 50 calls and thumbed 20 more; none stored content.
    assert len(lines) == 70 and {tuple(line) for line in lines} == {("id", "app", "score")}
    assert f"wrote 70 score(s) to {out}" in capsys.readouterr().out
    for kind in ("dpo", "kto"):
        assert main(["export", "preferences", "--since", "2026-03-01", "--format", kind,
                     "--out", str(environment / f"{kind}.jsonl")]) == 0
        assert (environment / f"{kind}.jsonl").read_text() == ""


def test_evaluate_once_runs_the_kpis_job(
    environment: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["evaluate", "--once", "--job", "kpis"]) == 0
    assert "kpis: 1 window(s)" in capsys.readouterr().out
