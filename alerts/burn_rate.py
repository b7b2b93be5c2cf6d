"""Multiwindow, multi-burn-rate alerts on the SLO recording rules (SRE workbook, Sloth)."""

from alerts.rules import AlertRule, RuleGroup, alert
from metrics.queries import error_budget, promql
from metrics.slo import BURN_RATE_ALERTS, MIN_ERROR_EVENTS, SLO, BurnRateAlert


def burn_rate_alert(slo: SLO, burn: BurnRateAlert, period_days: int) -> AlertRule | None:
    """Fires while either window pair of `burn` burns the SLO's budget too fast. Only the
    pairs whose limit an error ratio can exceed are kept; None when neither is."""
    pairs = [pair for pair in burn.windows if pair.reachable(period_days, slo.error_budget)]
    if not pairs:
        return None
    factors = [pair.factor(period_days) for pair in pairs]
    conditions = [
        error_budget.windows_burning(slo.kind, pair.long, pair.short, factor, slo.error_budget,
                                     MIN_ERROR_EVENTS)
        for pair, factor in zip(pairs, factors, strict=True)
    ]
    speed = "fast" if burn.name_suffix == "FastBurn" else "steadily"
    name = slo.kind.replace("_", " ")
    rates = " or ".join(f"{f:g}x ({pair.long} and {pair.short})"
                        for pair, f in zip(pairs, factors, strict=True))
    lasts = " or ".join(_lasts(period_days / f) for f in factors)
    return alert(
        f"{slo.title}{burn.name_suffix}", burn.severity, promql.any_of(*conditions),
        summary=f"{{{{ $labels.app }}}} is burning its {name} error budget {speed}.",
        description=(
            f"{{{{ $value | humanizePercentage }}}} of {{{{ $labels.app }}}}'s {slo.bad_events} "
            f"over the last {' / '.join(p.short for p in pairs)}; the objective is "
            f"{slo.describe()} over {period_days} days. At {rates} the error budget is gone "
            f"in {lasts}."
        ),
    )


def burn_rate_group(slos: tuple[SLO, ...], period_days: int) -> RuleGroup:
    """A page and a ticket alert per SLO, but for those that could never fire."""
    made = (burn_rate_alert(slo, burn, period_days) for slo in slos for burn in BURN_RATE_ALERTS)
    return RuleGroup("valuewatch-slo-alerts", tuple(rule for rule in made if rule is not None))


def _lasts(days: float) -> str:
    return f"{days * 24:.0f} hours" if days < 1 else f"{days:.3g} days"
