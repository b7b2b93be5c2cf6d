"""The catalog: names Prometheus accepts, the GenAI conventions' buckets, no duplicates."""

import re

import pytest
from prometheus_client import CollectorRegistry

from metrics.catalog import CATALOG, spec
from metrics.instruments import OVERFLOW_VALUE, Instruments, LabelLimiter, collector_instruments

NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")


@pytest.mark.parametrize("entry", CATALOG, ids=lambda e: e.name)
def test_every_name_is_a_valid_prometheus_name_with_our_prefix_or_the_genai_one(entry) -> None:
    assert NAME.match(entry.name)
    if entry.exported_by == "external":
        assert entry.name.startswith("vllm:")  # the model server's own, not ours
    else:
        assert entry.name.startswith(("valuewatch_", "gen_ai_"))
    assert entry.help.endswith(".")
    if entry.kind == "counter":
        assert entry.name.endswith("_total")
    if entry.kind == "histogram":
        assert entry.buckets == tuple(sorted(entry.buckets))


def test_names_are_unique() -> None:
    names = [entry.name for entry in CATALOG]
    assert len(names) == len(set(names))


def test_the_genai_histograms_use_the_semantic_conventions_buckets() -> None:
    assert spec("gen_ai_client_operation_duration_seconds").buckets == (
        0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
    )
    assert spec("gen_ai_client_token_usage").buckets[:4] == (1, 4, 16, 64)
    assert spec("gen_ai_client_token_usage").buckets[-1] == 67108864
    assert spec("gen_ai_server_time_to_first_token_seconds").buckets[0] == 0.001
    assert spec("gen_ai_server_time_per_output_token_seconds").buckets[-1] == 2.5


def test_an_unknown_name_is_named_in_the_error() -> None:
    with pytest.raises(KeyError, match="no_such_metric"):
        spec("no_such_metric")


def test_label_values_past_the_cap_fold_into_other_and_are_counted() -> None:
    registry = CollectorRegistry()
    instruments = collector_instruments(registry, label_limit=3)
    for index in range(10):
        instruments.labels("valuewatch_cost_usd_total", app="a",
                           gen_ai_response_model=f"model-{index}").inc()
    models = {
        sample.labels["gen_ai_response_model"]
        for metric in registry.collect() if metric.name == "valuewatch_cost_usd"
        for sample in metric.samples if sample.name.endswith("_total")
    }
    assert models == {"model-0", "model-1", "model-2", OVERFLOW_VALUE}
    folded = registry.get_sample_value(
        "valuewatch_cost_usd_total", {"app": "a", "gen_ai_response_model": OVERFLOW_VALUE}
    )
    assert folded == 7.0
    overflow = {"label": "gen_ai_response_model"}
    assert registry.get_sample_value("valuewatch_label_overflow_total", overflow) == 7.0


def test_a_value_seen_before_the_cap_keeps_its_own_series() -> None:
    limiter = LabelLimiter(limit=1)
    assert limiter.value("model", "a") == "a"
    assert limiter.value("model", "b") == OVERFLOW_VALUE
    assert limiter.value("model", "a") == "a"


def test_instruments_are_built_into_the_registry_passed_in() -> None:
    first, second = CollectorRegistry(), CollectorRegistry()
    Instruments(first, CATALOG[:1])
    Instruments(second, CATALOG[:1])  # a global registry would refuse the second
    assert first.get_sample_value("gen_ai_client_operation_duration_seconds_count") is None
