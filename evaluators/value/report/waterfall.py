"""The value waterfall: value created, minus LLM spend, infrastructure, team and licences,
down to the net. GPU hours are measured from the daily resource rollups where GPUs
reported readings, and taken from the config otherwise."""

from datetime import datetime

from sqlalchemy import Connection, Table, func, select

from evaluators.value.days import DailyRows
from evaluators.value.report.document import Waterfall, WaterfallStep
from metrics.store.rollups import DailyResource
from metrics.value.config import ValueConfig

HOURS_PER_DAY = 24.0
GPU_METRIC_PREFIX = "valuewatch_gpu_"
_resource: Table = DailyResource.__table__  # type: ignore[attr-defined]


def gpu_days(connection: Connection, start: datetime, end: datetime) -> tuple[int, int]:
    """(GPU-days, hosts sampled): each GPU that reported a reading on a day counts for the
    day (GPUs are rented around the clock); hosts are those with any resource reading."""
    c = _resource.c
    between = (c.day >= start, c.day < end)
    gpus = connection.execute(
        select(c.day, c.host, c.device).where(*between, c.name.like(f"{GPU_METRIC_PREFIX}%"))
        .distinct()
    ).all()
    hosts = connection.execute(select(func.count(func.distinct(c.host))).where(*between)).scalar()
    return len(gpus), int(hosts or 0)


def infrastructure_step(connection: Connection, config: ValueConfig, start: datetime,
                        through: datetime, covered: float) -> WaterfallStep:
    """Configured infrastructure (prorated) plus GPU hours, measured where GPUs reported."""
    costs = config.costs
    fixed = costs.infrastructure_per_month * covered
    measured, hosts = gpu_days(connection, start, through)
    if measured:
        hours = measured * HOURS_PER_DAY
        source = "measured"
        note = (f"{measured} GPU-day(s) with readings in daily_resource = {hours:,.0f} GPU "
                f"hours × {costs.per_gpu_hour:g}; {costs.infrastructure_per_month:g} a month "
                "configured for the rest")
    else:
        hours = costs.gpus * (through - start).total_seconds() / 3600
        source = "configured"
        note = (f"{costs.gpus} GPU(s) configured × {hours / max(costs.gpus, 1):,.0f} h × "
                f"{costs.per_gpu_hour:g} and {costs.infrastructure_per_month:g} a month "
                f"configured; no GPU readings in daily_resource"
                + (f" ({hosts} host(s) sampled)" if hosts else ""))
    return WaterfallStep(label="infrastructure", amount=-(fixed + hours * costs.per_gpu_hour),
                         source=source, note=note)


def value_waterfall(connection: Connection, config: ValueConfig, days: DailyRows,
                    value_created: float | None, start: datetime, through: datetime,
                    covered: float) -> Waterfall:
    """The month's waterfall; monthly amounts × `covered`, the share of the month elapsed."""
    spend = sum(row["cost_usd"] for row in days.usage) * config.currency_per_usd
    costs = config.costs
    share = "" if covered >= 1 else f" × {covered:.1%} of the month"
    return Waterfall(value_created=value_created or 0.0, steps=[
        WaterfallStep(label="LLM spend", amount=-spend, source="measured",
                      note="token costs of the month's calls"),
        infrastructure_step(connection, config, start, through, covered),
        WaterfallStep(label="team", amount=-costs.team_per_month * covered,
                      source="configured", note=f"{costs.team_per_month:g} a month{share}"),
        WaterfallStep(label="licences", amount=-costs.licences_per_month * covered,
                      source="configured", note=f"{costs.licences_per_month:g} a month{share}"),
    ])
