"""Closed months stay as they closed; partial months and empty installs read as such."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pytest import approx
from sqlalchemy import delete

from evaluators.upkeep.retention import delete_rolled_up
from evaluators.upkeep.rollup import roll_up_day
from evaluators.value.export import kpi_samples
from evaluators.value.report.build import build_report
from evaluators.value.report.job import evaluate_report
from evaluators.value.report.render import render
from evaluators.value.scorecard import compute_scorecard, refresh_scorecard
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.rollups import (
    DailyAccuracy,
    DailyFeedback,
    DailyFeedbackLabel,
    DailyOutcome,
    DailyResource,
    DailyUsage,
    DailyUsers,
    RollupDay,
)
from metrics.store.tables import Feedback, Inference
from metrics.value.periods import Month
from metrics.value.scorecard import load_scorecard
from metrics.value.store import stored_report
from tests.value_seed import CLOSED, MONTH, feedback_row, seed_month, value_config

DAY = timedelta(days=1)
DAILY = (DailyUsage, DailyFeedback, DailyAccuracy, DailyOutcome, DailyResource, DailyUsers,
         DailyFeedbackLabel)


def _report_day(moment: datetime) -> Window:
    return Window(moment - DAY, moment)


def test_a_final_month_is_unchanged_by_retention_and_later_reports(
    store: Store, tmp_path: Path
) -> None:
    config = value_config(tmp_path)
    seed_month(store, rolled_up_days=31)
    march_closed = MONTH.end
    with store.engine.begin() as connection:
        evaluate_report(connection, _report_day(march_closed), config=config,
                        report_dir=tmp_path / "reports")
        closed = load_scorecard(connection, MONTH)
        content = stored_report(connection, MONTH, "json").content
    assert closed is not None and closed.final and closed.value("risk_incidents") == 3.0
    assert closed.value("active_users") == approx(60.0, rel=1e-3)

    july = datetime(2026, 7, 1, tzinfo=UTC)  # 91 days after March closed
    with store.engine.begin() as connection:
        assert delete_rolled_up(connection, _report_day(july), retention_days=90,
                                forget_after_days=402) > 0
        evaluate_report(connection, _report_day(july), config=config,
                        report_dir=tmp_path / "reports")
        june = build_report(connection, config, Month(2026, 6), now=july)
        later = load_scorecard(connection, MONTH)
        assert stored_report(connection, MONTH, "json").content == content
    assert later is not None and later.final and later.revision == 1
    assert [(k.kpi, k.value, k.score) for k in later.kpis] == [
        (k.kpi, k.value, k.score) for k in closed.kpis]
    assert later.overall == closed.overall
    march = next(point for point in june.long_term.months if point.month == "2026-03")
    assert march.value_score == closed.overall


def test_late_records_for_a_final_month_give_a_revision_with_its_reason(
    store: Store, tmp_path: Path
) -> None:
    config = value_config(tmp_path)
    seed_month(store, rolled_up_days=31)
    with store.engine.begin() as connection:
        evaluate_report(connection, _report_day(MONTH.end), config=config,
                        report_dir=tmp_path / "reports")
    late_day = datetime(2026, 3, 14, tzinfo=UTC)
    moment = late_day + timedelta(hours=9)
    store.insert_new([(Feedback.__table__, [  # type: ignore[attr-defined]
        feedback_row(9, "call-202603-late", moment, "label", None, "harmful")])])
    with store.engine.begin() as connection:  # the day is rolled up again, as late data does
        for model in (*DAILY,):
            connection.execute(delete(model).where(model.day == late_day))
        connection.execute(delete(RollupDay).where(RollupDay.day_start == late_day))
        roll_up_day(connection, Window(late_day, late_day + DAY))
    april = datetime(2026, 4, 10, tzinfo=UTC)
    with store.engine.begin() as connection:
        evaluate_report(connection, _report_day(april), config=config,
                        report_dir=tmp_path / "reports")
        card = load_scorecard(connection, MONTH)
        markdown = stored_report(connection, MONTH, "md").content.decode()
        document = json.loads(stored_report(connection, MONTH, "json").content)
    assert card is not None and card.final
    assert card.revision == 2 and card.value("risk_incidents") == 4.0
    assert card.revision_reason == "late records for 14 Mar changed the figures"
    assert "Revised (revision 2): late records for 14 Mar changed the figures." in markdown
    assert document["revision"] == 2 and document["final"] is True
    assert (tmp_path / "reports" / "2026-03.md").read_text() == markdown

    with store.engine.begin() as connection:  # nothing new: no third revision
        evaluate_report(connection, _report_day(april + DAY), config=config,
                        report_dir=tmp_path / "reports")
        assert load_scorecard(connection, MONTH).revision == 2


def test_the_month_to_date_is_scored_against_the_elapsed_share_of_volume_targets(
    store: Store, tmp_path: Path
) -> None:
    config = value_config(tmp_path)
    seed_month(store)
    second = datetime(2026, 3, 2, tzinfo=UTC)  # one day of 31
    with store.engine.begin() as connection:
        card = compute_scorecard(connection, config, MONTH, now=second)
        report = build_report(connection, config, MONTH, now=second)
    value = card.kpi("value_created")
    assert value is not None and value.target == 5000
    # Day one: 21 tickets × 12 min × 40 EUR/h = 168 EUR + 1 upsell = 268 EUR, against
    # 5,000 EUR × 1/31 = 161.3 EUR so far: on target, not 268/5000 = 5 out of 100.
    assert value.value == approx(268.0)
    assert value.score == 100.0
    hours = card.kpi("hours_saved")  # 4.2 h against 100 h × 1/31 = 3.2 h
    assert hours is not None and hours.score == 100.0
    assert report.prorated_share == approx(1 / 31)
    assert card.coverage is not None and card.coverage.partial
    assert card.coverage.label() == "month to date"


def test_an_empty_install_has_no_score(store: Store, tmp_path: Path) -> None:
    config = value_config(tmp_path)
    now = datetime(2026, 12, 2, 10, tzinfo=UTC)
    with store.engine.begin() as connection:
        card = compute_scorecard(connection, config, Month(2026, 12), now=now)
        report = build_report(connection, config, Month(2026, 12), now=now)
    assert card.overall is None
    assert all(kpi.score is None and kpi.value is None for kpi in card.kpis)
    assert all(score is None for score in card.scores.values())
    assert report.summary.value_score is None
    assert json.loads(report.model_dump_json())["summary"]["value_score"] is None


def test_a_month_with_data_from_the_21st_is_partial_and_not_compared_as_whole(
    store: Store, tmp_path: Path
) -> None:
    config = value_config(tmp_path)
    february = Month(2026, 2)
    seed_month(store, february, rolled_up_days=28)
    first = datetime(2026, 2, 21, tzinfo=UTC)
    with store.engine.begin() as connection:  # the install began on 21 February
        for model in DAILY:
            connection.execute(delete(model).where(model.day < first))
        connection.execute(delete(Inference).where(Inference.timestamp < first))
        connection.execute(delete(Feedback).where(Feedback.timestamp < first))
    seed_month(store, rolled_up_days=31)
    with store.engine.begin() as connection:
        partial = build_report(connection, config, february, now=CLOSED)
        march = build_report(connection, config, MONTH, now=CLOSED)
    assert partial.coverage is not None and partial.coverage.partial
    assert partial.coverage.label() == "data from 21 Feb"
    assert partial.coverage.data_days == 8 and partial.coverage.elapsed_days == 28
    assert march.coverage is not None and not march.coverage.partial
    assert march.summary.movers == []
    text = render(partial, ("md",))["md"][1].decode()
    assert "Partial month (data from 21 Feb): 8 of 28 day(s) have data." in text
    with store.engine.begin() as connection:
        refresh_scorecard(connection, config, february, now=CLOSED)
    coverage = [sample for sample in kpi_samples(store)
                if sample[0] == "valuewatch_value_data_coverage_ratio"]
    assert coverage == [("valuewatch_value_data_coverage_ratio", ["2026-02"], 8 / 28)]
