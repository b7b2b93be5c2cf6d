"""GET /api/v1/accuracy and /api/v1/feedback, on SQLite and PostgreSQL: filtered and paged
newest first, as GET /api/v1/inferences is."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from metrics.store.database import Store
from metrics.store.tables import AccuracySample, Feedback, Scope

Headers = dict[Scope, dict[str, str]]
START = datetime(2026, 1, 1, tzinfo=UTC)


def seed(store: Store) -> None:
    graded = [{"id": f"g{i}", "inference_id": f"c{i}", "app": "a" if i < 5 else "b",
               "model": "m", "task": "qa", "correct": i % 2 == 0, "score": None,
               "grader": "judge", "timestamp": START + timedelta(minutes=i // 2)}
              for i in range(7)]
    feedback = [{"id": f"f{i}", "inference_id": f"c{i}", "app": "a" if i < 5 else "",
                 "kind": "thumbs", "value": 1.0, "label": None, "comment": None,
                 "timestamp": START + timedelta(minutes=i // 2), "user_hash": None}
                for i in range(7)]
    store.insert_new([(AccuracySample.__table__, graded),  # type: ignore[attr-defined]
                      (Feedback.__table__, feedback)])  # type: ignore[attr-defined]


def every_page(client: TestClient, path: str, headers: dict[str, str],
               **params: Any) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        query = params | ({"cursor": cursor} if cursor else {})
        answer = client.get(path, params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        pages.append([item["id"] for item in answer.json()["items"]])
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return pages


def test_samples_and_feedback_page_newest_first_without_gaps_or_repeats(
    client: TestClient, auth: Headers, store: Store
) -> None:
    seed(store)
    for path, prefix in (("/api/v1/accuracy", "g"), ("/api/v1/feedback", "f")):
        pages = every_page(client, path, auth[Scope.read], limit=3)
        # Times tie in pairs; ties go by id, descending.
        assert pages == [[f"{prefix}6", f"{prefix}5", f"{prefix}4"],
                         [f"{prefix}3", f"{prefix}2", f"{prefix}1"], [f"{prefix}0"]]


def test_samples_and_feedback_filter_by_app_and_time(
    client: TestClient, auth: Headers, store: Store
) -> None:
    seed(store)
    window = {"since": (START + timedelta(minutes=1)).isoformat(),
              "until": (START + timedelta(minutes=2)).isoformat()}
    for path, prefix in (("/api/v1/accuracy", "g"), ("/api/v1/feedback", "f")):
        assert every_page(client, path, auth[Scope.read], app="a") == [
            [f"{prefix}{i}" for i in (4, 3, 2, 1, 0)]]
        assert every_page(client, path, auth[Scope.read], **window) == [
            [f"{prefix}3", f"{prefix}2"]]
    sample = client.get("/api/v1/accuracy", params={"inference_id": "c6"},
                        headers=auth[Scope.read]).json()["items"]
    assert [(s["app"], s["task"], s["correct"], s["grader"]) for s in sample] == [
        ("b", "qa", True, "judge")]


def test_reading_samples_and_feedback_needs_a_read_key(
    client: TestClient, auth: Headers
) -> None:
    for path in ("/api/v1/accuracy", "/api/v1/feedback"):
        assert client.get(path).status_code == 401
        assert client.get(path, headers=auth[Scope.ingest]).status_code == 403
        assert client.get(path, params={"cursor": "nope"},
                          headers=auth[Scope.read]).status_code == 422
