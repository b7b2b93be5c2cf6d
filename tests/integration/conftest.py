"""A real `valuewatch serve` in a subprocess, for tests that kill, restart or scrape it."""

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

# A busy two-core CI machine has taken over 30 s to start two workers.
STARTUP_S = 90


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def valuewatch(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the `valuewatch` command line and return what it printed."""
    return subprocess.run(
        [sys.executable, "-m", "valuewatch", *args], env=os.environ | env,
        capture_output=True, text=True, check=True, timeout=60,
    )


@dataclass
class Server:
    """One `valuewatch serve` process on a free port."""

    database_url: str
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    args: tuple[str, ...] = ()
    extra_env: dict[str, str] = field(default_factory=dict)
    tls_cert: Path | None = None  # served over HTTPS, this certificate trusted

    @property
    def env(self) -> dict[str, str]:
        # gRPC off unless a test names a port: servers side by side would share 4317.
        return {"VALUEWATCH_DATABASE_URL": self.database_url,
                "VALUEWATCH_OTLP_GRPC_PORT": "0"} | self.extra_env

    @property
    def url(self) -> str:
        return f"{'https' if self.tls_cert else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "valuewatch", "serve", "--port", str(self.port),
                 "--log-level", "warning", *self.args],
                env=os.environ | self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"valuewatch serve exited: {self.log.read_text()[-2000:]}")
            try:
                verify = (ssl.create_default_context(cafile=self.tls_cert)
                          if self.tls_cert else True)
                if httpx.get(f"{self.url}/healthz", timeout=1,
                             verify=verify).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"valuewatch serve did not answer /healthz within {STARTUP_S} s")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def key(self, scope: str) -> str:
        """A new key of `scope`, made through the CLI."""
        out = valuewatch(["keys", "create", "--name", f"test-{scope}", "--scope", scope], self.env)
        return out.stdout.strip().splitlines()[-1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A running server on a fresh SQLite file."""
    server = Server(f"sqlite:///{tmp_path / 'valuewatch.db'}", tmp_path / "serve.log")
    server.start()
    yield server
    server.stop()
