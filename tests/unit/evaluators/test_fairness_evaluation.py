"""The fairness job end to end on both databases: segments from the calls' attributes,
grades and feedback joined to their call, a real gap found and stored, alike segments not."""

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
from pytest import approx
from scipy.stats import chi2_contingency
from sqlmodel import Session, select

from evaluators.jobs import Job
from evaluators.runner import run_job
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import AccuracySample, EvaluationResult, Feedback, Inference

DAY = Window(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC))
AFTER = datetime(2026, 3, 3, 0, 5, tzinfo=UTC)
SEGMENTS = {"segments": "language,tier", "fairness_interval_s": 86_400.0,
            "fairness_window_s": 86_400.0}


def seed(insert: Callable, call_rows: Callable, correct_by_language: dict[str, int]) -> None:
    """200 calls per language (tiers alternate), each graded and thumbed once; in each
    language the first `correct` grades are right and 140 thumbs are up."""
    rng = np.random.default_rng(7)
    calls, grades, thumbs = [], [], []
    for language, correct in correct_by_language.items():
        rows = call_rows(DAY, rng.lognormal(0.0, 0.3, 200),
                         attributes=[{"language": language, "tier": ["free", "pro"][i % 2]}
                                     for i in range(200)])
        calls += rows
        grades += [{"id": f"g-{row['id']}", "inference_id": row["id"], "app": row["app"],
                    "model": row["model"], "task": "qa", "correct": i < correct, "score": None,
                    "grader": "human", "timestamp": row["timestamp"]}
                   for i, row in enumerate(rows)]
        thumbs += [{"id": f"f-{row['id']}", "inference_id": row["id"], "app": "",
                    "kind": "thumbs", "value": float(i < 140), "label": None, "comment": None,
                    "timestamp": row["timestamp"], "user_hash": None}
                   for i, row in enumerate(rows)]
    # A call without the attribute is in no segment.
    calls += call_rows(DAY, [9.0] * 40)
    insert(Inference, calls)
    insert(AccuracySample, grades)
    insert(Feedback, thumbs)


def fairness_results(store: Store) -> dict[tuple[str, str], EvaluationResult]:
    with Session(store.engine) as session:
        rows = session.exec(select(EvaluationResult).where(
            EvaluationResult.evaluator == "fairness")).all()
    return {(row.subject, row.statistic): row for row in rows}


def test_an_accuracy_gap_between_languages_is_found_and_stored_with_its_evidence(
    store: Store, insert: Callable, call_rows: Callable, jobs: Callable[..., Job]
) -> None:
    seed(insert, call_rows, {"en": 180, "de": 150, "fr": 176})

    run_job(store, jobs("fairness", **SEGMENTS), AFTER)

    found = fairness_results(store)
    assert set(found) == {(key, metric) for key in ("language", "tier")
                          for metric in ("accuracy", "positive_feedback", "latency_s")}
    accuracy = found[("language", "accuracy")]
    raw = chi2_contingency([[180, 20], [150, 50], [176, 24]], correction=False).pvalue
    assert accuracy.details["p_value_uncorrected"] == approx(raw)
    assert accuracy.p_value == approx(min(1.0, 6 * raw))  # the smallest of six, Holm
    assert (accuracy.value, accuracy.sample_count) == (approx(0.15), 600)
    assert accuracy.lower > 0.05 and accuracy.detected
    assert (accuracy.details["highest"], accuracy.details["lowest"]) == ("en", "de")
    assert accuracy.details["segments"]["de"] == {"value": 0.75, "count": 200}
    feedback = found[("language", "positive_feedback")]
    assert (feedback.value, feedback.p_value, feedback.detected) == (0.0, 1.0, False)
    assert found[("language", "latency_s")].sample_count == 600  # the 40 others left out
    assert not found[("tier", "accuracy")].detected


def test_alike_segments_raise_nothing(
    store: Store, insert: Callable, call_rows: Callable, jobs: Callable[..., Job]
) -> None:
    seed(insert, call_rows, {"en": 180, "de": 178, "fr": 181})

    run_job(store, jobs("fairness", **SEGMENTS), AFTER)

    assert not any(row.detected for row in fairness_results(store).values())


def test_without_segments_the_job_stores_nothing(
    store: Store, insert: Callable, call_rows: Callable, jobs: Callable[..., Job]
) -> None:
    seed(insert, call_rows, {"en": 180, "de": 150, "fr": 176})

    run_job(store, jobs("fairness", **{**SEGMENTS, "segments": ""}), AFTER)

    assert fairness_results(store) == {}


def test_segments_past_the_cap_fold_into_other(
    store: Store, insert: Callable, call_rows: Callable, jobs: Callable[..., Job]
) -> None:
    seed(insert, call_rows, {"en": 180, "de": 150, "fr": 176})

    run_job(store, jobs("fairness", **SEGMENTS, segment_values_max=2), AFTER)

    segments = fairness_results(store)[("language", "accuracy")].details["segments"]
    assert segments == {"de": {"value": 0.75, "count": 200},
                        "other": {"value": approx(356 / 400), "count": 400}}
