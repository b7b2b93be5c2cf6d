"""`valuewatch serve --tls-cert --tls-key`: HTTPS and OTLP/gRPC over TLS, one process and
several, with a self-signed certificate made by the openssl command."""

import shutil
import ssl
import subprocess
from pathlib import Path

import grpc
import httpx
import pytest
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace.export import SpanExportResult

from tests.conftest import skip_or_fail
from tests.integration.conftest import Server, free_port
from tests.unit.collector.test_traces_route import chat_span, record_id


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key."""
    if shutil.which("openssl") is None:
        skip_or_fail("the openssl command is not installed (Debian's openssl)")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_speaks_https_and_grpc_over_tls(tmp_path: Path, workers: int) -> None:
    cert, key = self_signed(tmp_path)
    grpc_port = free_port()
    server = Server(f"sqlite:///{tmp_path / 'valuewatch.db'}", tmp_path / "serve.log",
                    args=("--otlp-grpc-port", str(grpc_port), "--workers", str(workers),
                          "--tls-cert", str(cert), "--tls-key", str(key)),
                    tls_cert=cert)
    server.start()  # waits for /healthz over HTTPS, the certificate trusted
    try:
        credentials = grpc.ssl_channel_credentials(root_certificates=cert.read_bytes())
        exporter = OTLPSpanExporter(endpoint=f"127.0.0.1:{grpc_port}", credentials=credentials,
                                    headers={"authorization": f"Bearer {server.key('ingest')}"},
                                    timeout=10)
        span = chat_span()
        assert exporter.export([span]) == SpanExportResult.SUCCESS
        exporter.shutdown()
        plain = OTLPSpanExporter(endpoint=f"127.0.0.1:{grpc_port}", insecure=True, timeout=3)
        assert plain.export([chat_span()]) == SpanExportResult.FAILURE  # no TLS, no talk
        plain.shutdown()
        read = {"Authorization": f"Bearer {server.key('read')}"}
        trusted = ssl.create_default_context(cafile=cert)
        items = httpx.get(f"{server.url}/api/v1/inferences", headers=read,
                          verify=trusted).json()["items"]
        assert [item["id"] for item in items] == [record_id(span)]
        with pytest.raises(httpx.ConnectError):  # an untrusted certificate is refused
            httpx.get(f"{server.url}/healthz", timeout=5)
        with pytest.raises(httpx.TransportError):  # plain HTTP on the TLS port gets nothing
            httpx.get(f"http://127.0.0.1:{server.port}/healthz", timeout=5).raise_for_status()
    finally:
        server.stop()


def test_a_certificate_without_its_key_is_refused(tmp_path: Path) -> None:
    from metrics.settings import Settings

    with pytest.raises(ValueError, match="VALUEWATCH_TLS_KEY"):
        Settings(tls_cert=tmp_path / "cert.pem")
