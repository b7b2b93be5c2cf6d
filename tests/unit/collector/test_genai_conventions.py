"""OTLP spans as each generation of GenAI instrumentation names its attributes, on SQLite
and PostgreSQL: stored with the right fields, priced with cache reads and writes, and agent
and tool operations counted by operation but never priced."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlmodel import Session, select

from metrics.store.database import Store
from metrics.store.tables import Inference, Scope
from tests.unit.collector.otlp_builders import recent_export

Headers = dict[Scope, dict[str, str]]
PROTOBUF = {"Content-Type": "application/x-protobuf"}
TRACE_ID = "7d0c4a1e9b2f43c8a5e6f1b2c3d4e5f6"
CLAUDE = {"gen_ai.operation.name": "chat", "gen_ai.response.model": "claude-sonnet-4-20250514",
          "gen_ai.usage.input_tokens": 1_000_000, "gen_ai.usage.output_tokens": 100_000}
# claude-sonnet-4: $3.00 input, $0.30 cache read, $3.75 cache write, $15.00 output.
BASE_USD = 1.5


def usd(uncached: float, read: float = 0, written: float = 0) -> float:
    """The cost of CLAUDE's call with these millions of input tokens."""
    return uncached * 3.00 + read * 0.30 + written * 3.75 + BASE_USD


CASES = [
    ("the names since semconv 1.41 and the cache_write rename", {
        "gen_ai.provider.name": "anthropic",
        "gen_ai.usage.cache_read.input_tokens": 400_000,
        "gen_ai.usage.cache_write.input_tokens": 200_000,
        "gen_ai.usage.reasoning.output_tokens": 30_000,
        "gen_ai.response.time_to_first_chunk": 0.31,
    }, {"provider": "anthropic", "cached_input_tokens": 400_000,
        "cache_write_input_tokens": 200_000, "reasoning_tokens": 30_000, "ttft_s": 0.31},
     usd(0.4, 0.4, 0.2)),
    ("the semconv 1.40 cache_creation name", {
        "gen_ai.usage.cache_read.input_tokens": 100_000,
        "gen_ai.usage.cache_creation.input_tokens": 500_000,
    }, {"cached_input_tokens": 100_000, "cache_write_input_tokens": 500_000, "ttft_s": None},
     usd(0.4, 0.1, 0.5)),
    ("OpenLLMetry's names", {
        "gen_ai.system": "anthropic",
        "gen_ai.usage.cache_read_input_tokens": 250_000,
        "gen_ai.usage.cache_creation_input_tokens": 250_000,
        "gen_ai.usage.reasoning_tokens": 7,
    }, {"provider": "anthropic", "cached_input_tokens": 250_000,
        "cache_write_input_tokens": 250_000, "reasoning_tokens": 7}, usd(0.5, 0.25, 0.25)),
    ("vLLM's own latency names", {
        "gen_ai.latency.e2e": 2.5, "gen_ai.latency.time_to_first_token": 0.12,
    }, {"latency_s": 2.5, "ttft_s": 0.12, "cached_input_tokens": None,
        "cache_write_input_tokens": None}, usd(1.0)),
]


def stored(store: Store) -> list[Inference]:
    with Session(store.engine) as session:
        return list(session.exec(select(Inference)))


def post_span(client: TestClient, auth: Headers, attributes: dict[str, Any]) -> None:
    answer = client.post("/v1/traces", content=recent_export(attributes, TRACE_ID, "1" * 16),
                         headers=auth[Scope.ingest] | PROTOBUF)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(("case", "attributes", "fields", "cost"), CASES,
                         ids=[case[0] for case in CASES])
def test_a_span_is_stored_with_its_fields_and_cost(
    client: TestClient, store: Store, auth: Headers, case: str,
    attributes: dict[str, Any], fields: dict[str, Any], cost: float,
) -> None:
    post_span(client, auth, CLAUDE | attributes)
    [record] = stored(store)
    assert {name: getattr(record, name) for name in fields} == pytest.approx(fields)
    assert record.cost_usd == pytest.approx(cost)
    for name in attributes:
        assert name not in record.attributes


def test_the_semconv_1_26_token_names_are_read(
    client: TestClient, store: Store, auth: Headers
) -> None:
    post_span(client, auth, {
        "gen_ai.system": "openai", "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.usage.prompt_tokens": 1_000_000, "gen_ai.usage.completion_tokens": 1_000_000,
    })
    [record] = stored(store)
    assert (record.provider, record.model, record.operation) == ("openai", "gpt-4o-mini", "chat")
    assert (record.input_tokens, record.output_tokens) == (1_000_000, 1_000_000)
    assert record.cost_usd == pytest.approx(0.15 + 0.60)


@pytest.mark.parametrize("operation", ["invoke_agent", "execute_tool", "create_agent",
                                       "invoke_workflow"])
def test_agent_and_tool_operations_are_counted_by_operation_but_not_priced(
    client: TestClient, store: Store, auth: Headers, registry: CollectorRegistry,
    operation: str,
) -> None:
    # An agent span repeats the usage of the model calls under it: pricing it again
    # would count the money twice.
    post_span(client, auth, {**CLAUDE, "gen_ai.operation.name": operation,
                             "gen_ai.agent.name": "triage"})
    [record] = stored(store)
    assert (record.operation, record.cost_usd) == (operation, None)
    assert record.attributes["gen_ai.agent.name"] == "triage"
    labels = {"app": "support-bot", "gen_ai_operation_name": operation,
              "gen_ai_provider_name": "", "gen_ai_response_model": record.model,
              "error_type": ""}
    count = registry.get_sample_value("gen_ai_client_operation_duration_seconds_count", labels)
    assert count == 1
    unpriced = registry.get_sample_value(
        "valuewatch_unpriced_calls_total", {"app": "support-bot",
                                            "gen_ai_response_model": record.model})
    assert not unpriced


def test_a_json_record_s_cache_counts_are_priced_too(
    client: TestClient, store: Store, auth: Headers
) -> None:
    record = {"id": "j1", "app": "support", "model": "claude-sonnet-4", "latency_s": 1.0,
              "input_tokens": 1_000_000, "output_tokens": 100_000,
              "cached_input_tokens": 400_000, "cache_write_input_tokens": 200_000}
    answer = client.post("/api/v1/inferences", json=record, headers=auth[Scope.ingest])
    assert answer.status_code == 200
    [stored_record] = stored(store)
    assert stored_record.cache_write_input_tokens == 200_000
    assert stored_record.cost_usd == pytest.approx(usd(0.4, 0.4, 0.2))
