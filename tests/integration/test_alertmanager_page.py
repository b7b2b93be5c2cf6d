"""A spike of failed calls pages someone: `valuewatch serve` records the errors, a real
Prometheus evaluates the generated rules, and a real Alertmanager, routed by the generated
example config, delivers the page to a webhook, and a copy to valuewatch's incident hook."""

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from alerts.pipeline import alert_files
from metrics.conventions import ALERTMANAGER_FILE, RULES_FILE
from metrics.types import utc_now
from tests.golden.compare import settings_without_environment
from tests.integration.conftest import Server
from tests.integration.prometheus_stack import (
    WebhookReceiver,
    query,
    start_alertmanager,
    start_prometheus,
    wait_until,
)

PAGE = "ValuewatchAvailabilityFastBurn"
pytestmark = pytest.mark.slow


def routed_to(receiver: WebhookReceiver, example: dict[str, Any]) -> dict[str, Any]:
    """The generated Alertmanager example with its routes kept and every receiver replaced
    by a webhook to `receiver` at /<receiver name>; groups are sent after a second."""
    config = dict(example)
    config["route"] = {**example["route"], "group_wait": "1s", "group_interval": "1s"}
    config["receivers"] = [
        {"name": r["name"], "webhook_configs": [{"url": f"{receiver.url}/{r['name']}"}]}
        for r in example["receivers"]
    ]
    return config


def failing_calls(burst: int) -> list[dict[str, Any]]:
    """Ten calls of the checkout app, six of them failing with a provider's 5xx."""
    return [
        {"id": f"spike-{burst}-{i}", "timestamp": utc_now().isoformat(), "app": "checkout",
         "model": "gpt-4o-mini", "latency_s": 0.4, "status": "error" if i < 6 else "ok",
         "error_type": "server_error" if i < 6 else None}
        for i in range(10)
    ]


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()


def test_an_error_spike_pages_through_alertmanager(
    server: Server, receiver: WebhookReceiver, tmp_path: Path
) -> None:
    started = time.monotonic()
    generated = alert_files(settings_without_environment())
    rules = tmp_path / RULES_FILE
    rules.write_text(generated[RULES_FILE])
    example = yaml.safe_load(generated[ALERTMANAGER_FILE])
    alertmanager, alertmanager_address = start_alertmanager(
        tmp_path, routed_to(receiver, example))
    prometheus, url = start_prometheus(
        tmp_path, {"valuewatch": f"127.0.0.1:{server.port}"}, [rules], alertmanager_address)
    try:
        wait_until(lambda: query(url, 'up{job="valuewatch"} == 1'), 20, "the collector was up")
        headers = {"Authorization": f"Bearer {server.key('ingest')}"}

        def spike() -> list[dict[str, Any]]:
            burst = int((time.monotonic() - started) * 10)
            httpx.post(f"{server.url}/api/v1/inferences", json=failing_calls(burst),
                       headers=headers, timeout=10).raise_for_status()
            return [a for a in receiver.alerts("/pager") if a["labels"]["alertname"] == PAGE]

        pages = wait_until(spike, 45, f"{PAGE} reached the pager")
    finally:
        prometheus.stop()
        alertmanager.stop()

    page = pages[0]
    assert page["status"] == "firing"
    assert {k: page["labels"][k] for k in ("app", "slo", "severity")} == {
        "app": "checkout", "slo": "availability", "severity": "page"}
    assert page["annotations"]["summary"] == (
        "checkout is burning its availability error budget fast.")
    assert page["annotations"]["runbook_url"].endswith("/docs/runbook.md#" + PAGE.lower())
    copies = receiver.alerts("/valuewatch-incidents")
    assert PAGE in {alert["labels"]["alertname"] for alert in copies}
    assert time.monotonic() - started < 60
