"""Queries on the model server's own metrics: vLLM's queue, KV cache, latencies and
prefix cache, as vLLM exports them (see `metrics.vllm`).

vLLM labels its series with `model_name` (the served model name, which is what a call
reports as its response model) and `engine`; it has no `app` label.
"""

from metrics.catalog import spec
from metrics.queries.promql import quantile, series, sum_rate

RUNNING = spec("vllm:num_requests_running").name
WAITING = spec("vllm:num_requests_waiting").name
KV_CACHE_USAGE = spec("vllm:kv_cache_usage_perc").name
KV_CACHE_USAGE_BEFORE_0_9 = spec("vllm:gpu_cache_usage_perc").name
QUEUE_TIME = spec("vllm:request_queue_time_seconds").name
TIME_TO_FIRST_TOKEN = spec("vllm:time_to_first_token_seconds").name
E2E_LATENCY = spec("vllm:e2e_request_latency_seconds").name
MODEL_SELECTED = 'model_name=~"$model"'  # the dashboard's model variable
BY_SERVER = "instance, model_name"
QUEUE_TREND_WINDOW = "10m"


def requests(metric: str, *matchers: str) -> str:
    """Requests running or waiting (`metric`) in each vLLM server, all its engines together."""
    return f"sum by ({BY_SERVER}) ({series(spec(metric).name, *matchers)})"


def kv_cache_usage(*matchers: str) -> str:
    """Share of each engine's KV cache in use, under vLLM's current or older (< 0.9) name.

    vLLM 0.9 and later export both names with the same labels; `or` keeps one of them.
    """
    current = series(KV_CACHE_USAGE, *matchers)
    older = series(KV_CACHE_USAGE_BEFORE_0_9, *matchers)
    return f"max by ({BY_SERVER}, engine) ({current} or {older})"


def latency_quantile(q: float, histogram: str, *matchers: str, window: str) -> str:
    """The q-quantile of one of vLLM's time histograms (queue, first token, end to end)."""
    return quantile(q, spec(histogram).name, *matchers, window=window)


def prefix_cache_hit_ratio(*matchers: str, window: str) -> str:
    """Share of the prompt tokens looked up in the prefix cache that were found there."""
    hits = sum_rate("model_name", spec("vllm:prefix_cache_hits_total").name, *matchers,
                    window=window)
    queries = sum_rate("model_name", spec("vllm:prefix_cache_queries_total").name, *matchers,
                       window=window)
    return f"{hits}\n/\n{queries}"


def preemption_rate(*matchers: str, window: str) -> str:
    """Requests preempted per second (evicted from the batch, their KV cache freed)."""
    return sum_rate(BY_SERVER, spec("vllm:num_preemptions_total").name, *matchers,
                    window=window)


def queue_growing(limit: float) -> str:
    """Alert: requests waiting in a vLLM server, where over `limit` and not shrinking."""
    trend = f"sum by ({BY_SERVER}) (deriv({WAITING}[{QUEUE_TREND_WINDOW}]))"
    return f"{requests(WAITING)} > {limit:g}\nand\n{trend} >= 0"


def kv_cache_saturated(limit: float) -> str:
    """Alert: share of an engine's KV cache in use, where over `limit`."""
    return f"{kv_cache_usage()} > {limit:g}"
