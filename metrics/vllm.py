"""vLLM's own metrics that an SRE reads beside ours, spelled as vLLM exports them.

Taken from vLLM's V1 engine, `vllm/v1/metrics/loggers.py` (`PrometheusStatLogger`) at
commit 005a810bc40faa25b8870fbc8559c3462581eee3 of vllm-project/vllm, the 0.10
development line: names, types, help texts, the `model_name` (the served model name) and
`engine` (the engine core's index) labels, and bucket boundaries. Counters carry the
`_total` suffix prometheus_client adds on exposition. `vllm:gpu_cache_usage_perc` is the
name vLLM used for KV-cache usage before 0.9 and still exports, deprecated, beside
`vllm:kv_cache_usage_perc` (older releases, e.g. commit a6f0308c, export only it).
valuewatch exports none of these; `metrics.catalog` declares them as external.
"""

from typing import Literal, NamedTuple

VLLM_SOURCE = "vllm-project/vllm@005a810bc40faa25b8870fbc8559c3462581eee3"
VLLM_LABELS = ("model_name", "engine")

# `request_latency_buckets` in vLLM, shared by the e2e, queue, prefill, decode and
# inference time histograms.
REQUEST_LATENCY_BUCKETS = (
    0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0,
    120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0,
)
TIME_TO_FIRST_TOKEN_BUCKETS = (
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5,
    10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0,
)


class VllmMetric(NamedTuple):
    """One vLLM metric family as its `/metrics` exposes it."""

    name: str
    kind: Literal["counter", "gauge", "histogram"]
    help: str
    unit: str
    buckets: tuple[float, ...] | None = None


VLLM_METRICS: tuple[VllmMetric, ...] = (
    VllmMetric("vllm:num_requests_running", "gauge",
               "Number of requests in model execution batches.", "requests"),
    VllmMetric("vllm:num_requests_waiting", "gauge",
               "Number of requests waiting to be processed.", "requests"),
    VllmMetric("vllm:kv_cache_usage_perc", "gauge",
               "KV-cache usage. 1 means 100 percent usage.", "ratio"),
    VllmMetric("vllm:gpu_cache_usage_perc", "gauge",
               "GPU KV-cache usage. 1 means 100 percent usage. The name before vLLM 0.9, "
               "deprecated since.", "ratio"),
    VllmMetric("vllm:prefix_cache_queries_total", "counter",
               "Prefix cache queries, in terms of number of queried tokens.", "tokens"),
    VllmMetric("vllm:prefix_cache_hits_total", "counter",
               "Prefix cache hits, in terms of number of cached tokens.", "tokens"),
    VllmMetric("vllm:num_preemptions_total", "counter",
               "Cumulative number of preemption from the engine.", "preemptions"),
    VllmMetric("vllm:request_queue_time_seconds", "histogram",
               "Histogram of time spent in WAITING phase for request.", "seconds",
               REQUEST_LATENCY_BUCKETS),
    VllmMetric("vllm:time_to_first_token_seconds", "histogram",
               "Histogram of time to first token in seconds.", "seconds",
               TIME_TO_FIRST_TOKEN_BUCKETS),
    VllmMetric("vllm:e2e_request_latency_seconds", "histogram",
               "Histogram of e2e request latency in seconds.", "seconds",
               REQUEST_LATENCY_BUCKETS),
)
