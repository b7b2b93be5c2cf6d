"""Queries over the SLO recording rules: error ratios, budgets, burn rates."""

from metrics.conventions import (
    SLO_BUDGET_REMAINING,
    SLO_CURRENT_BURN_RATE,
    SLO_LABEL,
    sli_error_events,
    sli_error_ratio,
    sli_total_events,
)
from metrics.queries.promql import equals, series
from metrics.slo import SHORTEST_WINDOW, duration_seconds

# One minute: fine enough that the latest minutes count at once (a 5-minute step would wait
# for the next 5-minute boundary), coarse enough that a 3-day count reads 4,320 points.
EVENT_COUNT_STEP = "1m"


def slo_series(name: str, slo: str, *matchers: str) -> str:
    """A recording rule's series for one SLO."""
    return series(name, equals(SLO_LABEL, slo), *matchers)


def slo_among(slos: tuple[str, ...]) -> str:
    """The matcher of the series of any of `slos`."""
    return f'{SLO_LABEL}=~"{"|".join(slos)}"'


def ratio_of_sums(slo: str, window: str) -> str:
    """An SLO's error ratio over `window`: bad events over all events, both summed from the
    shortest window's rates, so a busy minute weighs more than a quiet one and an idle one
    adds nothing. Where the window saw no event there is no ratio, rather than NaN."""
    errors = slo_series(sli_error_events(SHORTEST_WINDOW), slo)
    total = slo_series(sli_total_events(SHORTEST_WINDOW), slo)
    if window == SHORTEST_WINDOW:
        return f"{errors}\n/\n({total} > 0)"
    return f"sum_over_time({errors}[{window}])\n/\n(sum_over_time({total}[{window}]) > 0)"


def error_events(slo: str, window: str) -> str:
    """About how many bad events an SLO counted over `window`: its 5-minute rate read once a
    minute (a subquery, so the count holds whatever the evaluation interval) and summed, each
    event counted once; a series younger than `window` counts only what it saw."""
    errors = slo_series(sli_error_events(SHORTEST_WINDOW), slo)
    return (f"sum_over_time({errors}[{window}:{EVENT_COUNT_STEP}]) "
            f"* {duration_seconds(EVENT_COUNT_STEP):g}")


def enough_error_events(slo: str, window: str, min_errors: int) -> str:
    """Where `window` holds at least `min_errors` bad events. The last five minutes' count
    alone can show it too: the subquery sees the current minute only at its end."""
    errors = slo_series(sli_error_events(SHORTEST_WINDOW), slo)
    recent = f"{errors} * {duration_seconds(SHORTEST_WINDOW):g}"
    return f"(\n{error_events(slo, window)} >= {min_errors}\nor\n{recent} >= {min_errors}\n)"


def constant(value: float) -> str:
    """A number as a one-series vector, for an SLO's metadata rules."""
    return f"vector({value:g})"


def burn_rate(error_ratio_rule: str, budget_rule: str, slo: str) -> str:
    """How many times faster than sustainable an SLO's error budget is burning."""
    return (f"{slo_series(error_ratio_rule, slo)}\n/ on ({SLO_LABEL}) group_left\n"
            f"{slo_series(budget_rule, slo)}")


def budget_remaining(period_burn_rate_rule: str, slo: str) -> str:
    """Share of the period's error budget not yet spent (negative once overspent)."""
    return f"1 - {slo_series(period_burn_rate_rule, slo)}"


def windows_burning(slo: str, long: str, short: str, factor: float, budget: float,
                    min_errors: int) -> str:
    """Alert: where both windows burn faster than `factor` and the long one holds at least
    `min_errors` bad events, the short window's ratio."""
    limit = f"({factor:g} * {budget:g})"
    return (f"{slo_series(sli_error_ratio(short), slo)} > {limit}\nand\n"
            f"{slo_series(sli_error_ratio(long), slo)} > {limit}\nand\n"
            f"{enough_error_events(slo, long, min_errors)}")


def attainment(period_days: int, *matchers: str) -> str:
    """Share of good calls over the SLO period, per app and SLO."""
    return f"1 - {series(sli_error_ratio(f'{period_days}d'), *matchers)}"


def budget_left(*matchers: str) -> str:
    """Share of each SLO's error budget left in the period, per app."""
    return series(SLO_BUDGET_REMAINING, *matchers)


def current_burn_rate(*matchers: str) -> str:
    """Each SLO's burn rate over the shortest window, per app."""
    return series(SLO_CURRENT_BURN_RATE, *matchers)
