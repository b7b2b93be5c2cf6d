"""`valuewatch serve` listens for OTLP/gRPC: the SDK's exporter, one process and several."""

from pathlib import Path

import httpx
import pytest
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.export import SpanExportResult

from tests.integration.conftest import Server, free_port
from tests.unit.collector.test_traces_route import chat_span, record_id


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_stores_spans_exported_over_grpc(tmp_path: Path, workers: int) -> None:
    grpc_port = free_port()
    server = Server(f"sqlite:///{tmp_path / 'valuewatch.db'}", tmp_path / "serve.log",
                    args=("--otlp-grpc-port", str(grpc_port), "--workers", str(workers)))
    server.start()
    try:
        key = server.key("ingest")
        spans = [chat_span() for _ in range(4)]
        for made in spans:  # a channel each: with SO_REUSEPORT they spread over workers
            exporter = OTLPSpanExporter(endpoint=f"127.0.0.1:{grpc_port}", insecure=True,
                                        headers={"authorization": f"Bearer {key}"}, timeout=10)
            assert exporter.export([made]) == SpanExportResult.SUCCESS
            exporter.shutdown()
        read = server.key("read")
        items = httpx.get(f"{server.url}/api/v1/inferences",
                          headers={"Authorization": f"Bearer {read}"}).json()["items"]
        assert sorted(item["id"] for item in items) == sorted(record_id(s) for s in spans)
    finally:
        server.stop()
