"""Why KPIs moved: mix and rate effects, the drift behind them, the waterfall down to the
net, the report's status, and a config weighted on four evaluation dimensions."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest import approx

from evaluators.results import EVALUATION_RESULTS, result_row
from evaluators.value.report.build import build_report
from evaluators.value.report.decompose import decompose
from evaluators.value.report.layout import report_blocks
from evaluators.value.report.markdown import markdown
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.rollups import DailyResource
from metrics.store.tables import AccuracySample, Inference
from metrics.store.upsert import insert_new
from metrics.value.config import load_value_config
from tests.value_seed import CLOSED, MONTH, call_row, seed_month, value_config

ROOT = Path(__file__).parents[4]
DRIFT_DAY = datetime(2026, 3, 16, tzinfo=UTC)  # after the days seed_month rolls up


def test_mix_and_rate_effects_of_a_two_model_month_add_up_to_the_change() -> None:
    # February: 100 calls of a 0.01 model and 100 of a 0.05 one (0.03 a call). March:
    # traffic moves to the dear model (50 / 150) and it gets dearer (0.06).
    split = decompose("cost per call by model", "eur",
                      {"cheap": (100, 1.0), "dear": (100, 5.0)},
                      {"cheap": (50, 0.5), "dear": (150, 9.0)})
    assert split is not None
    assert split.change == approx(0.0175)
    # mix: (0.25 − 0.5)(0.01 − 0.03) + (0.75 − 0.5)(0.05 − 0.03) = 0.005 + 0.005
    assert split.mix == approx(0.01)
    # rate: 0.25 × 0 + 0.75 × (0.06 − 0.05)
    assert split.rate == approx(0.0075)
    assert split.mix + split.rate == approx(split.change)
    dear = next(e for e in split.groups if e.group == "dear")
    assert (dear.mix, dear.rate_effect) == (approx(0.005), approx(0.0075))


def test_a_model_new_this_month_adds_mix_but_no_rate_effect() -> None:
    # a stays at 0.02 a call; b, new, takes half the calls at 0.06: all of it is mix.
    split = decompose("cost per call by model", "eur", {"a": (100, 2.0)},
                      {"a": (50, 1.0), "b": (50, 3.0)})
    assert split is not None
    new = next(e for e in split.groups if e.group == "b")
    assert (new.previous_rate, new.rate_effect, new.mix) == (None, 0.0, approx(0.02))
    assert split.mix + split.rate == approx(split.change) == approx(0.02)


def seed_drifted_march(store: Store) -> None:
    """February and March as seeded; from 16 March 300 slow support calls on gpt-4o-mini,
    60 wrong support answers, and drift detected on their latency and input tokens."""
    seed_month(store, MONTH.previous(), rolled_up_days=0)
    seed_month(store)
    slow = [call_row(7000 + 3 * i + 1, DRIFT_DAY + timedelta(minutes=5 * i), app="support",
                     model="gpt-4o-mini", latency_s=6.0) for i in range(300)]
    wrong = [{"id": f"wrong-{i}", "inference_id": slow[i]["id"], "app": "support",
              "model": "gpt-4o-mini", "task": "answer", "correct": False, "score": None,
              "grader": "human", "timestamp": slow[i]["timestamp"]} for i in range(60)]
    store.insert_new([(Inference.__table__, slow), (AccuracySample.__table__, wrong)])  # type: ignore[attr-defined]
    with store.engine.begin() as connection:
        insert_new(connection, EVALUATION_RESULTS, [
            result_row("drift", Window(DRIFT_DAY + timedelta(days=d),
                                       DRIFT_DAY + timedelta(days=d + 1)),
                       app="support", model="gpt-4o-mini", subject=signal, statistic="ks",
                       value=0.5, p_value=0.001, threshold=0.05, detected=True,
                       sample_count=100)
            for d in range(3) for signal in ("latency_s", "input_tokens")
        ])


def test_the_drift_is_the_cause_of_the_latency_and_accuracy_it_moved(
    store: Store, tmp_path: Path
) -> None:
    seed_drifted_march(store)
    with store.engine.begin() as connection:
        report = build_report(connection, value_config(tmp_path), MONTH, now=CLOSED)
    causes = {item.kpi: item for item in report.causes}

    latency = causes["latency_p95_seconds"]
    assert latency.decomposition is not None
    top = latency.decomposition.groups[0]
    assert top.group == "support/gpt-4o-mini" and top.rate_effect > 0.5
    assert latency.decomposition.mix + latency.decomposition.rate == approx(
        latency.decomposition.change)
    assert latency.evidence[0].text == (
        "drift in latency_s of support/gpt-4o-mini from 2026-03-16: 3 of 3 windows, "
        "largest score 0.5")

    accuracy = causes["accuracy"]
    assert accuracy.decomposition is not None
    # 90 of 100 correct in February; 90 of 160 in March.
    assert accuracy.decomposition.change == approx(90 / 160 - 0.9)
    assert accuracy.decomposition.rate < 0
    assert any("drift in input_tokens of support/gpt-4o-mini from 2026-03-16" in e.text
               for e in accuracy.evidence)

    lines = [line for item in report.causes for line in item.lines]
    assert len(lines) == len(set(lines))  # no sentence repeated across KPIs


def test_the_waterfall_adds_up_to_the_net_with_gpus_measured(
    store: Store, tmp_path: Path
) -> None:
    seed_month(store)
    with store.engine.begin() as connection:
        connection.execute(DailyResource.__table__.insert(), [  # type: ignore[attr-defined]
            {"day": MONTH.start + timedelta(days=d), "host": "gpu-1", "name": name,
             "device": "0", "samples": 10, "value_sum": 5.0, "value_max": 0.9}
            for d in range(2) for name in ("valuewatch_gpu_utilization_ratio",
                                           "valuewatch_gpu_power_watts")
        ])
    config = value_config(tmp_path)
    config = config.model_copy(update={
        "costs": config.costs.model_copy(update={"per_gpu_hour": 2.0})})
    with store.engine.begin() as connection:
        report = build_report(connection, config, MONTH, now=CLOSED)
    waterfall = report.waterfall
    assert waterfall is not None
    steps = {step.label: step for step in waterfall.steps}
    # 600 tickets × 12 min × 40 EUR/h + 5 upsells of 100 EUR
    assert waterfall.value_created == approx(5300.0)
    assert steps["LLM spend"].amount == approx(-450.0)  # 1,000 calls × 0.50 USD × 0.9
    # 300 configured + 2 GPU-days × 24 h × 2 EUR, measured from daily_resource
    assert steps["infrastructure"].amount == approx(-396.0)
    assert steps["infrastructure"].source == "measured"
    assert (steps["team"].amount, steps["licences"].amount) == (-1000.0, -200.0)
    assert waterfall.net == approx(5300 - 450 - 396 - 1000 - 200)
    page = markdown(report_blocks(report))
    assert "| net value | +3,254.00 EUR | computed |" in page


def test_the_title_says_draft_final_and_scores_an_open_month_against_its_share(
    store: Store, tmp_path: Path
) -> None:
    seed_month(store)
    config = value_config(tmp_path)
    with store.engine.begin() as connection:
        final = build_report(connection, config, MONTH, now=CLOSED)
        draft = build_report(connection, config, MONTH,
                             now=datetime(2026, 3, 16, 12, tzinfo=UTC))
    assert markdown(report_blocks(final)).startswith("# Value report 2026-03: final\n")
    assert markdown(report_blocks(draft)).startswith(
        "# Value report 2026-03: draft, month to date (50% elapsed)")
    spend = next(line for d in draft.dimensions for line in d.kpis if line.kpi == "llm_spend")
    assert spend.scored_target == approx(400 * 0.5)


def test_the_weighted_config_loads_and_its_report_shows_the_weights(
    store: Store, tmp_path: Path
) -> None:
    config = load_value_config(ROOT / "examples" / "value-weighted.yaml")
    assert config.dimensions == {"business_impact": 30, "technical_feasibility": 25,
                                 "roi": 25, "risk_control": 20}
    seed_month(store)
    with store.engine.begin() as connection:
        report = build_report(connection, config, MONTH, now=CLOSED)
    page = markdown(report_blocks(report))
    assert "Weight 30 (30% of the value score)" in page
    assert "Weight 20 (20% of the value score)" in page
    assert "### Roi:" in page and "Score: the weighted mean of roi " in page
