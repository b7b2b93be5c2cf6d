"""The report's fairness section: the month's fairness windows per app × model × segment key
× metric, significant gaps first, in the Markdown the report renders."""

from datetime import UTC, datetime, timedelta

from evaluators.results import EVALUATION_RESULTS, result_row
from evaluators.value.report.document import Report
from evaluators.value.report.fairness import fairness_lines
from evaluators.value.report.layout import _quality
from evaluators.value.report.markdown import markdown
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.value.periods import Month

MARCH = Month(2026, 3)


def gap_row(day: int, metric: str, gap: float, detected: bool, lowest: str) -> dict:
    start = datetime(2026, 3, day, tzinfo=UTC)
    return result_row("fairness", Window(start, start + timedelta(days=1)), app="support",
                      model="gpt-4o", subject="language", statistic=metric, value=gap,
                      p_value=0.001 if detected else 0.5, threshold=0.05, detected=detected,
                      details={"lowest": lowest})


def test_the_months_gaps_are_counted_with_the_largest_and_its_lowest_segment(
    store: Store,
) -> None:
    rows = [gap_row(2, "latency_s", 0.1, False, "en"), gap_row(2, "accuracy", 0.08, True, "fr"),
            gap_row(3, "accuracy", 0.15, True, "de"), gap_row(4, "accuracy", 0.02, False, "fr")]
    with store.engine.begin() as connection:
        connection.execute(EVALUATION_RESULTS.insert(), rows)
        lines = fairness_lines(connection, MARCH)

    assert [(x.metric, x.windows, x.significant, x.max_gap, x.lowest) for x in lines] == [
        ("accuracy", 3, 2, 0.15, "de"), ("latency_s", 1, 0, 0.1, "en")]
    report = Report.model_construct(accuracy=[], drift=[], fairness=lines)
    text = markdown(_quality(report))
    assert "Fairness across segments" in text
    assert "| support | gpt-4o | language | accuracy | 3 | 2 | 0.15 | de |" in text
