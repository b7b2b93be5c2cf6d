"""Real Prometheus and Alertmanager (the Debian binaries), `valuewatch evaluate` and a
webhook receiver, each on a free loopback port with its own temporary files."""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import httpx
import yaml

from tests.conftest import skip_or_fail
from tests.integration.conftest import free_port

T = TypeVar("T")


def binary(name: str) -> str:
    """The path of an installed binary; skip (or fail in CI) when it is missing."""
    path = shutil.which(name)
    if path is None:
        skip_or_fail(f"{name} is not installed "
                     "(apt-get install prometheus prometheus-alertmanager)")
    return str(path)


def wait_until(check: Callable[[], T | None], timeout_s: float, what: str) -> T:
    """The first truthy result of `check`, polled; AssertionError naming `what` on timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            result = check()
        except httpx.TransportError:
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout_s:g} s")
        time.sleep(0.2)


class Daemon:
    """A server process with its log in `directory`, ready once `ready_url` answers 200."""

    def __init__(self, name: str, directory: Path, command: list[str],
                 env: dict[str, str] | None = None) -> None:
        self.name = name
        self.log = directory / f"{name}.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            env=os.environ | (env or {}))

    def wait_ready(self, ready_url: str, timeout_s: float = 30) -> None:
        """Return once `ready_url` answers 200; fail with the log's tail if it dies first."""
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            return httpx.get(ready_url, timeout=1).status_code == 200
        wait_until(ready, timeout_s, f"{self.name} answered {ready_url}")

    def stop(self) -> None:
        """SIGTERM, then wait."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def start_prometheus(directory: Path, targets: dict[str, str], rule_files: list[Path],
                     alertmanager: str = "", features: tuple[str, ...] = ()) -> tuple[Daemon, str]:
    """Prometheus scraping `targets` (job → host:port) every second and evaluating
    `rule_files` every second, with the `--enable-feature` flags in `features`; returns it
    and its base URL."""
    port = free_port()
    config: dict[str, Any] = {
        "global": {"scrape_interval": "1s", "scrape_timeout": "1s",
                   "evaluation_interval": "1s"},
        "rule_files": [str(path) for path in rule_files],
        "scrape_configs": [
            {"job_name": job, "static_configs": [{"targets": [target]}]}
            for job, target in targets.items()
        ],
    }
    if alertmanager:
        config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [alertmanager]}]}]}
    (directory / "prometheus.yml").write_text(yaml.safe_dump(config))
    daemon = Daemon("prometheus", directory, [
        binary("prometheus"), f"--config.file={directory / 'prometheus.yml'}",
        f"--storage.tsdb.path={directory / 'tsdb'}", f"--web.listen-address=127.0.0.1:{port}",
        "--log.level=warn", *(f"--enable-feature={name}" for name in features),
    ])
    url = f"http://127.0.0.1:{port}"
    daemon.wait_ready(f"{url}/-/ready")
    return daemon, url


def query(prometheus_url: str, expr: str) -> list[dict[str, Any]]:
    """The result of an instant query; AssertionError with Prometheus' error if it fails."""
    answer = httpx.get(f"{prometheus_url}/api/v1/query", params={"query": expr}, timeout=10)
    body = answer.json()
    assert body["status"] == "success", f"{expr}: {body.get('error')}"
    return body["data"]["result"]


def start_alertmanager(directory: Path, config: dict[str, Any]) -> tuple[Daemon, str]:
    """Alertmanager with `config`, clustering off; returns it and its host:port."""
    port = free_port()
    (directory / "alertmanager.yml").write_text(yaml.safe_dump(config))
    daemon = Daemon("alertmanager", directory, [
        binary("prometheus-alertmanager"), f"--config.file={directory / 'alertmanager.yml'}",
        f"--storage.path={directory / 'alertmanager'}",
        f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=warn",
    ])
    daemon.wait_ready(f"http://127.0.0.1:{port}/-/ready")
    return daemon, f"127.0.0.1:{port}"


def start_evaluator(directory: Path, database_url: str, env: dict[str, str]) -> tuple[Daemon, str]:
    """`valuewatch evaluate` (every job runs at start), its /metrics on a free port."""
    port = free_port()
    daemon = Daemon("evaluate", directory, [
        sys.executable, "-m", "valuewatch", "evaluate", "--metrics-host", "127.0.0.1",
        "--metrics-port", str(port), "--log-level", "warning",
    ], env={"VALUEWATCH_DATABASE_URL": database_url, **env})
    daemon.wait_ready(f"http://127.0.0.1:{port}/metrics")
    return daemon, f"127.0.0.1:{port}"


class WebhookReceiver:
    """A tiny HTTP server in a thread that keeps every JSON body POSTed to it, by path."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, Any]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append((self.path, json.loads(body)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test reports what arrived."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def alerts(self, path: str) -> list[dict[str, Any]]:
        """Every alert posted to `path` so far."""
        return [alert for at, body in list(self.received) if at == path
                for alert in body["alerts"]]

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
