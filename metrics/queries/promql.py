"""Building blocks of the queries: selectors, summed rates, ratios, quantiles, gauges."""

RATE_INTERVAL = "$__rate_interval"  # Grafana's range for rate(): at least four scrapes
CALLS_SELECTED = 'app=~"$app", gen_ai_response_model=~"$model"'  # the dashboard variables
APP_SELECTED = 'app=~"$app"'
BY_CALL = "app, gen_ai_response_model"


def series(metric: str, *matchers: str) -> str:
    """A selector: `metric{m1, m2}`, or the bare name when no matcher is given."""
    inside = ", ".join(m for m in matchers if m)
    return f"{metric}{{{inside}}}" if inside else metric


def equals(label: str, value: str) -> str:
    """The matcher `label="value"`."""
    return f'{label}="{value}"'


def sum_rate(by: str, metric: str, *matchers: str, window: str, offset: str = "") -> str:
    """The per-second rate of a counter (or histogram series), summed by `by` labels."""
    shifted = f" offset {offset}" if offset else ""
    grouping = f" by ({by})" if by else ""
    return f"sum{grouping} (rate({series(metric, *matchers)}[{window}]{shifted}))"


def per_hour(rate: str) -> str:
    """A per-second rate as a rate per hour."""
    return f"{rate} * 3600"


def ratio_or_zero(by: str, metric: str, part: str, *matchers: str, window: str) -> str:
    """The share of a counter's rate that matches `part`; 0, not nothing, when none does."""
    whole = sum_rate(by, metric, *matchers, window=window)
    some = sum_rate(by, metric, *matchers, part, window=window)
    return f"({some} or 0 * {whole})\n/\n{whole}"


def quantile(q: float, histogram: str, *matchers: str, window: str) -> str:
    """The q-quantile of a histogram over `window`, across every selected series."""
    buckets = sum_rate("le", f"{histogram}_bucket", *matchers, window=window)
    return f"histogram_quantile({q:g}, {buckets})"


def gauge(metric: str, *matchers: str, by: str) -> str:
    """A gauge read from every replica that exports it, once per `by` group."""
    return f"max by ({by}) ({series(metric, *matchers)})"


def mean_over(metric: str, *matchers: str, by: str, window: str) -> str:
    """A gauge's mean over `window`, once per `by` group."""
    return f"max by ({by}) (avg_over_time({series(metric, *matchers)}[{window}]))"


def any_of(*conditions: str) -> str:
    """Each condition parenthesised and joined with `or`."""
    return "\nor\n".join(f"(\n{c}\n)" for c in conditions)


def or_zero(query: str) -> str:
    """`query`, or 0 where it has no series: for counters that appear at their first event."""
    return f"{query}\nor\nvector(0)"


def label_values(metric: str, label: str, *matchers: str) -> str:
    """A Grafana variable query: the values `label` takes on `metric`."""
    return f"label_values({series(metric, *matchers)}, {label})"
