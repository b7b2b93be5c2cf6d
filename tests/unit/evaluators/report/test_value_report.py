"""The monthly value report: figures worked out by hand, every format, an empty month."""

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from PIL import Image
from pytest import approx

from evaluators.upkeep.rollup import roll_up_day
from evaluators.value.report.build import build_report
from evaluators.value.report.render import render
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import Inference
from metrics.value.periods import Month
from tests.conftest import skip_or_fail
from tests.value_seed import CLOSED, MONTH, call_row, seed_month, value_config


def rendered(store: Store, tmp_path: Path, month: Month = MONTH,
             formats: tuple[str, ...] = ("json",)) -> dict[str, bytes]:
    with store.engine.begin() as connection:
        report = build_report(connection, value_config(tmp_path), month, now=CLOSED)
    return {name: content for name, (_, content) in render(report, formats).items()}


def test_the_report_json_matches_the_month_worked_out_by_hand(
    store: Store, tmp_path: Path
) -> None:
    seed_month(store)

    report = json.loads(rendered(store, tmp_path)["json"])

    kpis = {kpi["kpi"]: kpi for dimension in report["dimensions"] for kpi in dimension["kpis"]}
    # ROI: value (600 tickets × 12 min = 120 h × 40 EUR = 4,800 + 5 upsells × 100 = 5,300)
    # less cost (1,000 calls × 0.50 USD × 0.9 = 450 + 300 + 1,000 + 200 = 1,950), ÷ cost.
    assert report["summary"]["roi"] == approx((5300 - 1950) / 1950)
    assert kpis["roi"]["value"] == approx(1.717949, abs=1e-6)
    # Hours saved: 600 tickets resolved × 12 minutes ÷ 60 = 120 hours.
    assert kpis["hours_saved"]["value"] == approx(120.0)
    # CSAT: 30 fives + 10 fours of 50 ratings = 40 ÷ 50 = 0.8, exactly on target: 100.
    assert kpis["csat"]["value"] == approx(0.8)
    assert kpis["csat"]["score"] == 100.0
    assert report["summary"]["value_created"] == approx(5300.0)
    assert report["summary"]["total_cost"] == approx(1950.0)
    assert report["final"] is True and report["has_data"] is True
    assert report["currency"] == "EUR"


def test_the_pdf_first_page_is_not_blank(store: Store, tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        skip_or_fail("pdftoppm is not installed (apt-get install poppler-utils)")
    seed_month(store)
    (tmp_path / "report.pdf").write_bytes(rendered(store, tmp_path, formats=("pdf",))["pdf"])

    subprocess.run([str(pdftoppm), "-f", "1", "-l", "1", "-r", "50", "-png",
                    str(tmp_path / "report.pdf"), str(tmp_path / "page")], check=True, timeout=60)

    page = np.asarray(Image.open(next(tmp_path.glob("page*.png"))).convert("L"))
    assert (page >= 250).mean() < 0.99


def test_the_html_is_self_contained(store: Store, tmp_path: Path) -> None:
    seed_month(store)

    page = rendered(store, tmp_path, formats=("html",))["html"].decode()

    assert page.startswith("<!DOCTYPE html>")
    assert "data:image/svg+xml;base64," in page
    assert set(re.findall(r'(?:src|href)="([a-z]+):', page)) == {"data"}
    outside_images = re.sub(r'"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', "", page)
    assert re.findall(r"(?:https?:)?//[\w.-]+|@import|url\(", outside_images) == []


def test_an_empty_month_gives_a_report_that_says_so(store: Store, tmp_path: Path) -> None:
    formats = rendered(store, tmp_path, Month(2025, 12), ("json", "md", "html", "pdf"))

    assert json.loads(formats["json"])["has_data"] is False
    assert "No data was recorded for 2025-12" in formats["md"].decode()
    assert "No data was recorded for 2025-12" in formats["html"].decode()
    assert formats["pdf"].startswith(b"%PDF")


def test_a_month_that_has_not_begun_is_refused(store: Store, tmp_path: Path) -> None:
    with store.engine.begin() as connection:
        try:
            build_report(connection, value_config(tmp_path), Month(2026, 5), now=CLOSED)
        except ValueError as exc:
            assert "2026-05 has not begun" in str(exc)
        else:
            raise AssertionError("a future month was reported")


def test_the_markdown_shows_each_dimension_against_target(store: Store, tmp_path: Path) -> None:
    seed_month(store)

    page = rendered(store, tmp_path, formats=("md",))["md"].decode()

    assert "# Value report 2026-03" in page
    assert "| roi | 171.8% | 100.0% | 100/100 |" in page
    assert "| error_rate | 2.0% | 1.0% | 0/100 |" in page
    assert "### Financial:" in page and "### Quality: 50/100" in page
    assert "Twelve-month trend of each KPI in quality (target dashed):" in page


def test_the_report_job_stores_drafts_and_writes_files_when_the_month_closes(
    store: Store, tmp_path: Path
) -> None:
    from evaluators.jobs import build_jobs, job_named
    from evaluators.runner import run_job
    from metrics.settings import Settings
    from metrics.value.store import stored_report

    seed_month(store)
    value_config(tmp_path)
    settings = Settings(database_url=str(store.engine.url), value_config=tmp_path / "value.yaml",
                        report_dir=tmp_path / "reports")
    job = job_named(build_jobs(settings), "report")

    run_job(store, job, datetime(2026, 3, 20, 0, 5, tzinfo=UTC))
    with store.engine.connect() as connection:
        draft = stored_report(connection, MONTH, "json")
    assert draft is not None and not draft.final
    assert not (tmp_path / "reports").exists()

    run_job(store, job, datetime(2026, 4, 1, 0, 5, tzinfo=UTC) + timedelta(days=3))
    with store.engine.connect() as connection:
        final = stored_report(connection, MONTH, "pdf")
    assert final is not None and final.final
    assert sorted(path.name for path in (tmp_path / "reports").iterdir()) == [
        "2026-03.html", "2026-03.json", "2026-03.md", "2026-03.pdf"
    ]


def test_calls_of_unpriced_models_are_counted_in_the_summary(
    store: Store, tmp_path: Path
) -> None:
    seed_month(store)
    day = Window(MONTH.start + timedelta(days=1), MONTH.start + timedelta(days=2))
    store.insert_new([(Inference.__table__, [  # type: ignore[attr-defined]
        call_row(10_000 + i, day.start + timedelta(hours=i), model="in-house-7b", cost_usd=None)
        for i in range(3)
    ])])
    with store.engine.begin() as connection:
        roll_up_day(connection, day)

    out = rendered(store, tmp_path, formats=("json", "md"))

    assert json.loads(out["json"])["summary"]["unpriced_calls"] == 3
    assert "3 call(s) of models without a price are not in the cost" in out["md"].decode()
