"""A real Prometheus with exemplar storage, scraping `valuewatch serve`, returns the trace
id of an OTLP span from /api/v1/query_exemplars; with several workers there is none."""

import time
from pathlib import Path

import httpx
import pytest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from tests.integration.conftest import Server
from tests.integration.prometheus_stack import query, start_prometheus, wait_until
from tests.unit.collector.otlp_builders import key_values, make_request

pytestmark = pytest.mark.slow
TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
SPAN_ID = "b7ad6b7169203331"
DURATION = "gen_ai_client_operation_duration_seconds"
OPENMETRICS = {"Accept": "application/openmetrics-text; version=1.0.0"}


def post_span(server: Server) -> None:
    """One OTLP chat span with a known trace id; it must be stored."""
    start = time.time_ns() - 3_000_000_000
    made = Span(
        trace_id=bytes.fromhex(TRACE_ID), span_id=bytes.fromhex(SPAN_ID), name="chat",
        kind=Span.SPAN_KIND_CLIENT, start_time_unix_nano=start,
        end_time_unix_nano=start + 700_000_000,
        attributes=key_values({
            "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
            "gen_ai.response.model": "gpt-4o-mini", "gen_ai.usage.input_tokens": 40,
            "gen_ai.usage.output_tokens": 12,
        }),
    )
    answer = httpx.post(
        f"{server.url}/v1/traces", content=make_request(made).SerializeToString(), timeout=30,
        headers={"Authorization": f"Bearer {server.key('ingest')}",
                 "Content-Type": "application/x-protobuf"},
    )
    assert answer.status_code == 200, answer.text


def exemplar_trace_ids(prometheus_url: str) -> set[str]:
    """The trace ids of the duration histogram's exemplars over the last five minutes."""
    now = time.time()
    answer = httpx.get(f"{prometheus_url}/api/v1/query_exemplars", timeout=10, params={
        "query": f"{DURATION}_bucket", "start": now - 300, "end": now + 60,
    }).json()
    assert answer["status"] == "success", answer
    return {exemplar["labels"]["trace_id"]
            for series in answer["data"] for exemplar in series["exemplars"]}


def test_prometheus_returns_the_span_s_trace_id_as_an_exemplar(
    server: Server, tmp_path: Path
) -> None:
    post_span(server)
    prometheus, url = start_prometheus(
        tmp_path, {"valuewatch": f"127.0.0.1:{server.port}"}, [],
        features=("exemplar-storage",),
    )
    try:
        wait_until(lambda: query(url, f"{DURATION}_count == 1"), 20, "the call was scraped")
        found = wait_until(lambda: exemplar_trace_ids(url), 20, "an exemplar was stored")
        assert found == {TRACE_ID}
    finally:
        prometheus.stop()


def test_with_several_workers_the_histogram_counts_the_call_without_an_exemplar(
    tmp_path: Path,
) -> None:
    # prometheus_client's multiprocess values drop exemplars (values.MultiProcessValue).
    server = Server(f"sqlite:///{tmp_path / 'valuewatch.db'}", tmp_path / "serve.log",
                    args=("--workers", "2"))
    server.start()
    try:
        post_span(server)
        text = httpx.get(f"{server.url}/metrics", headers=OPENMETRICS, timeout=10).text
        count = [line for line in text.splitlines() if line.startswith(f"{DURATION}_count{{")]
        assert [line.rsplit(" ", 1)[1] for line in count] == ["1.0"]
        assert TRACE_ID not in text
    finally:
        server.stop()
