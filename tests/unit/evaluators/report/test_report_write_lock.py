"""The report job computes and renders before it writes: SQLite ingest does not wait."""

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

import evaluators.value.report.job as report_job
from evaluators.value.report.render import render
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.value.scorecard import load_scorecard
from metrics.value.store import stored_report
from tests.value_seed import MONTH, seed_month, value_config

BUSY_S = 0.25  # far below the job's run time, far above one insert


def test_a_one_row_insert_during_rendering_does_not_wait_for_the_report_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "valuewatch.db"
    store = Store.open(f"sqlite:///{path}")
    store.migrate()
    seed_month(store)
    config = value_config(tmp_path)
    waits: list[float] = []

    def render_while_ingesting(*args: Any, **kwargs: Any) -> Any:
        # Another process's one-row write, while the job is half way (computed, rendering).
        other = sqlite3.connect(path, timeout=BUSY_S)
        started = time.perf_counter()
        other.execute("INSERT INTO assessment (period, name, score, note, actor, created_at)"
                      " VALUES ('2026-03', 'strategic_fit', 70, '', 'test', '2026-03-20')")
        other.commit()
        waits.append(time.perf_counter() - started)
        other.close()
        return render(*args, **kwargs)

    monkeypatch.setattr(report_job, "render", render_while_ingesting)
    day = Window(MONTH.start.replace(day=19), MONTH.start.replace(day=20))
    with store.engine.begin() as connection:  # as the job runner does
        assert report_job.evaluate_report(connection, day, config=config,
                                          report_dir=tmp_path / "reports") == 1
    assert len(waits) == 1 and waits[0] < BUSY_S
    with store.engine.connect() as connection:
        assert stored_report(connection, MONTH, "json") is not None
        card = load_scorecard(connection, MONTH)
    assert card is not None and not card.final and card.through == day.end
    store.engine.dispose()
