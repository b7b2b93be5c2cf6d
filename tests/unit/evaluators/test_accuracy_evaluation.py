"""Accuracy with 95% intervals, equal to scipy's on the same samples, on both databases."""

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import pytest
from pytest import approx
from scipy.stats import binomtest, t
from sqlmodel import Session, select

from evaluators.jobs import Job
from evaluators.quality.estimates import share
from evaluators.runner import run_job
from evaluators.stats.prediction_powered import corrected_share
from evaluators.windows import Window
from metrics.settings import Settings
from metrics.store.database import Store
from metrics.store.tables import AccuracySample, EvaluationResult

NOW = datetime(2026, 3, 2, 11, 5, tzinfo=UTC)
HOUR = Window(datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC))


def graded(n: int, correct: list[bool | None], scores: list[float | None], task: str = "qa"):
    moments = [HOUR.start + HOUR.length * (i + 0.5) / n for i in range(n)]
    return [
        {"id": f"{task}-{i}", "inference_id": None, "app": "support", "model": "gpt-4o-mini",
         "task": task, "correct": correct[i], "score": scores[i], "grader": "human",
         "timestamp": moments[i]}
        for i in range(n)
    ]


def accuracy_results(store: Store, window_end: datetime = HOUR.end) -> dict:
    with Session(store.engine) as session:
        rows = session.exec(select(EvaluationResult).where(
            EvaluationResult.evaluator == "accuracy", EvaluationResult.window_end == window_end
        )).all()
    return {(row.subject, row.statistic): row for row in rows}


