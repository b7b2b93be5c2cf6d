"""Drift per app × model on SQLite and PostgreSQL, from rows stored through real inserts."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from pytest import approx
from sqlmodel import Session, select

from evaluators.jobs import Job
from evaluators.runner import run_job
from evaluators.stats import ks, wasserstein
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import AccuracySample, EvaluationResult, Feedback, Inference

NOW = datetime(2026, 3, 2, 11, 5, tzinfo=UTC)
CURRENT = Window(datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC))
REFERENCE = CURRENT.previous()
Rows = Callable[..., list[dict[str, Any]]]


def drift_results(store: Store, app: str = "support") -> dict[str, EvaluationResult]:
    with Session(store.engine) as session:
        found = session.exec(
            select(EvaluationResult).where(
                EvaluationResult.evaluator == "drift", EvaluationResult.app == app
            )
        ).all()
    return {row.subject: row for row in found}


def test_a_shifted_latency_is_detected_and_unshifted_token_counts_are_not(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(7)
    reference, current = rng.lognormal(0.0, 0.5, 2000), rng.lognormal(0.5, 0.5, 2000)
    insert(Inference, call_rows(REFERENCE, reference, output_tokens=rng.poisson(200, 2000)))
    insert(Inference, call_rows(CURRENT, current, output_tokens=rng.poisson(200, 2000)))

    run = run_job(store, jobs("drift"), NOW)

    assert CURRENT in run.windows
    found = drift_results(store)
    # ttft_s, use_case, error_type and finish_reason are never set, so not compared.
    assert set(found) == {"latency_s", "input_tokens", "output_tokens", "cost_usd"}
    latency = found["latency_s"]
    assert (latency.window_start, latency.window_end) == (CURRENT.start, CURRENT.end)
    assert (latency.statistic, latency.detected) == ("wasserstein", True)
    assert latency.value == approx(wasserstein.compare(reference, current).score, rel=1e-12)
    assert (latency.sample_count, latency.reference_count) == (2000, 2000)
    assert latency.details["reference_start"] == REFERENCE.start.isoformat()
    # One family of four signals, corrected together.
    assert latency.details["correction"] == "benjamini-hochberg"
    assert latency.details["family_size"] == 4
    assert latency.details["adjusted_p_value"] >= latency.p_value
    assert found["output_tokens"].detected is False
    assert found["input_tokens"].detected is False


def test_a_ten_percent_rise_in_the_cost_of_a_call_is_detected(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(13)
    before, after = rng.normal(240e-6, 10e-6, 1500), rng.normal(264e-6, 10e-6, 1500)
    insert(Inference, call_rows(REFERENCE, [1.0] * 1500, cost_usd=before))
    insert(Inference, call_rows(CURRENT, [1.0] * 1500, cost_usd=after))

    run_job(store, jobs("drift"), NOW)

    cost = drift_results(store)["cost_usd"]
    assert (cost.statistic, cost.detected) == ("wasserstein", True)
    assert cost.value == approx(2.4, rel=0.1)  # the mean moved 2.4 reference deviations


def test_small_windows_use_ks_and_store_its_p_value(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(8)
    reference, current = rng.normal(2.0, 0.3, 300), rng.normal(2.3, 0.3, 300)
    insert(Inference, call_rows(REFERENCE, reference) + call_rows(CURRENT, current))

    run_job(store, jobs("drift"), NOW)

    latency = drift_results(store)["latency_s"]
    expected = ks.compare(reference, current)
    assert latency.statistic == "ks"
    assert latency.p_value == approx(expected.p_value, rel=1e-9)
    assert latency.value == approx(expected.score, rel=1e-12)
    assert latency.detected is True


def test_each_app_and_model_is_compared_with_its_own_reference(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(9)
    for app, shift in (("support", 1.0), ("search", 0.0)):
        insert(Inference, call_rows(REFERENCE, rng.normal(2, 0.2, 400), app=app))
        insert(Inference, call_rows(CURRENT, rng.normal(2 + shift, 0.2, 400), app=app))

    run_job(store, jobs("drift"), NOW)

    assert drift_results(store, "support")["latency_s"].detected is True
    assert drift_results(store, "search")["latency_s"].detected is False


def test_a_new_mix_of_use_cases_and_errors_is_categorical_drift(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    def mix(window: Window, billing: int, refund: int, errors: int) -> list[dict[str, Any]]:
        n = 600
        use_cases = ["billing"] * billing + ["refund"] * refund + [None] * (n - billing - refund)
        error_types = ["timeout"] * errors + [None] * (n - errors)
        return call_rows(window, [1.0] * n, use_case=use_cases, error_type=error_types)

    insert(Inference, mix(REFERENCE, billing=300, refund=200, errors=6))
    insert(Inference, mix(CURRENT, billing=150, refund=350, errors=60))

    run_job(store, jobs("drift"), NOW)

    found = drift_results(store)
    assert (found["use_case"].statistic, found["use_case"].detected) == ("chi_squared", True)
    assert (found["error_type"].statistic, found["error_type"].detected) == ("z_test", True)
    assert found["use_case"].sample_count == 600
    assert "finish_reason" not in found  # never set: nothing to compare


def test_the_operators_baseline_replaces_the_previous_window(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    baseline = Window(datetime(2026, 3, 1, 10, tzinfo=UTC), datetime(2026, 3, 1, 11, tzinfo=UTC))
    rng = np.random.default_rng(10)
    insert(Inference, call_rows(baseline, rng.normal(3.0, 0.2, 400)))
    insert(Inference, call_rows(REFERENCE, rng.normal(2.0, 0.2, 400)))
    insert(Inference, call_rows(CURRENT, rng.normal(3.0, 0.2, 400)))

    job = jobs("drift", drift_baseline_start=baseline.start, drift_baseline_end=baseline.end)
    run_job(store, job, NOW)

    latency = drift_results(store)["latency_s"]
    assert latency.window_end == CURRENT.end
    assert latency.detected is False
    assert latency.details["reference_start"] == baseline.start.isoformat()


def test_a_method_and_threshold_set_for_a_signal_override_the_default(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    rng = np.random.default_rng(11)
    insert(Inference, call_rows(REFERENCE, rng.normal(2, 0.2, 400)))
    insert(Inference, call_rows(CURRENT, rng.normal(2, 0.2, 400)))

    overrides = {"latency_s": {"method": "psi", "threshold": 0.3}}
    run_job(store, jobs("drift", drift_overrides=overrides), NOW)

    latency = drift_results(store)["latency_s"]
    assert (latency.statistic, latency.threshold, latency.detected) == ("psi", 0.3, False)
    assert latency.p_value == approx(0.072, abs=1e-12)  # PSI's permutation p-value


def test_feedback_and_grades_drift_under_the_app_and_model_of_their_calls(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job]
) -> None:
    calls = call_rows(REFERENCE, [1.0] * 200) + call_rows(CURRENT, [1.0] * 200)
    insert(Inference, calls)
    ratings = [5, 4, 5, 4] * 50 + [1, 2, 2, 1] * 50  # reference calls then current calls
    insert(Feedback, [
        {"id": f"f{n}", "inference_id": call["id"], "app": "", "kind": "rating",
         "value": float(rating), "label": None, "comment": None,
         "timestamp": call["timestamp"], "user_hash": None}
        for n, (call, rating) in enumerate(zip(calls, ratings, strict=True))
    ])
    insert(AccuracySample, [
        {"id": f"a{n}", "inference_id": call["id"], "app": "support", "model": "gpt-4o-mini",
         "task": "default", "correct": None, "score": 0.9 if n < 200 else 0.4,
         "grader": "judge", "timestamp": call["timestamp"]}
        for n, call in enumerate(calls)
    ])

    run_job(store, jobs("drift"), NOW)

    found = drift_results(store)
    assert found["feedback_rating"].detected is True
    assert found["feedback_rating"].model == "gpt-4o-mini"
    assert found["feedback_rating"].sample_count == 200
    assert found["accuracy_score"].detected is True
    assert "feedback_score" not in found


@pytest.mark.parametrize("sample_size", [500, 1500], ids=["thinned", "whole"])
def test_a_window_larger_than_the_sample_is_compared_on_a_bounded_sample(
    store: Store, insert: Callable, call_rows: Rows, jobs: Callable[..., Job], sample_size: int
) -> None:
    rng = np.random.default_rng(12)
    insert(Inference, call_rows(REFERENCE, rng.normal(2.0, 0.3, 1200)))
    insert(Inference, call_rows(CURRENT, rng.normal(2.3, 0.3, 1200)))

    run_job(store, jobs("drift", drift_sample_size=sample_size), NOW)

    latency = drift_results(store)["latency_s"]
    kept = min(sample_size, 1200)
    # Thinning in SQL keeps about 1.1 × the sample size; the reservoir caps it exactly.
    assert 0.9 * kept <= latency.sample_count <= kept
    assert 0.9 * kept <= latency.reference_count <= kept
    assert latency.detected is True
