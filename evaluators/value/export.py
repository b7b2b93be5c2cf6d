"""The scorecard as gauge samples for the evaluators' /metrics, read at scrape time."""

from metrics.store.database import Store
from metrics.value.scorecard import load_scorecard, newest_period

Sample = tuple[str, list[str], float]


def kpi_samples(store: Store) -> list[Sample]:
    """(metric, label values, value) for every KPI and score of the newest month stored:
    the month to date, once the hourly KPI job has run in it."""
    with store.engine.connect() as connection:
        month = newest_period(connection)
        card = None if month is None else load_scorecard(connection, month)
    if card is None:
        return []
    samples: list[Sample] = []
    for kpi in card.kpis:
        labels = [kpi.kpi, kpi.dimension, kpi.unit]
        samples.append(("valuewatch_kpi_target", labels, kpi.target))
        if kpi.value is not None:
            samples.append(("valuewatch_kpi_value", labels, kpi.value))
        if kpi.score is not None:
            samples.append(("valuewatch_kpi_score", labels[:2], kpi.score))
    samples.extend(
        ("valuewatch_value_score", [dimension], score)
        for dimension, score in card.scores.items() if score is not None
    )
    if card.coverage is not None and card.coverage.share is not None:
        samples.append(("valuewatch_value_data_coverage_ratio", [str(card.month)],
                        card.coverage.share))
    return samples
