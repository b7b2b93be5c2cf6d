"""The fairness evaluator: per app × model × segment key × metric, the largest gap between
segments, its 95% interval and the Holm-corrected p-value of the test that all segments
are alike."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from evaluators.fairness import segments as read
from evaluators.fairness.parity import Gap, holm, latency_gap, proportion_gap
from evaluators.results import replace_results, result_row
from evaluators.windows import Window

EVALUATOR = "fairness"
# The metrics compared across segments, as the `statistic` of a result.
ACCURACY, POSITIVE_FEEDBACK, LATENCY = "accuracy", "positive_feedback", "latency_s"
METRICS = (ACCURACY, POSITIVE_FEEDBACK, LATENCY)


@dataclass(frozen=True, kw_only=True)
class FairnessConfig:
    """What is compared and when a gap counts: from the VALUEWATCH_SEGMENT* and
    VALUEWATCH_FAIRNESS_* settings."""

    segments: tuple[str, ...]
    values_max: int = 20
    alpha: float = 0.01
    min_samples: int = 30
    gap_min_ratio: float = 0.05
    gap_min_latency_s: float = 0.5

    def gap_min(self, metric: str) -> float:
        """The smallest gap of `metric` that counts as unfair."""
        return self.gap_min_latency_s if metric == LATENCY else self.gap_min_ratio


@dataclass(frozen=True)
class Comparison:
    """One parity test: a metric across the segments of a key, for one app × model."""

    app: str
    model: str
    key: str
    metric: str
    gap: Gap
    values: dict[str, tuple[float, int]]  # segment -> (its value, its samples)


def evaluate_fairness(connection: Connection, window: Window, *, config: FairnessConfig) -> int:
    """Store a `fairness` row per app × model × key × metric with two segments or more of
    `min_samples`; `detected` where the corrected p-value is under alpha and the gap at
    least its minimum."""
    comparisons = [c for key in config.segments for c in _compare(connection, window, key,
                                                                   config)]
    families: dict[tuple[str, str], list[Comparison]] = defaultdict(list)
    for comparison in comparisons:
        families[(comparison.app, comparison.model)].append(comparison)
    rows = []
    for family in families.values():
        corrected = holm([c.gap.p_value for c in family])
        rows.extend(_row(window, c, p, config) for c, p in zip(family, corrected, strict=True))
    return replace_results(connection, EVALUATOR, window, rows)


def _compare(
    connection: Connection, window: Window, key: str, config: FairnessConfig
) -> list[Comparison]:
    """Every metric's comparison across the segments of `key`."""
    found = []
    for metric, counted in ((ACCURACY, read.accuracy_counts(connection, window, key)),
                            (POSITIVE_FEEDBACK, read.feedback_counts(connection, window, key))):
        for (app, model), counts in counted.items():
            enough = {name: xn for name, xn in read.capped_counts(counts, config.values_max)
                      .items() if xn[1] >= config.min_samples}
            if len(enough) >= 2:
                values = {name: (x / n, n) for name, (x, n) in enough.items()}
                found.append(Comparison(app, model, key, metric, proportion_gap(enough), values))
    for (app, model), samples in read.latencies(connection, window, key).items():
        kept = {name: v for name, v in read.capped_samples(samples, config.values_max).items()
                if v.size >= config.min_samples}
        if len(kept) >= 2:
            values = {name: (float(v.mean()), int(v.size)) for name, v in kept.items()}
            found.append(Comparison(app, model, key, LATENCY, latency_gap(kept), values))
    return found


def _row(
    window: Window, comparison: Comparison, p_value: float, config: FairnessConfig
) -> dict[str, Any]:
    gap, threshold = comparison.gap, config.gap_min(comparison.metric)
    return result_row(
        EVALUATOR, window, app=comparison.app, model=comparison.model, subject=comparison.key,
        statistic=comparison.metric, value=gap.value, lower=gap.lower, upper=gap.upper,
        p_value=p_value, threshold=threshold,
        detected=p_value < config.alpha and gap.value >= threshold,
        sample_count=sum(n for _, n in comparison.values.values()),
        details={
            "test": gap.test, "correction": "holm", "alpha": config.alpha,
            "p_value_uncorrected": gap.p_value, "highest": gap.highest, "lowest": gap.lowest,
            "segments": {name: {"value": value, "count": n}
                         for name, (value, n) in sorted(comparison.values.items())},
        },
    )
