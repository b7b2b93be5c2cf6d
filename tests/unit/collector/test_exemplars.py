"""Trace exemplars on the GenAI duration and time-to-first-token histograms, on SQLite
and PostgreSQL: a stored call links its latency to the trace it came from."""

from typing import Any

from fastapi.testclient import TestClient

from collector.genai_series import trace_exemplar
from metrics.store.tables import Scope
from tests.unit.collector.otlp_builders import recent_export

Headers = dict[Scope, dict[str, str]]
OPENMETRICS = {"Accept": "application/openmetrics-text; version=1.0.0"}
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
SPAN_ID = "00f067aa0ba902b7"
CHAT = {
    "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
    "gen_ai.response.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 812,
    "gen_ai.usage.output_tokens": 164, "gen_ai.response.time_to_first_chunk": 0.42,
}


def otlp_export(trace_id: str, span_id: str) -> bytes:
    """One GenAI span, five seconds ago, lasting 1.5 s, as protobuf."""
    return recent_export(CHAT, trace_id, span_id)


def exemplar_lines(text: str, metric: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(metric) and " # {" in line]


def test_an_otlp_span_s_trace_id_is_the_exemplar_of_its_duration_and_ttft(
    client: TestClient, auth: Headers
) -> None:
    answer = client.post(
        "/v1/traces", content=otlp_export(TRACE_ID, SPAN_ID),
        headers=auth[Scope.ingest] | {"Content-Type": "application/x-protobuf"},
    )
    assert answer.status_code == 200
    scraped = client.get("/metrics", headers=OPENMETRICS)
    assert scraped.headers["content-type"].startswith("application/openmetrics-text")
    duration = exemplar_lines(scraped.text, "gen_ai_client_operation_duration_seconds_bucket")
    assert len(duration) == 1
    assert 'le="2.56"' in duration[0]  # the first bucket over 1.5 s
    assert duration[0].split(" # ")[1].startswith(f'{{trace_id="{TRACE_ID}"}} 1.5 ')
    ttft = exemplar_lines(scraped.text, "gen_ai_server_time_to_first_token_seconds_bucket")
    assert len(ttft) == 1
    assert ttft[0].split(" # ")[1].startswith(f'{{trace_id="{TRACE_ID}"}} 0.42 ')
    assert scraped.text.endswith("# EOF\n")


def test_the_text_format_is_served_without_exemplars_when_openmetrics_is_not_asked(
    client: TestClient, auth: Headers
) -> None:
    client.post(
        "/v1/traces", content=otlp_export(TRACE_ID, SPAN_ID),
        headers=auth[Scope.ingest] | {"Content-Type": "application/x-protobuf"},
    )
    scraped = client.get("/metrics")
    assert scraped.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "gen_ai_client_operation_duration_seconds_bucket" in scraped.text
    assert TRACE_ID not in scraped.text


def test_a_json_record_s_trace_id_attribute_is_its_exemplar(
    client: TestClient, auth: Headers
) -> None:
    record = {
        "id": "c1", "app": "support", "model": "gpt-4o-mini", "latency_s": 0.8,
        "input_tokens": 10, "output_tokens": 5, "attributes": {"trace_id": TRACE_ID.upper()},
    }
    answer = client.post("/api/v1/inferences", json=record, headers=auth[Scope.ingest])
    assert answer.status_code == 200
    text = client.get("/metrics", headers=OPENMETRICS).text
    duration = exemplar_lines(text, "gen_ai_client_operation_duration_seconds_bucket")
    assert [line.split(" # ")[1].split(" ")[0] for line in duration] == [
        f'{{trace_id="{TRACE_ID}"}}'
    ]


def row(id: str, attributes: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": id, "attributes": attributes or {}}


def test_only_a_well_formed_trace_id_becomes_an_exemplar() -> None:
    span_id = f"{TRACE_ID}-{SPAN_ID}"
    assert trace_exemplar(row(span_id)) == {"trace_id": TRACE_ID}
    assert trace_exemplar(row("c1", {"trace_id": TRACE_ID})) == {"trace_id": TRACE_ID}
    assert trace_exemplar(row("c1")) is None
    assert trace_exemplar(row("c1", {"trace_id": "not-a-trace"})) is None
    assert trace_exemplar(row("c1", {"trace_id": "0" * 32})) is None
    assert trace_exemplar(row(f"{'0' * 32}-{SPAN_ID}")) is None
