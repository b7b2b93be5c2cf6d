"""The scorecard of a seeded month, worked out by hand; rollups and raw records agree."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest import approx
from sqlalchemy import delete

from evaluators.jobs import build_jobs, job_named
from evaluators.runner import run_job
from evaluators.value.scorecard import compute_scorecard, refresh_scorecard
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import Inference
from metrics.value.periods import Month
from metrics.value.scorecard import load_scorecard
from tests.value_seed import CLOSED, CONFIG, MONTH, seed_month, value_config


def test_a_seeded_month_gives_the_kpis_worked_out_by_hand(store: Store, tmp_path: Path) -> None:
    seed_month(store)
    with store.engine.begin() as connection:
        card = compute_scorecard(connection, value_config(tmp_path), MONTH, now=CLOSED)

    # LLM spend: 1,000 calls × 0.50 USD = 500 USD × 0.9 EUR/USD = 450 EUR.
    assert card.value("llm_spend") == approx(450.0)
    # Total cost: 450 + infrastructure 300 + team 1,000 + licences 200 = 1,950 EUR.
    assert card.value("total_cost") == approx(1950.0)
    # Hours saved: 600 tickets resolved × 12 minutes = 7,200 minutes = 120 hours.
    assert card.value("hours_saved") == approx(120.0)
    # Value: 120 h × 40 EUR/h = 4,800 EUR + 5 upsells × 100 EUR = 5,300 EUR.
    assert card.value("value_created") == approx(5300.0)
    # ROI: (5,300 − 1,950) ÷ 1,950 = 3,350 ÷ 1,950 = 1.71795.
    assert card.value("roi") == approx(3350 / 1950)
    # Payback: 6,000 EUR invested ÷ 3,350 EUR net a month = 1.791 months.
    assert card.value("payback_months") == approx(6000 / 3350)
    # Cost per outcome: 1,950 EUR ÷ 600 tickets resolved = 3.25 EUR.
    assert card.value("cost_per_outcome") == approx(3.25)
    # CSAT: (30 fives + 10 fours) ÷ 50 ratings = 0.8; thumbs: 15 up of 20 = 0.75.
    assert card.value("csat") == approx(0.8)
    assert card.value("thumbs_up_ratio") == approx(0.75)
    # Accuracy: 90 of 100 graded; errors: every 50th of 1,000 calls = 20 = 0.02.
    assert card.value("accuracy") == approx(0.9)
    assert card.value("error_rate") == approx(0.02)
    # 3 feedback labels "harmful"; 60 distinct users; 5,300 EUR ÷ 60 users = 88.33 EUR.
    assert card.value("risk_incidents") == 3.0
    # Distinct users come from the days' HLL sketches: exact to 0.1% at this size.
    assert card.value("active_users") == approx(60.0, rel=1e-3)
    assert card.value("value_per_user") == approx(5300 / 60, rel=1e-3)
    # No strategic fit entered: no value, no score, left out of the strategic dimension.
    assert card.value("strategic_fit") is None
    assert card.final


def test_scores_follow_the_stated_formula_and_weights(store: Store, tmp_path: Path) -> None:
    seed_month(store)
    with store.engine.begin() as connection:
        card = compute_scorecard(connection, value_config(tmp_path), MONTH, now=CLOSED)
    scores = {kpi.kpi: kpi.score for kpi in card.kpis}

    # At or beyond target: 100. LLM spend 450 against 400 (lower): 100 × (1 − 50/400) = 87.5.
    assert scores["roi"] == 100.0
    assert scores["llm_spend"] == approx(87.5)
    # Thumbs 0.75 against 0.8: 100 × (1 − 0.05/0.8) = 93.75; errors 0.02 against 0.01: 0.
    assert scores["thumbs_up_ratio"] == approx(93.75)
    assert scores["error_rate"] == 0.0
    # Risk: 3 incidents against 0 with a tolerance of 10: 100 × (1 − 3/10) = 70.
    assert scores["risk_incidents"] == approx(70.0)
    # Quality: accuracy 100 and error rate 0, equally weighted = 50.
    assert card.scores["quality"] == approx(50.0)
    # Strategic has no scored KPI: None, and the overall score ignores its weight.
    assert card.scores["strategic"] is None
    dimensions = [s for name, s in card.scores.items() if name != "overall" and s is not None]
    assert card.overall == approx(sum(dimensions) / len(dimensions))


def test_rolled_up_and_raw_days_give_the_same_kpis(store: Store, tmp_path: Path) -> None:
    config = value_config(tmp_path)
    january = MONTH.shifted(-2)  # 31 days, as March: the same traffic fits both
    seed_month(store, MONTH, rolled_up_days=31)
    seed_month(store, january, rolled_up_days=0)
    with store.engine.begin() as connection:
        rolled = compute_scorecard(connection, config, MONTH, now=CLOSED)
        raw = compute_scorecard(connection, config, january, now=CLOSED)
    for kpi in ("llm_spend", "roi", "hours_saved", "csat", "accuracy", "error_rate",
                "latency_p95_seconds", "active_users"):
        assert rolled.value(kpi) == approx(raw.value(kpi)), kpi


def test_the_month_to_date_prorates_monthly_costs(store: Store, tmp_path: Path) -> None:
    seed_month(store)
    tenth = datetime(2026, 3, 11, tzinfo=UTC)  # 10 of 31 days
    with store.engine.begin() as connection:
        card = compute_scorecard(connection, value_config(tmp_path), MONTH, now=tenth)
    calls = sum(1 for i in range(1000) if i * 44640 / 1000 < 10 * 1440)  # 323 calls
    # LLM spend so far + 1,500 EUR a month × 10/31.
    assert card.value("total_cost") == approx(calls * 0.45 + 1500 * 10 / 31)
    assert not card.final
    assert card.through == tenth


def test_a_closed_month_keeps_raw_only_kpis_after_retention(
    store: Store, tmp_path: Path
) -> None:
    config = value_config(tmp_path)
    seed_month(store, rolled_up_days=31)
    with store.engine.begin() as connection:
        refresh_scorecard(connection, config, MONTH, now=CLOSED)
        connection.execute(delete(Inference))  # retention deleted the raw calls
    with store.engine.begin() as connection:
        later = refresh_scorecard(connection, config, MONTH, now=CLOSED + timedelta(days=90))
    # Distinct users and risk labels are in the rollups: retention changes nothing.
    assert later.value("active_users") == approx(60.0, rel=1e-3)
    assert later.value("risk_incidents") == 3.0
    assert later.value("llm_spend") == approx(450.0)  # the rollups still hold the calls


def test_the_kpis_job_stores_the_month_to_date(store: Store, tmp_path: Path) -> None:
    seed_month(store)
    settings = Settings(database_url=str(store.engine.url), value_config=tmp_path / "value.yaml")
    value_config(tmp_path)
    now = datetime(2026, 3, 20, 10, 5, tzinfo=UTC)
    run = run_job(store, job_named(build_jobs(settings), "kpis"), now)
    assert run.ran and len(run.windows) == 1
    with store.engine.connect() as connection:
        card = load_scorecard(connection, Month(2026, 3))
    assert card is not None and not card.final
    assert card.through == datetime(2026, 3, 20, 10, tzinfo=UTC)
    assert {kpi.kpi for kpi in card.kpis} == {kpi["name"] for kpi in CONFIG["kpis"]}
