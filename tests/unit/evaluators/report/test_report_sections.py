"""What the report explains: movers, where the change came from, quality, incidents,
emerging use cases, assessments and the actions they raise."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from evaluators.results import EVALUATION_RESULTS, result_row
from evaluators.value.report.build import build_report
from evaluators.value.report.document import Report
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import Inference, Outcome
from metrics.store.upsert import insert_new, upsert
from metrics.types import utc_now
from metrics.value.store import ASSESSMENTS, INCIDENTS
from tests.value_seed import CLOSED, MONTH, call_row, seed_month, value_config

SPIKE_DAY = datetime(2026, 3, 20, tzinfo=UTC)


def seed_february(store: Store) -> None:
    """February: 400 calls of the support app on billing, 200 tickets resolved."""
    february = MONTH.previous()
    calls = [call_row(i, february.start + timedelta(hours=i), app="support",
                      use_case="billing") for i in range(400)]
    outcomes = [{"id": f"feb-{i}", "inference_id": None, "app": "support",
                 "name": "ticket_resolved", "value": 1.0, "unit": "count",
                 "use_case": "billing", "timestamp": february.start + timedelta(hours=i)}
                for i in range(200)]
    store.insert_new([(Inference.__table__, calls), (Outcome.__table__, outcomes)])  # type: ignore[attr-defined]


def seed_march_events(store: Store) -> None:
    """A morning of failing sales calls, a critical alert, drift and a strategic score."""
    failing = [call_row(5000 + i, SPIKE_DAY + timedelta(minutes=i), app="sales",
                        status="error") for i in range(30)]
    store.insert_new([(Inference.__table__, failing)])  # type: ignore[attr-defined]
    window = Window(SPIKE_DAY, SPIKE_DAY + timedelta(hours=1))
    with store.engine.begin() as connection:
        upsert(connection, INCIDENTS, [{
            "fingerprint": "f1", "alertname": "ValuewatchHighErrorRate", "status": "resolved",
            "severity": "critical", "summary": "sales errors above 5%",
            "starts_at": SPIKE_DAY, "ends_at": SPIKE_DAY + timedelta(hours=2), "labels": {},
            "updated_at": utc_now(),
        }], ("fingerprint", "starts_at"), ("status",))
        insert_new(connection, EVALUATION_RESULTS, [
            result_row("drift", window, app="sales", model="gpt-4o", subject="latency_s",
                       statistic="ks", value=0.4, p_value=0.001, threshold=0.05,
                       detected=True, sample_count=30),
            result_row("accuracy", window, app="support", model="gpt-4o-mini",
                       subject="answer", statistic="correct_ratio", value=0.5, lower=0.3,
                       upper=0.7, threshold=0.9, detected=True, sample_count=20),
        ])
        connection.execute(ASSESSMENTS.insert(), [{
            "period": "2026-03", "name": "strategic_fit", "score": 60.0,
            "note": "Core to the support roadmap", "actor": "po", "created_at": utc_now(),
        }])


def report_of_march(store: Store, tmp_path: Path) -> Report:
    seed_february(store)
    seed_month(store)
    seed_march_events(store)
    with store.engine.begin() as connection:
        return build_report(connection, value_config(tmp_path), MONTH, now=CLOSED)


def test_the_summary_names_the_three_biggest_movers(store: Store, tmp_path: Path) -> None:
    report = report_of_march(store, tmp_path)

    assert len(report.summary.movers) == 3
    changes = [abs(line.score_change or 0) for line in report.summary.movers]
    assert changes == sorted(changes, reverse=True) and changes[0] > 0
    assert report.summary.previous_value_score is not None


def test_the_change_in_value_is_broken_down_by_app_and_use_case(
    store: Store, tmp_path: Path
) -> None:
    report = report_of_march(store, tmp_path)

    by = {(b.measure, b.by): {c.name: c for c in b.items} for b in report.breakdowns}
    # Sales made 5 upsells of 100 EUR in March and nothing in February.
    assert by[("value_created", "app")]["sales"].change == 500.0
    # Support resolved 600 tickets in March against 200: 400 × 12 min × 40 EUR/h = 3,200.
    assert by[("value_created", "app")]["support"].change == 3200.0
    assert set(by[("llm_spend", "model")]) == {"gpt-4o", "gpt-4o-mini"}
    roi = next(item for item in report.causes if item.kpi == "roi")
    assert "value created by app: support +3,200.00 EUR, sales +500.00 EUR" in roi.lines[0]


def test_quality_incidents_and_emerging_use_cases_are_reported(
    store: Store, tmp_path: Path
) -> None:
    report = report_of_march(store, tmp_path)

    assert [(d.signal, d.detected) for d in report.drift] == [("latency_s", 1)]
    answer = next(a for a in report.accuracy if (a.app, a.model) == ("support", "gpt-4o-mini"))
    assert answer.windows_below_target == 1
    assert [a.alertname for a in report.alerts] == ["ValuewatchHighErrorRate"]
    assert [(s.day, s.app) for s in report.error_spikes] == [("2026-03-20", "sales")]
    # refunds has calls in March and none in the three months before: new.
    assert [(u.use_case, u.status) for u in report.emerging_use_cases] == [("refunds", "new")]
    assert [(a.name, a.score) for a in report.assessments] == [("strategic_fit", 60.0)]


def test_each_finding_raises_an_action_with_its_rule(store: Store, tmp_path: Path) -> None:
    report = report_of_march(store, tmp_path)

    rules = {action.rule for action in report.actions}
    assert {"critical alert ValuewatchHighErrorRate", "error spike in sales",
            "accuracy of answer below target", "drift detected in latency_s",
            "new use case refunds", "error_rate scores under 50"} <= rules
