"""The health dashboard's "Model server (vLLM)" row: vLLM's own queue, KV cache,
latencies, prefix cache and preemptions, for the models the dashboard's variable picks."""

from dashboards.panels import Query, Section, timeseries
from metrics.monitoring import MonitoringConfig
from metrics.queries import model_server as vllm
from metrics.queries.promql import RATE_INTERVAL as W

SEL = vllm.MODEL_SELECTED
NO_VLLM = "no vLLM: no model server's /metrics is scraped, or it serves none of these models"
SERVER = "{{model_name}} {{instance}}"
QUANTILES = (0.5, 0.95)


def _quantiles(histogram: str, qs: tuple[float, ...] = QUANTILES) -> list[Query]:
    return [Query(vllm.latency_quantile(q, histogram, SEL, window=W), f"p{q * 100:g}")
            for q in qs]


def model_server(config: MonitoringConfig) -> Section:
    """vLLM's scheduler, KV cache and request timings, filtered by the model variable."""
    limits = config.thresholds
    return Section("Model server (vLLM)", [
        (timeseries("vLLM requests running and waiting", "suffix: requests", [
            Query(vllm.requests(vllm.RUNNING, SEL), f"running {SERVER}"),
            Query(vllm.requests(vllm.WAITING, SEL), f"waiting {SERVER}"),
        ], description="Requests in the running batch and in the queue of each vLLM server "
            "(its engines together). The line is the queue alert's threshold. vLLM has no "
            "app label: the app variable does not filter this row.", dashed=(1,),
            thresholds=(("green", None), ("red", limits.vllm_waiting_requests)),
            no_value=NO_VLLM), 8),
        (timeseries("vLLM KV cache in use", "percentunit",
                    [Query(vllm.kv_cache_usage(SEL), f"{SERVER} engine {{{{engine}}}}")],
                    description="Share of each engine's KV cache in use "
                    "(vllm:kv_cache_usage_perc, or vllm:gpu_cache_usage_perc before 0.9). "
                    "Near 1, vLLM preempts requests. The line is the saturation alert's "
                    "threshold.", no_value=NO_VLLM,
                    thresholds=(("green", None), ("red", limits.vllm_kv_cache_saturation))), 8),
        (timeseries("vLLM preemptions per second", "suffix: preemptions/s",
                    [Query(vllm.preemption_rate(SEL, window=W), SERVER)],
                    description="Requests evicted from the batch to free KV cache; they "
                    "are recomputed later, so their latency grows.", no_value=NO_VLLM), 8),
        (timeseries("vLLM queue time p50 / p95", "s", _quantiles(vllm.QUEUE_TIME),
                    description="Time requests spent waiting before vLLM scheduled them.",
                    no_value=NO_VLLM), 6),
        (timeseries("vLLM time to first token p50 / p95", "s",
                    _quantiles(vllm.TIME_TO_FIRST_TOKEN),
                    description="Time to first token measured by vLLM, queue included; "
                    "beside the client's in the row above, the gap is the network and the "
                    "app.", no_value=NO_VLLM), 6),
        (timeseries("vLLM end-to-end latency p50 / p95 / p99", "s",
                    _quantiles(vllm.E2E_LATENCY, (0.5, 0.95, 0.99)),
                    description="Time from a request's arrival in vLLM to its last token.",
                    no_value=NO_VLLM), 6),
        (timeseries("vLLM prefix cache hit ratio", "percentunit",
                    [Query(vllm.prefix_cache_hit_ratio(SEL, window=W), "{{model_name}}")],
                    description="Share of prompt tokens found in the prefix cache, so not "
                    "computed again. Empty while no prompt arrives, and before vLLM 0.9 "
                    "(vllm:gpu_prefix_cache_* then).", no_value=NO_VLLM), 6),
    ])
