"""The fake vLLM's expositions agree with the catalog's external entries: every vLLM metric
we read is there with its type, vLLM's labels and its buckets, as vLLM writes them."""

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from metrics.catalog import CATALOG, MetricSpec
from metrics.vllm import VLLM_LABELS

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CURRENT = FIXTURES / "vllm_metrics_current.prom"
BEFORE_0_9 = FIXTURES / "vllm_metrics_before_0_9.prom"
EXTERNAL = [entry for entry in CATALOG if entry.exported_by == "external"]


def families(path: Path) -> dict[str, tuple[str, list[Sample]]]:
    """Exposed name (counters with `_total`) → (type, samples)."""
    found = {}
    for family in text_string_to_metric_families(path.read_text()):
        name = f"{family.name}_total" if family.type == "counter" else family.name
        found[name] = (family.type, family.samples)
    return found


def test_the_catalog_declares_vllms_metrics_as_external() -> None:
    assert {entry.name for entry in EXTERNAL} == {
        "vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc",
        "vllm:gpu_cache_usage_perc", "vllm:prefix_cache_queries_total",
        "vllm:prefix_cache_hits_total", "vllm:num_preemptions_total",
        "vllm:request_queue_time_seconds", "vllm:time_to_first_token_seconds",
        "vllm:e2e_request_latency_seconds",
    }


@pytest.mark.parametrize("entry", EXTERNAL, ids=lambda e: e.name)
def test_a_current_vllm_exposes_each_with_its_type_labels_and_buckets(entry: MetricSpec) -> None:
    kind, samples = families(CURRENT)[entry.name]
    assert kind == entry.kind
    assert all(set(s.labels) - {"le"} == set(VLLM_LABELS) for s in samples)
    if entry.kind == "histogram":
        bounds = [float(s.labels["le"]) for s in samples if s.name.endswith("_bucket")]
        assert tuple(bounds[:-1]) == entry.buckets
        assert bounds[-1] == float("inf")


def test_a_vllm_before_0_9_has_only_the_older_kv_cache_name() -> None:
    older = families(BEFORE_0_9)
    assert "vllm:gpu_cache_usage_perc" in older
    assert "vllm:kv_cache_usage_perc" not in older
    assert older["vllm:gpu_cache_usage_perc"][1][0].value == pytest.approx(0.934)
