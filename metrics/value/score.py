"""Scores from 0 to 100: each KPI against its target, each dimension, and overall."""

from collections.abc import Iterable, Mapping

from metrics.value.kinds import Direction

OVERALL = "overall"


def kpi_score(
    value: float | None, target: float, direction: Direction, tolerance: float | None = None
) -> float | None:
    """How well `value` meets `target`, from 0 to 100; None when there is no value.

        shortfall = target − value   (direction "higher": more is better)
                  = value − target   (direction "lower": less is better)
        score     = 100 × clamp(1 − shortfall ÷ tolerance, 0, 1)

    `tolerance` defaults to |target| (1 when the target is 0). So a KPI at or beyond its
    target scores 100, and loses one point per 1% of the target it misses by: a CSAT of
    0.6 against 0.8 scores 75; an error rate of 0.015 against 0.01 (lower) scores 50.
    """
    if value is None:
        return None
    scale = tolerance or abs(target) or 1.0
    shortfall = target - value if direction == "higher" else value - target
    return 100.0 * min(1.0, max(0.0, 1.0 - shortfall / scale))


def weighted_mean(scored: Iterable[tuple[float | None, float]]) -> float | None:
    """Σ score × weight ÷ Σ weight over the pairs that have a score and a positive weight;
    None when there are none."""
    pairs = [(score, weight) for score, weight in scored if score is not None and weight > 0]
    total = sum(weight for _, weight in pairs)
    if not total:
        return None
    return sum(score * weight for score, weight in pairs) / total


def dimension_scores(
    kpis: Iterable[tuple[str, float | None, float]], weights: Mapping[str, float]
) -> dict[str, float | None]:
    """Per dimension, the weighted mean of its KPIs' scores (`kpis` holds dimension,
    score, weight); under OVERALL, the weighted mean of the dimension scores by `weights`.
    Dimensions with no scored KPI are None and leave the overall score unweighted."""
    grouped: dict[str, list[tuple[float | None, float]]] = {name: [] for name in weights}
    for dimension, score, weight in kpis:
        grouped.setdefault(dimension, []).append((score, weight))
    scores = {name: weighted_mean(pairs) for name, pairs in grouped.items()}
    scores[OVERALL] = weighted_mean(
        (score, weights.get(name, 0.0)) for name, score in scores.items()
    )
    return scores
