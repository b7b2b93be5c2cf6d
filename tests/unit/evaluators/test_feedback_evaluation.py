"""Feedback statistics with intervals equal to scipy's, grouped by the calls' app and model."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np
from pytest import approx
from scipy.stats import binomtest, t
from sqlmodel import Session, select

from evaluators.jobs import Job
from evaluators.runner import run_job
from evaluators.windows import Window
from metrics.store.database import Store
from metrics.store.tables import EvaluationResult, Feedback, Inference

NOW = datetime(2026, 3, 2, 11, 5, tzinfo=UTC)
HOUR = Window(datetime(2026, 3, 2, 10, tzinfo=UTC), datetime(2026, 3, 2, 11, tzinfo=UTC))


def feedback_rows(
    kind: str, values: list[Any], inference_ids: list[str], app: str = ""
) -> list[dict[str, Any]]:
    n = len(values)
    return [
        {"id": f"{kind}-{app}-{i}", "inference_id": inference_ids[i % len(inference_ids)],
         "app": app, "kind": kind, "value": None if kind == "label" else values[i],
         "label": values[i] if kind == "label" else None, "comment": None,
         "timestamp": HOUR.start + HOUR.length * (i + 0.5) / n, "user_hash": None}
        for i in range(n)
    ]


def feedback_results(store: Store) -> dict[tuple[str, str, str, str], EvaluationResult]:
    with Session(store.engine) as session:
        rows = session.exec(select(EvaluationResult).where(
            EvaluationResult.evaluator == "feedback", EvaluationResult.window_end == HOUR.end
        )).all()
    return {(row.app, row.model, row.subject, row.statistic): row for row in rows}


def test_thumbs_ratings_and_scores_match_scipy_under_the_app_and_model_of_their_calls(
    store: Store, insert: Callable, call_rows: Callable[..., list[dict[str, Any]]],
    jobs: Callable[..., Job],
) -> None:
    calls = call_rows(HOUR, [1.0] * 10, app="support", model="gpt-4o")
    insert(Inference, calls)
    ids = [call["id"] for call in calls]
    rng = np.random.default_rng(5)
    thumbs = [float(v) for v in rng.random(90) < 0.7]
    ratings = [float(v) for v in rng.choice([1, 2, 3, 4, 5], 60, p=[.1, .1, .2, .3, .3])]
    scores = [round(float(v), 2) for v in rng.beta(5, 2, 40)]
    insert(Feedback, feedback_rows("thumbs", thumbs, ids))
    insert(Feedback, feedback_rows("rating", ratings, ids))
    insert(Feedback, feedback_rows("score", scores, ids))
    insert(Feedback, feedback_rows("label", ["too long", "wrong"], ids))

    run_job(store, jobs("feedback"), NOW)

    found = feedback_results(store)
    key = ("support", "gpt-4o")
    thumbs_up = found[(*key, "thumbs", "thumbs_up_ratio")]
    interval = binomtest(int(sum(thumbs)), 90).proportion_ci(0.95, method="wilson")
    assert thumbs_up.value == approx(sum(thumbs) / 90)
    assert (thumbs_up.lower, thumbs_up.upper) == (approx(interval.low), approx(interval.high))
    csat = found[(*key, "rating", "csat_ratio")]
    satisfied = sum(r >= 4 for r in ratings)
    interval = binomtest(satisfied, 60).proportion_ci(0.95, method="wilson")
    assert (csat.value, csat.lower, csat.upper) == (
        approx(satisfied / 60), approx(interval.low), approx(interval.high)
    )
    for kind, values in (("rating", ratings), ("score", scores)):
        mean = found[(*key, kind, f"{kind}_mean")]
        sample = np.array(values)
        std_error = sample.std(ddof=1) / np.sqrt(sample.size)
        low, high = t.interval(0.95, sample.size - 1, loc=sample.mean(), scale=std_error)
        assert mean.value == approx(sample.mean(), rel=1e-12)
        assert (mean.lower, mean.upper) == (approx(low, rel=1e-9), approx(high, rel=1e-9))
        assert mean.sample_count == sample.size
    counts = {kind: found[(*key, kind, "count")].value for kind in ("thumbs", "rating", "label")}
    assert counts == {"thumbs": 90, "rating": 60, "label": 2}


def test_feedback_names_its_app_when_the_call_is_unknown_and_the_model_stays_empty(
    store: Store, insert: Callable, jobs: Callable[..., Job]
) -> None:
    insert(Feedback, feedback_rows("thumbs", [1.0, 1.0, 0.0], ["never-stored"], app="search"))

    run_job(store, jobs("feedback"), NOW)

    found = feedback_results(store)
    assert found[("search", "", "thumbs", "thumbs_up_ratio")].value == approx(2 / 3)
    assert found[("search", "", "thumbs", "count")].sample_count == 3


def test_feedback_counts_under_its_own_app_when_two_apps_share_call_ids(
    store: Store, insert: Callable, call_rows: Callable[..., list[dict[str, Any]]],
    jobs: Callable[..., Job],
) -> None:
    support = call_rows(HOUR, [1.0] * 4, app="support", model="gpt-4o-mini")
    search = [call | {"app": "search", "model": "gpt-4o"} for call in support]
    insert(Inference, support + search)
    ids = [call["id"] for call in support]
    insert(Feedback, feedback_rows("thumbs", [1.0] * 8, ids, app="support"))
    insert(Feedback, feedback_rows("thumbs", [0.0] * 4 + [1.0], ids, app="search"))

    run_job(store, jobs("feedback"), NOW)

    found = feedback_results(store)
    ratios = {key[:2]: row.value for key, row in found.items() if key[3] == "thumbs_up_ratio"}
    counts = {key[:2]: row.sample_count for key, row in found.items() if key[3] == "count"}
    assert ratios == {("support", "gpt-4o-mini"): 1.0, ("search", "gpt-4o"): approx(1 / 5)}
    assert counts == {("support", "gpt-4o-mini"): 8, ("search", "gpt-4o"): 5}
