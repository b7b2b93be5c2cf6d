"""observe_all leaves a histogram exactly as observing each value in order would."""

import math
import random
import re

import pytest
from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.openmetrics.exposition import generate_latest

from metrics.bulk_observe import observe_all

BUCKETS = (0.01, 0.1, 0.25, 1.0, 2.5, 10.0)
EXEMPLAR_TIME = re.compile(r"(# \{[^}]*\} \S+) \S+$")


def exposition(observe: str, amounts: list[float], exemplars: list[dict[str, str] | None]
               ) -> str:
    registry = CollectorRegistry()
    histogram = Histogram("call_seconds", "calls", ["app"], buckets=BUCKETS, registry=registry)
    child = histogram.labels(app="support")
    if observe == "one by one":
        for amount, exemplar in zip(amounts, exemplars, strict=True):
            child.observe(amount, exemplar)
    else:
        observe_all(child, amounts, exemplars)
    # Creation and exemplar times differ between the two runs; nothing else may.
    lines = generate_latest(registry).decode().splitlines()
    return "\n".join(EXEMPLAR_TIME.sub(r"\1", line) for line in lines if "_created" not in line)


def test_bucket_counts_sum_and_exemplars_match_one_by_one_on_exact_values() -> None:
    # Multiples of 1/8 add up exactly in any order, so the sum matches to the byte.
    rng = random.Random(7)
    amounts = [rng.randrange(0, 120) / 8 for _ in range(1000)] + [0.25, 10.0, 0.01]
    exemplars = [{"trace_id": f"{i:032x}"} if i % 3 == 0 else None for i in range(len(amounts))]

    bulk = exposition("all at once", amounts, exemplars)

    assert bulk == exposition("one by one", amounts, exemplars)
    assert 'call_seconds_bucket{app="support",le="0.25"}' in bulk
    assert 'call_seconds_count{app="support"} 1003.0' in bulk


def test_values_on_a_bound_fall_in_that_bucket_and_nan_in_none() -> None:
    registry = CollectorRegistry()
    child = Histogram("h", "h", buckets=BUCKETS, registry=registry)
    observe_all(child, [0.1, 0.1000001, math.inf, float("nan")])

    def bucket(le: str) -> float | None:
        return registry.get_sample_value("h_bucket", {"le": le})

    assert (bucket("0.01"), bucket("0.1"), bucket("0.25"), bucket("10.0"),
            bucket("+Inf")) == (0.0, 1.0, 2.0, 2.0, 3.0)
    assert math.isnan(registry.get_sample_value("h_sum") or 0.0)


def test_random_values_match_one_by_one_to_float_rounding() -> None:
    rng = random.Random(11)
    amounts = [rng.lognormvariate(0, 1) for _ in range(500)]
    registry_one, registry_all = CollectorRegistry(), CollectorRegistry()
    one = Histogram("h", "h", buckets=BUCKETS, registry=registry_one)
    for amount in amounts:
        one.observe(amount)
    observe_all(Histogram("h", "h", buckets=BUCKETS, registry=registry_all), amounts)

    for le in ("0.01", "0.1", "0.25", "1.0", "2.5", "10.0", "+Inf"):
        assert registry_all.get_sample_value("h_bucket", {"le": le}) == \
            registry_one.get_sample_value("h_bucket", {"le": le})
    assert registry_all.get_sample_value("h_sum") == pytest.approx(
        registry_one.get_sample_value("h_sum"), rel=1e-12)


def test_nothing_observed_leaves_the_histogram_untouched() -> None:
    registry = CollectorRegistry()
    observe_all(Histogram("h", "h", buckets=BUCKETS, registry=registry), [])
    assert registry.get_sample_value("h_count") == 0.0
