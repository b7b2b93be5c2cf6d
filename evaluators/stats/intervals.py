"""Confidence intervals for accuracy: a proportion (Wilson) and a mean (Student t)."""

import math

from scipy.stats import norm, t


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``successes`` out of ``n`` (no continuity correction).

    Equals ``scipy.stats.binomtest(successes, n).proportion_ci(confidence, "wilson")``.
    """
    _check_confidence(confidence)
    if n < 1:
        raise ValueError(f"a proportion needs at least one trial, got n={n}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n={n}, got {successes}")
    z = float(norm.ppf(0.5 + confidence / 2))
    share = successes / n
    denominator = 1 + z * z / n
    center = (share + z * z / (2 * n)) / denominator
    half_width = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, center - half_width)
    high = 1.0 if successes == n else min(1.0, center + half_width)
    return low, high


def t_interval(mean: float, std: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Student t interval for a mean from a summary: the mean, the sample std (ddof=1), n.

    For means counted in SQL, where the values themselves are never loaded. One value
    says nothing about spread, so n=1 gives ``(nan, nan)`` rather than a zero-width
    interval that would claim certainty; std 0 gives ``(mean, mean)``.
    """
    _check_confidence(confidence)
    if n < 1:
        raise ValueError(f"an interval needs at least one value, got n={n}")
    if n == 1:
        return math.nan, math.nan
    std_error = std / math.sqrt(n)
    if std_error == 0.0:
        return mean, mean
    low, high = t.interval(confidence, n - 1, loc=mean, scale=std_error)
    return float(low), float(high)


def _check_confidence(confidence: float) -> None:
    """Refuse a confidence level outside (0, 1)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
