"""GET /api/v1/evaluations: stored evaluator results, filtered, behind a read key."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from metrics.store.database import Store
from metrics.store.tables import EvaluationResult, Scope

Headers = dict[Scope, dict[str, str]]
END = datetime(2026, 3, 2, 11, tzinfo=UTC)


def result(evaluator: str, app: str, hours_ago: int, **fields: Any) -> dict[str, Any]:
    end = END - timedelta(hours=hours_ago)
    row = {
        "evaluator": evaluator, "window_start": end - timedelta(hours=1), "window_end": end,
        "app": app, "model": "gpt-4o-mini", "subject": "latency_s", "statistic": "ks",
        "value": 0.4, "lower": None, "upper": None, "p_value": 0.001, "threshold": 0.05,
        "detected": True, "sample_count": 300, "reference_count": 280, "details": {},
        "created_at": END,
    }
    return row | fields


def seed(store: Store) -> None:
    with store.engine.begin() as connection:
        connection.execute(EvaluationResult.__table__.insert(), [  # type: ignore[attr-defined]
            result("drift", "support", 0),
            result("drift", "support", 2),
            result("drift", "search", 0, detected=False),
            result("accuracy", "support", 0, subject="qa", statistic="correct_ratio",
                   value=0.8, lower=0.7, upper=0.9, p_value=None, threshold=0.9),
        ])


def test_results_are_filtered_by_kind_app_and_time_newest_first(
    client: TestClient, auth: Headers, store: Store
) -> None:
    seed(store)

    answer = client.get(
        "/api/v1/evaluations",
        params={"kind": "drift", "app": "support", "since": "2026-03-02T09:30:00Z"},
        headers=auth[Scope.read],
    )

    assert answer.status_code == 200
    [item] = answer.json()["items"]
    assert item["window_end"].startswith("2026-03-02T11:00:00")
    assert (item["statistic"], item["value"], item["p_value"], item["detected"]) == (
        "ks", 0.4, 0.001, True
    )
    everything = client.get("/api/v1/evaluations", headers=auth[Scope.read]).json()["items"]
    assert [row["window_end"][:13] for row in everything] == [
        "2026-03-02T11", "2026-03-02T11", "2026-03-02T11", "2026-03-02T09"
    ]


def test_accuracy_results_carry_their_interval(
    client: TestClient, auth: Headers, store: Store
) -> None:
    seed(store)
    [item] = client.get(
        "/api/v1/evaluations", params={"kind": "accuracy"}, headers=auth[Scope.read]
    ).json()["items"]
    assert (item["subject"], item["value"], item["lower"], item["upper"]) == ("qa", 0.8, 0.7, 0.9)


def test_results_need_a_read_key_and_a_known_kind(client: TestClient, auth: Headers) -> None:
    assert client.get("/api/v1/evaluations").status_code == 401
    assert client.get("/api/v1/evaluations", headers=auth[Scope.ingest]).status_code == 403
    wrong = client.get("/api/v1/evaluations", params={"kind": "vibes"}, headers=auth[Scope.read])
    assert wrong.status_code == 422
