"""The report's KPI, waterfall and causes sections as blocks."""

from evaluators.value.report.blocks import Block, Bullets, Chart, Heading, Table, Text
from evaluators.value.report.document import Dimension, KpiLine, Report
from evaluators.value.report.numbers import formatted, signed

SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """The values as a line of block characters; a month without a value is a space."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    span = high - low or 1.0
    return "".join(" " if v is None else SPARKS[round((v - low) / span * (len(SPARKS) - 1))]
                   for v in values)


def _target(line: KpiLine) -> str:
    if line.scored_target is not None and line.scored_target != line.target:
        return (f"{formatted(line.scored_target, line.unit)} (month: "
                f"{formatted(line.target, line.unit)})")
    return formatted(line.target, line.unit)


def _kpi_row(line: KpiLine) -> tuple[str, ...]:
    return (line.kpi, formatted(line.value, line.unit), _target(line),
            formatted(line.score, "score"), signed(line.change, line.unit),
            sparkline(line.trend))


def _sources(dimension: Dimension) -> str:
    """Where the dimension's score comes from: its KPIs' weights and scores."""
    total = sum(line.weight for line in dimension.kpis if line.score is not None)
    parts = [f"{line.kpi} {formatted(line.score, 'score')} × "
             f"{line.weight / total if total else 0:.0%}" for line in dimension.kpis
             if line.score is not None]
    return "the weighted mean of " + ", ".join(parts) if parts else "no scored KPI"


def dimension_blocks(report: Report) -> list[Block]:
    """Each dimension: its weight and share of the value score, where its score comes from,
    and every KPI with value, target, change and twelve-month trend."""
    weights = sum(d.weight for d in report.dimensions if d.kpis)
    blocks: list[Block] = [Heading("Dimensions and KPIs")]
    first = report.trend_months[0] if report.trend_months else ""
    for dimension in report.dimensions:
        if not dimension.kpis:
            continue
        name = dimension.dimension.replace("_", " ")
        share = dimension.weight / weights if weights else 0.0
        blocks += [
            Heading(f"{name.capitalize()}: {formatted(dimension.score, 'score')}", 3),
            Text(f"Weight {dimension.weight:g} ({share:.0%} of the value score); last month "
                 f"{formatted(dimension.previous_score, 'score')}. Score: "
                 f"{_sources(dimension)}."),
            Chart(f"dimension_{dimension.dimension}",
                  f"Twelve-month trend of each KPI in {name} (target dashed)",
                  [f"{line.kpi}: {sparkline(line.trend)} target "
                   f"{formatted(line.target, line.unit)}" for line in dimension.kpis]),
            Table(("KPI", "value", "target", "score", "since last month",
                   f"trend from {first}"), [_kpi_row(line) for line in dimension.kpis]),
        ]
    return blocks


def waterfall_blocks(report: Report) -> list[Block]:
    """Value created, each cost, and the net."""
    waterfall = report.waterfall
    if waterfall is None:
        return []
    money = report.currency.lower()
    rows = [("value created", formatted(waterfall.value_created, money), "computed",
             "outcomes × baseline minutes × hourly cost, plus revenue outcomes")]
    rows += [(step.label, signed(step.amount, money), step.source, step.note)
             for step in waterfall.steps]
    rows.append(("net value", signed(waterfall.net, money), "computed",
                 "value created minus every cost"))
    return [
        Heading("From value created to net value"),
        Chart("waterfall", "Value waterfall",
              [f"{label}: {amount}" for label, amount, _, _ in rows]),
        Table(("step", "amount", "source", "how"), rows),
    ]


def causes_blocks(report: Report) -> list[Block]:
    """Per KPI that moved or missed: its mix and rate effects and the evidence behind it."""
    blocks: list[Block] = [Heading("Why KPIs moved")]
    if not report.causes:
        return [*blocks, Text("No KPI moved or missed with a cause valuewatch can show.")]
    for causes in report.causes:
        blocks += [Heading(causes.kpi.replace("_", " ").capitalize(), 3),
                   Bullets(causes.lines)]
    return blocks
