"""A fake vLLM: serves a fixture exposition of vLLM's /metrics from a thread, its counters
and histograms growing with each scrape so that rates and quantiles have something to read."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CURRENT = FIXTURES / "vllm_metrics_current.prom"
BEFORE_0_9 = FIXTURES / "vllm_metrics_before_0_9.prom"
CUMULATIVE = re.compile(r"^(\S+?(?:_total|_bucket|_count|_sum)(?:\{[^}]*\})?) (\S+)$")


def scaled(exposition: str, times: int) -> str:
    """`exposition` with every cumulative sample multiplied by `times`."""
    def grow(line: str) -> str:
        found = CUMULATIVE.match(line)
        return f"{found[1]} {float(found[2]) * times!r}" if found else line
    return "\n".join(grow(line) for line in exposition.splitlines()) + "\n"


class FakeVllm:
    """Serves `fixture` on GET /metrics, with `model_name` rewritten to `model` if given."""

    def __init__(self, fixture: Path, model: str = "") -> None:
        text = fixture.read_text()
        if model:
            text = re.sub(r'model_name="[^"]*"', f'model_name="{model}"', text)
        self.scrapes = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                fake.scrapes += 1
                body = scaled(text, fake.scrapes).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: Prometheus scrapes every second."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.target = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()
