"""Whether segments differ: chi-squared homogeneity for shares, Kruskal-Wallis for latency,
each with the largest gap between two segments and its 95% interval, and Holm's correction
for the tests of one app × model."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import chi2_contingency, kruskal, t

from evaluators.stats.intervals import wilson_interval

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Gap:
    """The largest difference between two segments' values, and whether any segments differ."""

    test: str  # chi_squared or kruskal_wallis
    highest: str  # the segment with the highest value
    lowest: str
    value: float  # highest minus lowest
    lower: float  # the 95% interval of that difference
    upper: float
    p_value: float  # of the test that all segments are alike (uncorrected)


def newcombe_interval(
    x1: int, n1: int, x2: int, n2: int, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Newcombe's hybrid score interval (his method 10) for x1/n1 − x2/n2, from the two
    Wilson intervals."""
    p1, p2 = x1 / n1, x2 / n2
    low1, high1 = wilson_interval(x1, n1, confidence)
    low2, high2 = wilson_interval(x2, n2, confidence)
    difference = p1 - p2
    low = difference - math.sqrt((p1 - low1) ** 2 + (high2 - p2) ** 2)
    high = difference + math.sqrt((high1 - p1) ** 2 + (p2 - low2) ** 2)
    return max(-1.0, low), min(1.0, high)


def welch_interval(
    a: np.ndarray, b: np.ndarray, confidence: float = CONFIDENCE
) -> tuple[float, float]:
    """Welch's t interval for mean(a) − mean(b)."""
    difference = float(a.mean() - b.mean())
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    if va + vb == 0.0:
        return difference, difference
    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(t.ppf(0.5 + confidence / 2, df)) * math.sqrt(va + vb)
    return difference - half, difference + half


def proportion_gap(counts: Mapping[str, tuple[int, int]]) -> Gap:
    """Segments' (successes, trials): chi-squared test of homogeneity on the k × 2 table
    (no continuity correction) and the largest gap with Newcombe's interval."""
    _check_segments(counts)
    shares = {name: x / n for name, (x, n) in counts.items()}
    highest, lowest = _extremes(shares)
    table = np.array([[x, n - x] for x, n in counts.values()], dtype=float)
    # All successes or all failures: every segment alike, and no test to run.
    p_value = 1.0 if (table.sum(axis=0) == 0).any() else float(
        chi2_contingency(table, correction=False).pvalue
    )
    low, high = newcombe_interval(*counts[highest], *counts[lowest])
    return Gap("chi_squared", highest, lowest, shares[highest] - shares[lowest], low, high,
               p_value)


def latency_gap(samples: Mapping[str, np.ndarray]) -> Gap:
    """Segments' latencies: Kruskal-Wallis test and the largest gap between mean latencies
    with Welch's interval."""
    _check_segments(samples)
    means = {name: float(values.mean()) for name, values in samples.items()}
    highest, lowest = _extremes(means)
    pooled = np.concatenate(list(samples.values()))
    p_value = 1.0 if np.all(pooled == pooled[0]) else float(kruskal(*samples.values()).pvalue)
    low, high = welch_interval(samples[highest], samples[lowest])
    return Gap("kruskal_wallis", highest, lowest, means[highest] - means[lowest], low, high,
               p_value)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values, in the order given: reject where below alpha
    and the chance of any false rejection among them stays at most alpha."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [1.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def _extremes(values: Mapping[str, float]) -> tuple[str, str]:
    """The segments with the highest and lowest value (ties: the first name)."""
    ranked = sorted(values, key=lambda name: (-values[name], name))
    return ranked[0], min(values, key=lambda name: (values[name], name))


def _check_segments(segments: Mapping[str, object]) -> None:
    if len(segments) < 2:
        raise ValueError(f"a parity test needs at least two segments, got {len(segments)}")
