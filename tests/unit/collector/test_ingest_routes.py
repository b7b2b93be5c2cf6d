"""The JSON ingest API, on SQLite and PostgreSQL: what apps send is what is stored."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlmodel import Session, select

from metrics.store.database import Store
from metrics.store.tables import AccuracySample, Feedback, Inference, Outcome, Scope

Headers = dict[Scope, dict[str, str]]


def call(id: str, **fields: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": id,
        "app": "support",
        "model": "gpt-4o-mini",
        "provider": "openai",
        "latency_s": 1.25,
        "ttft_s": 0.25,
        "input_tokens": 1000,
        "output_tokens": 201,
    }
    return record | fields


def stored(store: Store, model: type) -> list:
    with Session(store.engine) as session:
        return list(session.exec(select(model)).all())


def test_a_stored_call_is_returned_by_the_read_api(client: TestClient, auth: Headers) -> None:
    answer = client.post(
        "/api/v1/inferences", json=call("c1", user="alice"), headers=auth[Scope.ingest]
    )
    assert answer.status_code == 200
    assert answer.json() == {"accepted": 1, "duplicates": 0, "conflicts": []}

    page = client.get("/api/v1/inferences", headers=auth[Scope.read]).json()
    [item] = page["items"]
    assert item["id"] == "c1"
    assert item["model"] == "gpt-4o-mini"
    assert item["input_tokens"] == 1000
    assert item["cost_usd"] == pytest.approx((1000 * 0.15 + 201 * 0.60) / 1e6)
    assert item["user_hash"] not in (None, "alice")
    assert page["next_cursor"] is None


def test_a_retried_record_is_acknowledged_but_stored_once(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry
) -> None:
    batch = [call("r1"), call("r2")]
    first = client.post("/api/v1/inferences", json=batch, headers=auth[Scope.ingest]).json()
    again = client.post(
        "/api/v1/inferences", json=[*batch, call("r3")], headers=auth[Scope.ingest]
    ).json()

    assert first == {"accepted": 2, "duplicates": 0, "conflicts": []}
    assert again == {"accepted": 1, "duplicates": 2, "conflicts": []}
    assert sorted(row.id for row in stored(store, Inference)) == ["r1", "r2", "r3"]
    labels = {"kind": "inference", "result": "duplicate"}
    assert registry.get_sample_value("valuewatch_ingest_records_total", labels) == 2.0


def test_the_same_id_twice_in_one_request_is_one_record(
    client: TestClient, auth: Headers, store: Store
) -> None:
    answer = client.post(
        "/api/v1/inferences", json=[call("d1"), call("d1")], headers=auth[Scope.ingest]
    )
    assert answer.json() == {"accepted": 1, "duplicates": 1, "conflicts": []}
    assert len(stored(store, Inference)) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        pytest.param({"latency_s": -0.5}, "latency_s", id="a negative latency names latency_s"),
        pytest.param({"output_tokens": -1}, "output_tokens", id="negative tokens name the field"),
        pytest.param(
            {"timestamp": "2099-01-01T00:00:00Z"},
            "timestamp",
            id="a timestamp far in the future names timestamp",
        ),
        pytest.param({"status": "maybe"}, "status", id="an unknown status names status"),
        pytest.param({"app": ""}, "app", id="an empty app names app"),
    ],
)
def test_bad_records_are_refused_naming_the_field(
    client: TestClient, auth: Headers, store: Store, fields: dict, field: str
) -> None:
    answer = client.post(
        "/api/v1/inferences", json=[call("ok"), call("bad", **fields)], headers=auth[Scope.ingest]
    )
    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert error["loc"] == ["body", 1, field]
    assert stored(store, Inference) == []


def test_an_unknown_model_is_accepted_without_cost_and_counted(
    client: TestClient, auth: Headers, registry: CollectorRegistry
) -> None:
    answer = client.post(
        "/api/v1/inferences", json=call("u1", model="in-house-7b"), headers=auth[Scope.ingest]
    )
    assert answer.status_code == 200
    item = client.get("/api/v1/inferences", headers=auth[Scope.read]).json()["items"][0]
    assert item["cost_usd"] is None
    labels = {"app": "support", "gen_ai_response_model": "in-house-7b"}
    assert registry.get_sample_value("valuewatch_unpriced_calls_total", labels) == 1.0


def test_a_call_updates_the_genai_histograms(
    client: TestClient, auth: Headers, registry: CollectorRegistry
) -> None:
    client.post("/api/v1/inferences", json=call("h1"), headers=auth[Scope.ingest])
    common = {
        "app": "support",
        "gen_ai_operation_name": "chat",
        "gen_ai_provider_name": "openai",
        "gen_ai_response_model": "gpt-4o-mini",
    }
    value = registry.get_sample_value
    assert (
        value("gen_ai_client_operation_duration_seconds_sum", common | {"error_type": ""}) == 1.25
    )
    assert value("gen_ai_client_token_usage_sum", common | {"gen_ai_token_type": "input"}) == 1000
    assert value("gen_ai_client_token_usage_sum", common | {"gen_ai_token_type": "output"}) == 201
    assert value("gen_ai_server_time_to_first_token_seconds_sum", common) == 0.25
    # (1.25 - 0.25) s over the 200 tokens after the first.
    assert value("gen_ai_server_time_per_output_token_seconds_sum", common) == 0.005


def test_a_call_reporting_no_usage_observes_no_token_counts(
    client: TestClient, auth: Headers, registry: CollectorRegistry
) -> None:
    body = {"id": "n1", "app": "support", "model": "gpt-4o-mini", "provider": "openai",
            "latency_s": 0.4, "status": "error", "error_type": "timeout"}
    answer = client.post("/api/v1/inferences", json=body, headers=auth[Scope.ingest])
    assert answer.status_code == 200
    common = {"app": "support", "gen_ai_operation_name": "chat",
              "gen_ai_provider_name": "openai", "gen_ai_response_model": "gpt-4o-mini"}
    value = registry.get_sample_value
    assert value("gen_ai_client_operation_duration_seconds_count",
                 common | {"error_type": "timeout"}) == 1
    for kind in ("input", "output"):
        assert value("gen_ai_client_token_usage_count",
                     common | {"gen_ai_token_type": kind}) in (None, 0)


def test_reads_filter_by_app_model_and_time_and_paginate(client: TestClient, auth: Headers) -> None:
    start = datetime.now(UTC) - timedelta(hours=1)
    records = [
        call(
            f"p{i}",
            timestamp=(start + timedelta(minutes=i)).isoformat(),
            app="support" if i % 2 else "search",
        )
        for i in range(9)
    ]
    client.post("/api/v1/inferences", json=records, headers=auth[Scope.ingest])

    seen, cursor = [], None
    while True:
        params = {"app": "support", "limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/inferences", params=params, headers=auth[Scope.read]).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["p7", "p5", "p3", "p1"]

    since = (start + timedelta(minutes=4)).isoformat()
    until = (start + timedelta(minutes=6)).isoformat()
    window = client.get(
        "/api/v1/inferences", params={"since": since, "until": until}, headers=auth[Scope.read]
    ).json()
    assert [item["id"] for item in window["items"]] == ["p5", "p4"]


def test_feedback_comments_are_redacted_and_users_hashed(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry
) -> None:
    body = [
        {
            "id": "f1",
            "inference_id": "c1",
            "app": "support",
            "kind": "thumbs",
            "value": "up",
            "comment": "write to jane.doe@example.com or +1 415 555 0100",
            "user": "jane",
        },
        {"id": "f2", "inference_id": "c1", "app": "support", "kind": "rating", "value": 2},
        {"id": "f3", "inference_id": "c1", "kind": "label", "label": "hallucination"},
    ]
    answer = client.post("/api/v1/feedback", json=body, headers=auth[Scope.ingest])
    assert answer.json() == {"accepted": 3, "duplicates": 0, "conflicts": []}

    rows = {row.id: row for row in stored(store, Feedback)}
    assert rows["f1"].comment == "write to [EMAIL] or [PHONE]"
    assert rows["f1"].value == 1.0
    assert rows["f1"].user_hash not in (None, "jane")
    assert rows["f2"].value == 2.0
    assert rows["f3"].label == "hallucination"
    negative = {"app": "support", "kind": "rating", "sentiment": "negative"}
    assert registry.get_sample_value("valuewatch_feedback_total", negative) == 1.0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(
            {"kind": "thumbs", "value": "sideways"}, "value", id="thumbs must be up or down"
        ),
        pytest.param({"kind": "rating", "value": 6}, "value", id="ratings run from 1 to 5"),
        pytest.param({"kind": "score", "value": "high"}, "value", id="scores are numbers"),
        pytest.param({"kind": "comment"}, "comment", id="a comment needs its text"),
    ],
)
def test_feedback_that_does_not_fit_its_kind_is_refused(
    client: TestClient, auth: Headers, body: dict, field: str
) -> None:
    answer = client.post(
        "/api/v1/feedback", json={"inference_id": "c1"} | body, headers=auth[Scope.ingest]
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", field]


def test_graded_samples_and_outcomes_are_stored(
    client: TestClient, auth: Headers, store: Store, registry: CollectorRegistry
) -> None:
    samples = [
        {"id": "a1", "app": "support", "model": "gpt-4o", "task": "triage", "correct": True},
        {
            "id": "a2",
            "app": "support",
            "model": "gpt-4o",
            "task": "triage",
            "score": 0.25,
            "grader": "judge",
        },
    ]
    outcome = {"id": "o1", "app": "support", "name": "ticket_resolved", "value": 3}
    assert (
        client.post("/api/v1/accuracy", json=samples, headers=auth[Scope.ingest]).status_code == 200
    )
    assert (
        client.post("/api/v1/outcomes", json=outcome, headers=auth[Scope.ingest]).status_code == 200
    )

    graded = {row.id: row for row in stored(store, AccuracySample)}
    assert graded["a1"].correct is True and graded["a2"].score == 0.25
    assert [(o.name, o.value) for o in stored(store, Outcome)] == [("ticket_resolved", 3.0)]
    labels = {"app": "support", "outcome": "ticket_resolved"}
    assert registry.get_sample_value("valuewatch_outcome_value_total", labels) == 3.0


def test_a_sample_without_a_grade_is_refused(client: TestClient, auth: Headers) -> None:
    body = {"app": "support", "model": "gpt-4o", "task": "triage"}
    answer = client.post("/api/v1/accuracy", json=body, headers=auth[Scope.ingest])
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "correct"]


@pytest.mark.parametrize("declared", [True, False], ids=["with Content-Length", "chunked"])
def test_bodies_over_the_limit_get_413_naming_the_limit(
    client: TestClient, auth: Headers, declared: bool
) -> None:
    big = b"[" + b" " * (5 * 1024 * 1024) + b"]"
    pieces = (big[i:i + 65536] for i in range(0, len(big), 65536))
    answer = client.post(
        "/api/v1/inferences",
        content=big if declared else pieces,
        headers=auth[Scope.ingest] | {"content-type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.headers["connection"] == "close"
    assert "over the limit of 5242880 bytes" in answer.json()["detail"]


def test_too_many_records_in_one_request_are_refused(
    client: TestClient, auth: Headers, settings
) -> None:
    records = [call(f"m{i}") for i in range(settings.max_records_per_request + 1)]
    answer = client.post("/api/v1/inferences", json=records, headers=auth[Scope.ingest])
    assert answer.status_code == 422
    assert "at most 5000 records" in answer.json()["detail"][0]["msg"]


def test_nul_characters_are_refused_before_they_reach_the_database(
    client: TestClient, auth: Headers
) -> None:
    body = b'{"id": "n\\u0000", "app": "a", "model": "m", "latency_s": 1}'
    answer = client.post(
        "/api/v1/inferences",
        content=body,
        headers=auth[Scope.ingest] | {"content-type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "id"]