def test_the_share_correct_and_mean_score_match_scipy_with_their_intervals(
    store: Store, insert: Callable, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(3)
    correct = [bool(v) for v in rng.random(120) < 0.8]
    scores = [round(float(v), 3) for v in rng.beta(8, 2, 120)]
    insert(AccuracySample, graded(120, correct, scores))

    run_job(store, jobs("accuracy"), NOW)

    found = accuracy_results(store)
    ratio, score = found[("qa", "correct_ratio")], found[("qa", "score_mean")]
    successes = sum(correct)
    wilson = binomtest(successes, 120).proportion_ci(0.95, method="wilson")
    assert ratio.value == approx(successes / 120)
    assert (ratio.lower, ratio.upper) == (approx(wilson.low), approx(wilson.high))
    assert ratio.sample_count == 120
    values = np.array(scores)
    low, high = t.interval(0.95, 119, loc=values.mean(), scale=values.std(ddof=1) / np.sqrt(120))
    assert score.value == approx(values.mean(), rel=1e-12)
    assert (score.lower, score.upper) == (approx(low, rel=1e-9), approx(high, rel=1e-9))
    assert (score.window_start, score.window_end) == (HOUR.start, HOUR.end)


@pytest.mark.parametrize(
    ("right", "total", "below_target"),
    [
        pytest.param(4, 5, False, id="one wrong answer in five is too few to page anyone"),
        pytest.param(300, 500, True, id="three hundred right of five hundred is below 0.9"),
        pytest.param(890, 1000, False, id="890 right of 1000 might still be 0.9"),
        pytest.param(880, 1000, True, id="880 right of 1000 is below 0.9"),
    ],
)
def test_below_target_needs_the_whole_interval_under_the_target(
    store: Store, insert: Callable, jobs: Callable[..., Job], right: int, total: int,
    below_target: bool,
) -> None:
    insert(AccuracySample, graded(total, [i < right for i in range(total)], [None] * total))

    run_job(store, jobs("accuracy"), NOW)

    ratio = accuracy_results(store)[("qa", "correct_ratio")]
    assert ratio.threshold == 0.9
    assert ratio.detected is below_target
    assert ((ratio.upper or 1.0) < 0.9) is below_target


def test_tasks_are_separate_and_a_score_alone_has_no_share(
    store: Store, insert: Callable, jobs: Callable[..., Job]
) -> None:
    insert(AccuracySample, graded(3, [True, False, None], [None, None, None], task="qa"))
    insert(AccuracySample, graded(2, [None, None], [0.5, 0.7], task="summary"))
    insert(AccuracySample, graded(1, [None], [0.9], task="single"))

    run_job(store, jobs("accuracy"), NOW)

    found = accuracy_results(store)
    assert set(found) == {
        ("qa", "correct_ratio"), ("summary", "score_mean"), ("single", "score_mean")
    }
    assert found[("qa", "correct_ratio")].value == approx(0.5)
    assert found[("qa", "correct_ratio")].sample_count == 2
    single = found[("single", "score_mean")]
    assert (single.value, single.lower, single.upper, single.detected) == (
        approx(0.9), None, None, False
    )


def test_the_window_slides_every_step_over_the_last_hour(
    store: Store, insert: Callable, jobs: Callable[..., Job]
) -> None:
    insert(AccuracySample, graded(12, [True] * 12, [None] * 12))  # 10:02:30 .. 10:57:30

    run_job(store, jobs("accuracy", catch_up_windows=12), NOW)

    with Session(store.engine) as session:
        counts = {
            row.window_end.strftime("%H:%M"): row.sample_count
            for row in session.exec(select(EvaluationResult)).all()
        }
    # Windows end every 5 minutes; each holds the samples of the hour before its end.
    assert counts["11:00"] == 12
    assert counts["10:30"] == 6
    assert counts["10:05"] == 1
    assert "10:00" not in counts


@pytest.mark.parametrize(("correct", "graded", "pages"), [(4, 5, False), (3, 5, True),
                                                          (430, 500, True), (440, 500, False)])
def test_what_pages_at_the_default_target_is_what_the_docs_say(
    correct: int, graded: int, pages: bool
) -> None:
    estimate = share(correct, graded)
    assert estimate.below(Settings().accuracy_target) is pages


def test_judge_grades_corrected_by_human_ones_are_stored_beside_the_plain_share(
    store: Store, insert: Callable, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(8)
    truth = rng.random(2_000) < 0.8
    judge = truth | (rng.random(2_000) < 0.5)  # lenient: calls half the wrong answers right
    moments = [HOUR.start + HOUR.length * (i + 0.5) / 2_000 for i in range(2_000)]
    rows = [{"id": f"j{i}", "inference_id": f"call-{i}", "app": "support",
             "model": "gpt-4o-mini", "task": "qa", "correct": bool(judge[i]), "score": None,
             "grader": "judge", "timestamp": moments[i]} for i in range(2_000)]
    rows += [{**row, "id": f"h{i}", "correct": bool(truth[i]), "grader": "human"}
             for i, row in enumerate(rows[:150])]
    insert(AccuracySample, rows)

    run_job(store, jobs("accuracy"), NOW)

    corrected = accuracy_results(store)[("qa", "correct_ratio_corrected")]
    expected = corrected_share(truth[:150], judge[:150], judge[150:])
    assert corrected.value == approx(expected.value, rel=1e-12)
    assert (corrected.lower, corrected.upper) == (approx(expected.lower), approx(expected.upper))
    assert corrected.details["method"] == "prediction_powered"
    assert corrected.details["n_human"] == 150 and corrected.details["n_judge"] == 2_000
    assert corrected.details["lambda"] == approx(expected.lam)
    assert corrected.details["judge_only"] == approx(judge.mean())
    human = binomtest(int(truth[:150].sum()), 150).proportion_ci(0.95, method="wilson")
    assert corrected.upper - corrected.lower < human.high - human.low


def test_no_corrected_share_without_enough_calls_graded_both_ways(
    store: Store, insert: Callable, jobs: Callable[..., Job]
) -> None:
    rows = graded(40, [True, False] * 20, [None] * 40)
    rows = [{**row, "inference_id": row["id"], "grader": "judge"} for row in rows]
    rows += [{**row, "id": f"h-{row['id']}", "grader": "human"} for row in rows[:10]]
    insert(AccuracySample, rows)

    run_job(store, jobs("accuracy"), NOW)

    assert ("qa", "correct_ratio_corrected") not in accuracy_results(store)
