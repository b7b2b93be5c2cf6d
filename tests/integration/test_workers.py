"""`serve --workers 2`: what was sent is what /metrics counts, whichever worker took it."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.conftest import Server

CALLS = 240


def sample_total(exposition: str, name: str, **labels: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == name and labels.items() <= sample.labels.items()
    )


def test_two_workers_report_the_totals_of_everything_sent(tmp_path: Path) -> None:
    metrics_folder = tmp_path / "metrics"
    server = Server(f"sqlite:///{tmp_path / 'valuewatch.db'}", tmp_path / "serve.log",
                    args=("--workers", "2"),
                    extra_env={"PROMETHEUS_MULTIPROC_DIR": str(metrics_folder),
                               "VALUEWATCH_SCHEDULER_ENABLED": "false"})
    server.start()
    try:
        headers = {"Authorization": f"Bearer {server.key('ingest')}"}

        def send(index: int) -> int:
            record = {"id": f"w{index}", "app": "support", "model": "gpt-4o-mini",
                      "latency_s": 0.5, "input_tokens": index, "output_tokens": 2 * index}
            # A fresh connection each time, so the kernel spreads them over the workers.
            return httpx.post(f"{server.url}/api/v1/inferences", json=record,
                              headers=headers).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(send, range(CALLS))) == {200}

        workers_with_counts = {path.stem.rsplit("_", 1)[-1]
                               for path in metrics_folder.glob("counter_*.db")}
        assert len(workers_with_counts) >= 2, "one worker took every request"
        input_tokens = sum(range(CALLS))
        for _ in range(4):  # whichever worker answers the scrape, the totals are the same
            exposition = httpx.get(f"{server.url}/metrics").text
            assert sample_total(exposition, "valuewatch_ingest_records_total",
                                kind="inference", result="accepted") == CALLS
            assert sample_total(exposition, "gen_ai_client_token_usage_sum",
                                gen_ai_token_type="input") == input_tokens
            assert sample_total(exposition, "gen_ai_client_token_usage_sum",
                                gen_ai_token_type="output") == 2 * input_tokens
            cost = sample_total(exposition, "valuewatch_cost_usd_total")
            assert cost == pytest.approx((input_tokens * 0.15 + 2 * input_tokens * 0.60) / 1e6)
    finally:
        server.stop()
