"""Alerts on the model server's own metrics (vLLM): a queue that keeps growing, a KV cache
that stays full."""

from alerts.rules import RuleGroup, alert
from metrics.conventions import TICKET
from metrics.monitoring import MonitoringConfig
from metrics.queries import model_server

SERVER = "vLLM {{ $labels.instance }} ({{ $labels.model_name }})"


def model_server_group(config: MonitoringConfig) -> RuleGroup:
    """vLLM's waiting queue above its limit and not shrinking, its KV cache near full."""
    limits = config.thresholds
    waiting, kv = limits.vllm_waiting_requests, limits.vllm_kv_cache_saturation
    return RuleGroup("valuewatch-model-server", (
        alert("VllmQueueGrowing", TICKET, model_server.queue_growing(waiting), for_="10m",
              summary=f"{SERVER} has {{{{ $value }}}} requests waiting, and the queue is not "
              "shrinking.",
              description=f"More than {waiting:g} requests have waited for 10 minutes without "
              f"the queue shrinking ({model_server.QUEUE_TREND_WINDOW} trend): the server "
              "is at capacity, and every queued request's time to first token grows."),
        alert("VllmKvCacheSaturated", TICKET, model_server.kv_cache_saturated(kv), for_="15m",
              summary=f"{SERVER} engine {{{{ $labels.engine }}}} has "
              "{{ $value | humanizePercentage }} of its KV cache in use.",
              description=f"Over {kv * 100:.10g}% for 15 minutes: vLLM preempts running "
              "requests to make room, which recomputes them and slows them down."),
    ))
