"""Queries on the LLM calls: rate, errors, latency, tokens, cost, outcomes."""

from prometheus_client.utils import floatToGoString

from metrics.catalog import spec
from metrics.queries.promql import BY_CALL, per_hour, quantile, ratio_or_zero, sum_rate

DURATION = spec("gen_ai_client_operation_duration_seconds").name
TOKENS = spec("gen_ai_client_token_usage").name
TIME_TO_FIRST_TOKEN = spec("gen_ai_server_time_to_first_token_seconds").name
TIME_PER_OUTPUT_TOKEN = spec("gen_ai_server_time_per_output_token_seconds").name
COST = spec("valuewatch_cost_usd_total").name
OUTCOMES = spec("valuewatch_outcomes_total").name
CALLS = f"{DURATION}_count"
FAILED = 'error_type!=""'
SUCCEEDED = 'error_type=""'  # ok calls carry no error_type label


def call_rate(*matchers: str, window: str, by: str = BY_CALL) -> str:
    """LLM calls per second by app and model."""
    return sum_rate(by, CALLS, *matchers, window=window)


def calls_per_hour(*matchers: str, window: str) -> str:
    """LLM calls an hour by app: adoption."""
    return per_hour(sum_rate("app", CALLS, *matchers, window=window))


def error_ratio(*matchers: str, window: str, by: str = BY_CALL) -> str:
    """Share of calls that failed (an `error_type` label is set); 0 when none did."""
    return ratio_or_zero(by, CALLS, FAILED, *matchers, window=window)


def errors_by_type(*matchers: str, window: str) -> str:
    """Failed calls per second by error type."""
    return sum_rate("error_type", CALLS, *matchers, FAILED, window=window)


def failed_rate(*matchers: str, window: str, by: str = "app") -> str:
    """Failed calls per second; 0, not nothing, where calls were made but none failed."""
    failed = sum_rate(by, CALLS, *matchers, FAILED, window=window)
    return f"{failed}\nor\n0 * {call_rate(*matchers, window=window, by=by)}"


def succeeded_rate(*matchers: str, window: str, by: str = "app") -> str:
    """Successful calls per second."""
    return sum_rate(by, CALLS, *matchers, SUCCEEDED, window=window)


def slow_rate(threshold_s: float, *matchers: str, window: str, by: str = "app") -> str:
    """Successful calls per second slower than `threshold_s`, which is a bucket boundary."""
    le = f'le="{floatToGoString(threshold_s)}"'
    fast = sum_rate(by, f"{DURATION}_bucket", *matchers, SUCCEEDED, le, window=window)
    return f"{succeeded_rate(*matchers, window=window, by=by)}\n-\n{fast}"


def duration_quantile(q: float, *matchers: str, window: str) -> str:
    """The q-quantile of call duration."""
    return quantile(q, DURATION, *matchers, window=window)


def time_to_first_token_quantile(q: float, *matchers: str, window: str) -> str:
    """The q-quantile of the time to the first token of streamed responses."""
    return quantile(q, TIME_TO_FIRST_TOKEN, *matchers, window=window)


def time_per_output_token_quantile(q: float, *matchers: str, window: str) -> str:
    """The q-quantile of the time per output token after the first."""
    return quantile(q, TIME_PER_OUTPUT_TOKEN, *matchers, window=window)


def token_rate(*matchers: str, window: str) -> str:
    """Input and output tokens per second."""
    return sum_rate("gen_ai_token_type", f"{TOKENS}_sum", *matchers, window=window)


def cost_per_hour(*matchers: str, window: str, by: str = BY_CALL, offset: str = "") -> str:
    """US dollars an hour at the rate of `window` (`offset` earlier when given)."""
    return per_hour(sum_rate(by, COST, *matchers, window=window, offset=offset))


def unpriced_call_rate(*matchers: str, window: str) -> str:
    """Calls per second whose cost is unknown: their model is not in the price table."""
    return sum_rate(BY_CALL, spec("valuewatch_unpriced_calls_total").name, *matchers,
                    window=window)


def outcomes_per_hour(*matchers: str, window: str) -> str:
    """Business outcomes reported an hour, by app and outcome."""
    return per_hour(sum_rate("app, outcome", OUTCOMES, *matchers, window=window))


def cost_spike(factor: float, min_usd_per_hour: float) -> str:
    """Alert: cost per hour per app, where it is `factor` times the same hour a week ago."""
    now = cost_per_hour(window="1h", by="app")
    week_ago = cost_per_hour(window="1h", by="app", offset="1w")
    return f"{now} > {factor:g} * ({week_ago})\nand\n{now} > {min_usd_per_hour:g}"
