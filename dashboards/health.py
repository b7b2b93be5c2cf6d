"""LLM production health, for SREs: traffic, errors, latency, tokens, cost, SLOs,
resources, the model server (vLLM), and valuewatch's own collector and evaluators."""

from grafanalib.core import Dashboard

from dashboards.model_server import model_server
from dashboards.panels import Query, Section, generated_dashboard, stat, timeseries, value_text
from dashboards.variables import app_and_model
from metrics.conventions import EVALUATOR_JOB_LABEL
from metrics.monitoring import MonitoringConfig
from metrics.queries import calls, error_budget, platform
from metrics.queries.promql import APP_SELECTED, CALLS_SELECTED, RATE_INTERVAL, or_zero

W = RATE_INTERVAL  # the range of every rate: Grafana's $__rate_interval
BY_CALL_LEGEND = "{{app}} / {{gen_ai_response_model}}"
NO_GPU = "no GPU: NVML sees none on the collector's host"
GPU = "GPU {{gpu}} {{instance}}"
QUANTILES = (0.5, 0.95, 0.99)


def traffic(config: MonitoringConfig) -> Section:
    """Calls, errors and latency."""
    sel = CALLS_SELECTED
    budget = config.slo("availability").error_budget
    latency = config.slo("latency").latency_threshold_s
    return Section("Traffic, errors and latency", [
        (timeseries("Calls per second", "reqps",
                    [Query(calls.call_rate(sel, window=W), BY_CALL_LEGEND)],
                    description="LLM calls recorded per second, by app and model."), 8),
        (timeseries("Error ratio", "percentunit",
                    [Query(calls.error_ratio(sel, window=W), BY_CALL_LEGEND)],
                    description="Share of calls that failed. The line is the availability "
                    "SLO's error budget.", thresholds=(("green", None), ("red", budget))), 8),
        (timeseries("Errors per second by type", "reqps",
                    [Query(calls.errors_by_type(sel, window=W), "{{error_type}}")],
                    description="Failed calls by error_type.",
                    no_value="no failed calls in this range"), 8),
        (timeseries("Call duration p50 / p95 / p99", "s", [
            Query(calls.duration_quantile(q, sel, window=W), f"p{q * 100:g}") for q in QUANTILES
        ], description="Duration of LLM calls. The line is the latency SLO's threshold; "
            "the points are exemplars, each a call's trace.",
            thresholds=(("green", None), ("red", latency)), exemplars=True), 8),
        (timeseries("Time to first token p50 / p95", "s", [
            Query(calls.time_to_first_token_quantile(q, sel, window=W), f"p{q * 100:g}")
            for q in QUANTILES[:2]
        ], description="Time until the first token of streamed responses; the points are "
            "exemplars, each a call's trace.",
            no_value="no streamed calls (ttft_s) in this range", exemplars=True), 8),
        (timeseries("Time per output token p50 / p95", "s", [
            Query(calls.time_per_output_token_quantile(q, sel, window=W), f"p{q * 100:g}")
            for q in QUANTILES[:2]
        ], description="Time per output token after the first: decoding speed.",
            no_value="no streamed calls (ttft_s) in this range"), 8),
    ])


def usage(config: MonitoringConfig) -> Section:
    """Tokens, cost and the SLOs."""
    period = config.period_days
    return Section("Tokens, cost and SLOs", [
        (timeseries("Tokens per second", "suffix: tokens/s",
                    [Query(calls.token_rate(CALLS_SELECTED, window=W), "{{gen_ai_token_type}}")],
                    description="Input and output tokens processed per second."), 8),
        (timeseries("Cost per hour", "currencyUSD",
                    [Query(calls.cost_per_hour(CALLS_SELECTED, window=W), BY_CALL_LEGEND)],
                    description="US dollars an hour at the current rate, from the client's "
                    "cost or the price table."), 8),
        (timeseries("Error budget burn rate", "suffix:x",
                    [Query(error_budget.current_burn_rate(APP_SELECTED), "{{app}} {{slo}}")],
                    description="How many times faster than sustainable each SLO's budget "
                    "burns (last 5 minutes). 14.4 and 6 page; 3 and 1 open tickets.",
                    thresholds=(("green", None), ("orange", 1.0), ("red", 14.4))), 8),
        (stat(f"SLO attainment over {period} days", "percentunit",
              [Query(error_budget.attainment(period, APP_SELECTED), "{{app}} {{slo}}")],
              description="Share of good events (calls, graded calls, feedback) over the "
              "SLO period. Objectives: "
              + "; ".join(slo.describe() for slo in config.slos) + "."), 12),
        (stat("Error budget remaining", "percentunit",
              [Query(error_budget.budget_left(APP_SELECTED), "{{app}} {{slo}}")],
              description=f"Share of each SLO's {period}-day error budget not yet spent.",
              thresholds=(("red", None), ("orange", 0.0), ("green", 0.25))), 12),
    ])


