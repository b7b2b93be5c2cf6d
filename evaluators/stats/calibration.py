"""How often each drift method flags drift: on two samples of one distribution (the
false-positive rate) and on a realistic shift (the power), by simulation.

Shared by the calibration tests and ``bench/drift.py``. The data are shaped like LLM
traffic: latencies (log-normal), token counts (Poisson, few distinct values when small),
categories with a long tail (use cases), and a binary category (errors).
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from evaluators.stats import chi_squared, jensen_shannon, ks, psi, wasserstein, z_test
from evaluators.stats.drift import DISTANCES, corrected
from evaluators.stats.result import DriftResult
from evaluators.stats.samples import Sample, counts_of_values

NOMINAL = 0.05
USE_CASES = np.array([0.40, 0.25, 0.15, 0.10, 0.05, 0.03, 0.02])
USE_CASES_SHIFTED = np.array([0.33, 0.25, 0.18, 0.12, 0.06, 0.04, 0.02])
# A shift of 1 is a modest, realistic change; the distances, whose thresholds are
# effect sizes, are meant for larger ones.
SHIFT = 1.0
LARGE_SHIFT = 4.0
Draw = Callable[[np.random.Generator, int, float], Sample]


def _latency(rng: np.random.Generator, size: int, shift: float) -> Sample:
    """Seconds: log-normal; each unit of shift 10% slower (a fifth of a standard deviation)."""
    return rng.lognormal(0.1 * shift, 0.5, size)


def _tokens(rng: np.random.Generator, size: int, shift: float) -> Sample:
    """A small count with a dozen distinct values: Poisson(4), plus 0.5 a unit of shift."""
    return rng.poisson(4.0 + 0.5 * shift, size).astype(np.float64)


def _use_case(rng: np.random.Generator, size: int, shift: float) -> Sample:
    """Counts over seven use cases, the last ones rare; shifted towards the rarer ones."""
    counts = rng.multinomial(size, USE_CASES + shift * (USE_CASES_SHIFTED - USE_CASES))
    return {f"case-{i}": int(n) for i, n in enumerate(counts) if n}


def _errors(rng: np.random.Generator, size: int, shift: float) -> Sample:
    """Ok or error, 10% errors, plus 3 points a unit of shift."""
    errors = int(rng.binomial(size, 0.10 + 0.03 * shift))
    return {k: v for k, v in (("error", errors), ("ok", size - errors)) if v}


DATA: dict[str, Draw] = {
    "numeric": _latency, "discrete": _tokens, "categorical": _use_case, "binary": _errors,
}
# Every method on every kind of data it is used for.
CASES: tuple[tuple[ModuleType, str], ...] = (
    (ks, "numeric"), (ks, "discrete"),
    (wasserstein, "numeric"), (wasserstein, "discrete"),
    (psi, "numeric"), (psi, "discrete"), (psi, "categorical"),
    (jensen_shannon, "numeric"), (jensen_shannon, "discrete"), (jensen_shannon, "categorical"),
    (chi_squared, "discrete"), (chi_squared, "categorical"), (z_test, "binary"),
)


@dataclass(frozen=True)
class Rate:
    """A share of repetitions that flagged drift, with its binomial standard error."""

    rate: float
    repetitions: int

    @property
    def standard_error(self) -> float:
        """The standard error of a rate of NOMINAL over this many repetitions."""
        return float(np.sqrt(NOMINAL * (1 - NOMINAL) / self.repetitions))


def power_shift(method: ModuleType) -> float:
    """The shift power is measured at: larger for the distances."""
    return LARGE_SHIFT if method.NAME in DISTANCES else SHIFT


def compare(method: ModuleType, data: str, reference: Sample, current: Sample) -> DriftResult:
    """``method`` on two samples of ``data``; discrete values are counted for chi-squared."""
    if data == "discrete" and "numeric" not in method.KIND:
        reference = counts_of_values(np.asarray(reference))
        current = counts_of_values(np.asarray(current))
    result: DriftResult = method.compare(reference, current)
    return result


def rejection_rate(
    method: ModuleType, data: str, size: int, repetitions: int, *, shift: float, seed: int = 0
) -> Rate:
    """How often ``method`` flags drift between ``size`` reference and current values,
    the current ones shifted by ``shift`` (0: the same distribution)."""
    rng = np.random.default_rng(seed)
    draw = DATA[data]
    flagged = sum(
        compare(method, data, draw(rng, size, 0.0), draw(rng, size, shift)).detected
        for _ in range(repetitions)
    )
    return Rate(flagged / repetitions, repetitions)


def family_rate(signals: int, size: int, repetitions: int, *, correct: bool, seed: int = 0) -> Rate:
    """How often any of ``signals`` unchanged latencies is flagged in one window (KS)."""
    rng = np.random.default_rng(seed)
    flagged = 0
    for _ in range(repetitions):
        results = [
            ks.compare(_latency(rng, size, 0.0), _latency(rng, size, 0.0))
            for _ in range(signals)
        ]
        decided = [result for result, _ in corrected(results)] if correct else results
        flagged += any(result.detected for result in decided)
    return Rate(flagged / repetitions, repetitions)


def diurnal_latency(rng: np.random.Generator, hour: int, size: int) -> np.ndarray:
    """Latency at ``hour`` (since a Monday 00:00) when load, and so latency, follows the
    hour of the day: 35% slower at the afternoon peak than at night."""
    log_mean = 0.15 * np.sin(2 * np.pi * ((hour % 24) - 8) / 24)
    return rng.lognormal(log_mean, 0.5, size)


def reference_rate(reference: str, size: int, repetitions: int, seed: int = 0) -> Rate:
    """How often KS flags an unchanged hour of diurnal traffic against ``reference``:
    ``previous_window``, ``last_week`` or ``previous_7_days`` (each hour ``size`` calls)."""
    rng = np.random.default_rng(seed)
    flagged = 0
    for _ in range(repetitions):
        hour = 7 * 24 + int(rng.integers(0, 24 * 7))
        if reference == "previous_window":
            before = diurnal_latency(rng, hour - 1, size)
        elif reference == "last_week":
            before = diurnal_latency(rng, hour - 7 * 24, size)
        else:
            hours = range(hour - 7 * 24, hour)
            before = np.concatenate([diurnal_latency(rng, h, size // 24 + 1) for h in hours])
        flagged += ks.compare(before, diurnal_latency(rng, hour, size)).detected
    return Rate(flagged / repetitions, repetitions)
