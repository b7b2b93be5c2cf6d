"""Simulated grading, to check the prediction-powered interval against the alternatives.

Each dataset draws a true accuracy, a judge right 70-95% of the time whose mistakes lean
one way (lenient: it calls wrong answers right; or strict: the reverse), 50-500 calls
graded by a human and the judge, and 1,000-20,000 graded by the judge alone. On each,
three 95% intervals for the true accuracy: prediction-powered (PPI++), the humans' grades
alone (Wilson) and the judge's alone (Wilson). `tests/unit/evaluators` asserts on a few
hundred datasets, `bench/judge_accuracy.py` prints the figures for a thousand.
"""

from dataclasses import dataclass

import numpy as np

from evaluators.stats.intervals import wilson_interval
from evaluators.stats.prediction_powered import corrected_share

NOMINAL = 0.95
ACCURACY_RANGE = (0.5, 0.95)
JUDGE_AGREEMENT_RANGE = (0.70, 0.95)
HUMAN_COUNT_RANGE = (50, 500)
JUDGE_COUNT_RANGE = (1_000, 20_000)


@dataclass(frozen=True)
class JudgeCase:
    """One simulated app: its true accuracy, how its judge errs, and how many grades."""

    accuracy: float
    false_positive_rate: float  # the judge calls a wrong answer right
    false_negative_rate: float  # the judge calls a right answer wrong
    human_count: int
    judge_count: int


@dataclass(frozen=True)
class CoverageFigures:
    """How often each interval held the true accuracy, and how wide they were."""

    datasets: int
    corrected_coverage: float
    human_only_coverage: float
    judge_only_coverage: float
    mean_width_ratio: float  # prediction-powered width over the human-only Wilson width
    mean_lambda: float
    mean_judge_bias: float  # mean absolute gap between the judge's share and the truth


def draw_case(rng: np.random.Generator) -> JudgeCase:
    """A random app and judge; three quarters or more of the judge's mistakes lean one way."""
    accuracy = rng.uniform(*ACCURACY_RANGE)
    error = 1.0 - rng.uniform(*JUDGE_AGREEMENT_RANGE)
    lenient_share = 0.5 + rng.choice((-1.0, 1.0)) * rng.uniform(0.25, 0.5)
    false_positive_mass = min(lenient_share * error, 1.0 - accuracy)
    false_negative_mass = error - false_positive_mass
    return JudgeCase(
        accuracy=accuracy,
        false_positive_rate=false_positive_mass / (1.0 - accuracy),
        false_negative_rate=false_negative_mass / accuracy,
        human_count=int(rng.integers(HUMAN_COUNT_RANGE[0], HUMAN_COUNT_RANGE[1] + 1)),
        judge_count=int(rng.integers(JUDGE_COUNT_RANGE[0], JUDGE_COUNT_RANGE[1] + 1)),
    )


def grades(
    case: JudgeCase, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Human grades, the judge's on the same calls, and the judge's on the other calls."""
    truth = rng.random(case.human_count + case.judge_count) < case.accuracy
    flip = rng.random(truth.size) < np.where(
        truth, case.false_negative_rate, case.false_positive_rate
    )
    judged = (truth ^ flip).astype(float)
    human = truth[: case.human_count].astype(float)
    return human, judged[: case.human_count], judged[case.human_count:]


def coverage(datasets: int, seed: int) -> CoverageFigures:
    """The three intervals on `datasets` simulated apps, seeded for repeatability."""
    rng = np.random.default_rng(seed)
    held = {"corrected": 0, "human": 0, "judge": 0}
    width_ratios, lambdas, biases = [], [], []
    for _ in range(datasets):
        case = draw_case(rng)
        human, paired, judge_only = grades(case, rng)
        corrected = corrected_share(human, paired, judge_only)
        if corrected.lower is None or corrected.upper is None:
            raise RuntimeError("corrected_share always gives an interval")
        human_interval = wilson_interval(int(human.sum()), human.size)
        judged = np.concatenate([paired, judge_only])
        judge_interval = wilson_interval(int(judged.sum()), judged.size)
        for name, (low, high) in (("corrected", (corrected.lower, corrected.upper)),
                                  ("human", human_interval), ("judge", judge_interval)):
            held[name] += low <= case.accuracy <= high
        width_ratios.append((corrected.upper - corrected.lower)
                            / (human_interval[1] - human_interval[0]))
        lambdas.append(corrected.lam)
        biases.append(abs(judged.mean() - case.accuracy))
    return CoverageFigures(
        datasets=datasets,
        corrected_coverage=held["corrected"] / datasets,
        human_only_coverage=held["human"] / datasets,
        judge_only_coverage=held["judge"] / datasets,
        mean_width_ratio=float(np.mean(width_ratios)),
        mean_lambda=float(np.mean(lambdas)),
        mean_judge_bias=float(np.mean(biases)),
    )
