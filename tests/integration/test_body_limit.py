"""Bodies over the limit, against a real `valuewatch serve`: clients that send the whole
body before they read still get the 413, and one that never stops sending is cut off."""

import contextlib
import gzip
import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from tests.integration.conftest import Server

LIMIT = 5 * 1024 * 1024  # the default VALUEWATCH_MAX_BODY_BYTES
DRAIN_BYTES = 16 * 1024 * 1024
DRAIN_S = 2.0
SIX_MIB = b"[" + b" " * (6 * 1024 * 1024) + b"]"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """A server with the default body limit, small drain bounds, and an ingest key."""
    folder = tmp_path_factory.mktemp("body-limit")
    server = Server(f"sqlite:///{folder / 'valuewatch.db'}", folder / "serve.log", extra_env={
        "VALUEWATCH_MAX_BODY_DRAIN_BYTES": str(DRAIN_BYTES),
        "VALUEWATCH_MAX_BODY_DRAIN_S": str(DRAIN_S),
        "VALUEWATCH_SCHEDULER_ENABLED": "false",
        "VALUEWATCH_RESOURCE_SAMPLER_ENABLED": "false",
    })
    server.start()
    yield server, server.key("ingest")
    server.stop()


def test_urllib_sending_6_mib_reads_the_413_naming_the_limit(
    limited: tuple[Server, str],
) -> None:
    server, key = limited
    request = urllib.request.Request(
        f"{server.url}/api/v1/inferences", data=SIX_MIB, method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 413
    assert refused.value.headers["Connection"] == "close"
    assert str(LIMIT) in json.loads(refused.value.read())["detail"]


@pytest.mark.parametrize("path", ["/api/v1/inferences", "/v1/traces"])
def test_http_client_sending_6_mib_reads_the_413_naming_the_limit(
    limited: tuple[Server, str], path: str
) -> None:
    server, key = limited
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("POST", path, body=SIX_MIB, headers={
        "Authorization": f"Bearer {key}", "Content-Type": "application/json",
    })
    answer = connection.getresponse()
    assert answer.status == 413
    assert str(LIMIT) in json.loads(answer.read())["detail"]
    connection.close()


def test_a_wrong_key_does_not_hide_the_413_behind_a_reset(limited: tuple[Server, str]) -> None:
    server, _ = limited
    request = urllib.request.Request(
        f"{server.url}/api/v1/feedback", data=SIX_MIB, method="POST",
        headers={"Authorization": "Bearer not-a-key", "Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 413


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(gzip.compress(b'{"resourceSpans": []}' + b" " * (6 * 1024 * 1024)),
                     f"unpacks to more than {LIMIT} bytes", id="small on the wire, 6 MiB unpacked"),
        pytest.param(gzip.compress(os.urandom(6 * 1024 * 1024)),
                     f"over the limit of {LIMIT} bytes", id="6 MiB on the wire"),
    ],
)
def test_gzip_bodies_over_the_limit_get_a_readable_413(
    limited: tuple[Server, str], body: bytes, expected: str
) -> None:
    server, key = limited
    request = urllib.request.Request(f"{server.url}/v1/traces", data=body, method="POST", headers={
        "Authorization": f"Bearer {key}", "Content-Type": "application/json",
        "Content-Encoding": "gzip",
    })
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 413
    assert expected in refused.value.read().decode()


def open_upload(server: Server, key: str, length_header: str) -> socket.socket:
    """A socket that has sent the head of a POST and will send the body itself."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    # A small send buffer keeps the bytes counted as sent close to those the server read.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
    sock.sendall(
        f"POST /api/v1/inferences HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
        f"{length_header}\r\n\r\n".encode()
    )
    return sock


def test_a_body_sent_without_end_is_cut_off_after_the_drain_bytes(
    limited: tuple[Server, str],
) -> None:
    server, key = limited
    sock = open_upload(server, key, f"Content-Length: {1024 ** 4}")
    chunk, sent = b" " * (256 * 1024), 0
    with sock, pytest.raises(OSError):  # a broken pipe or a reset, once the server closes
        while sent < 1024 ** 3:
            sock.sendall(chunk)
            sent += len(chunk)
    # What the server read, plus what two loopback socket buffers hold at most.
    assert DRAIN_BYTES <= sent < DRAIN_BYTES + 16 * 1024 * 1024


def test_a_slow_endless_chunked_body_gets_the_413_after_the_drain_seconds(
    limited: tuple[Server, str],
) -> None:
    server, key = limited
    sock = open_upload(server, key, "Transfer-Encoding: chunked")
    piece = b"%x\r\n%s\r\n" % (64 * 1024, b" " * (64 * 1024))
    started = time.monotonic()
    answer = b""
    with sock:
        for _ in range(90):  # past the limit first, then a trickle
            sock.sendall(piece)
        sock.setblocking(False)
        while time.monotonic() - started < DRAIN_S + 10:
            try:
                answer += sock.recv(65536)
                break
            except BlockingIOError:
                with contextlib.suppress(OSError):  # closed: read what came back
                    sock.send(b"1\r\n \r\n")
                time.sleep(0.02)
    elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 413")
    assert DRAIN_S * 0.9 <= elapsed < DRAIN_S + 5