def resources(config: MonitoringConfig) -> Section:
    """CPU, memory and GPUs of the host the collector samples."""
    gpu_saturation = config.thresholds.gpu_memory_saturation
    return Section("CPU, memory and GPU", [
        (timeseries("CPU busy", "percentunit", [
            Query(platform.per_instance("valuewatch_host_cpu_utilization_ratio"),
                  "host {{instance}}"),
            Query(platform.per_instance("valuewatch_process_cpu_utilization_ratio"),
                  "model process {{instance}}"),
        ], description="CPU busy time of the host and of the watched (model server) "
            "process, as a share of all the host's CPUs."), 6),
        (timeseries("Memory", "bytes", [
            Query(platform.per_instance("valuewatch_host_memory_used_bytes"), "used {{instance}}"),
            Query(platform.per_instance("valuewatch_host_memory_total_bytes"),
                  "total {{instance}}"),
            Query(platform.per_instance("valuewatch_process_resident_memory_bytes"),
                  "model process {{instance}}"),
        ], description="Memory in use on the host (or its container's limit), and the "
            "watched process' resident memory.", dashed=(1,)), 6),
        (timeseries("GPU busy", "percentunit",
                    [Query(platform.per_gpu("valuewatch_gpu_utilization_ratio"), GPU)],
                    description="Share of time each GPU ran kernels (NVML).", no_value=NO_GPU), 6),
        (timeseries("GPU memory in use", "percentunit",
                    [Query(platform.gpu_memory_ratio(), GPU),
                     Query(platform.process_gpu_memory_ratio(), "model process " + GPU)],
                    description="Share of each GPU's memory in use, and the share the "
                    "watched model server holds. The line is the saturation alert's "
                    "threshold.", no_value=NO_GPU,
                    thresholds=(("green", None), ("red", gpu_saturation))), 6),
        (timeseries("GPU power", "watt",
                    [Query(platform.per_gpu("valuewatch_gpu_power_watts"), GPU)],
                    description="Power drawn by each GPU.", no_value=NO_GPU), 12),
        (timeseries("GPU temperature", "celsius",
                    [Query(platform.per_gpu("valuewatch_gpu_temperature_celsius"), GPU)],
                    description="Core temperature of each GPU.", no_value=NO_GPU), 12),
    ])


def valuewatch_itself(config: MonitoringConfig) -> Section:
    """The collector's ingest and the evaluators' freshness."""
    jobs = (config.collector_job, config.evaluator_job)
    return Section("valuewatch collector and evaluators", [
        (timeseries("Records received", "suffix: records/s",
                    [Query(platform.ingest_by_result(W), "{{kind}} {{result}}")],
                    description="Records by kind and result: accepted, duplicate (a repeated "
                    "id, stored once) or rejected (invalid)."), 8),
        (timeseries("Requests refused (503)", "reqps",
                    [Query(or_zero(platform.ingest_overload_rate(W)), "{{reason}}")],
                    description="Ingest refused because the write queue was full or the "
                    "database down; 0 until the first."), 8),
        (timeseries("Write queue", "suffix: rows",
                    [Query(platform.per_instance("valuewatch_ingest_queue_rows"), "{{instance}}")],
                    description="Rows waiting to be committed to the database."), 8),
        (timeseries("Group commit p99", "s",
                    [Query(platform.commit_duration_quantile(0.99, W), "p99")],
                    description="Time to commit one group of rows (99th percentile)."), 8),
        (timeseries("Evaluator result age", "s",
                    [Query(platform.evaluator_age(), "{{" + EVALUATOR_JOB_LABEL + "}}")],
                    description="Seconds since each evaluator job last succeeded. Drift runs "
                    "hourly, accuracy and feedback every 5 minutes, rollup and retention daily."),
         8),
        (timeseries("OTLP received", "suffix: /s",
                    [Query(or_zero(platform.otlp_span_rate(W)), "spans {{result}}"),
                     Query(or_zero(platform.otlp_log_record_rate(W)), "log records {{result}}")],
                    description="Spans (/v1/traces and gRPC): GenAI spans accepted, duplicate "
                    "or rejected; other spans ignored. Log records (/v1/logs and gRPC): "
                    "evaluation events likewise; other records ignored. 0 until the first."),
         8),
        (timeseries("Calls without a price", "reqps",
                    [Query(or_zero(calls.unpriced_call_rate(CALLS_SELECTED, window=W)),
                           BY_CALL_LEGEND)],
                    description="Calls whose model is not in the price table and that "
                    "carried no cost: their cost counts as 0. 0 until the first."), 8),
        (timeseries("Label values folded into other", "suffix: values/s",
                    [Query(or_zero(platform.label_overflow_rate(W)), "{{label}}")],
                    description="New label values past the cap (VALUEWATCH_LABEL_VALUE_LIMIT) "
                    "are exported as `other`. 0 until the first."), 8),
        (stat("Scrape targets up", "bool_yes_no",
              [Query(platform.targets_up(jobs), "{{job}} {{instance}}")],
              description="Whether Prometheus reached each collector and evaluator target.",
              thresholds=(("red", None), ("green", 1.0)),
              mappings=(value_text(1, "up", "green"), value_text(0, "down", "red")),
              no_value="no target: check the scrape config"), 8),
    ])


def health_dashboard(config: MonitoringConfig) -> Dashboard:
    """The LLM production health dashboard."""
    return generated_dashboard(
        "LLM production health", "llm-health", "Is the model healthy in production?",
        app_and_model(), traffic(config), usage(config), resources(config),
        model_server(config), valuewatch_itself(config),
    )
