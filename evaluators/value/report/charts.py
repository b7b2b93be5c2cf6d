"""The report's charts, drawn with matplotlib's Agg canvas (no display, no pyplot state
shared between threads): SVG for the HTML page, PNG for the PDF."""

import io
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from evaluators.value.report.blocks import Block, Chart
from evaluators.value.report.document import KpiLine, LongTerm, Report, Waterfall

DPI = 100
SCORE_COLOUR, TARGET_COLOUR, COST_COLOUR = "#2b6cb0", "#2f855a", "#c05621"
COLUMNS = 3


@dataclass(frozen=True)
class Drawn:
    """One chart in both forms."""

    png: bytes
    svg: bytes


def _drawn(figure: Figure) -> Drawn:
    FigureCanvasAgg(figure)
    figure.tight_layout()
    png, svg = io.BytesIO(), io.BytesIO()
    figure.savefig(png, format="png", dpi=DPI)
    figure.savefig(svg, format="svg")
    return Drawn(png.getvalue(), svg.getvalue())


def kpi_trends(lines: list[KpiLine], months: list[str]) -> Drawn:
    """One small line chart per KPI: its value each month, its target as a dashed line."""
    rows = -(-len(lines) // COLUMNS)
    figure = Figure(figsize=(7.5, 1.9 * rows))
    labels = [month[2:] for month in months]
    for index, line in enumerate(lines):
        axes = figure.add_subplot(rows, COLUMNS, index + 1)
        points = [(i, v) for i, v in enumerate(line.trend) if v is not None]
        if points:
            axes.plot([i for i, _ in points], [v for _, v in points], color=SCORE_COLOUR,
                      marker="o", markersize=3)
        axes.axhline(line.target, color=TARGET_COLOUR, linewidth=1, linestyle="--")
        axes.set_title(f"{line.kpi} ({line.unit})", fontsize=8)
        axes.set_xticks(range(len(labels))[::3], labels[::3], fontsize=6)
        axes.tick_params(axis="y", labelsize=6)
    return _drawn(figure)


def waterfall_chart(waterfall: Waterfall) -> Drawn:
    """Value created as a bar, each cost stepping down from it, the net at the end."""
    figure = Figure(figsize=(6.5, 2.8))
    axes = figure.add_subplot()
    labels = ["value created", *(step.label for step in waterfall.steps), "net"]
    level = waterfall.value_created
    axes.bar(0, level, color=SCORE_COLOUR)
    for index, step in enumerate(waterfall.steps, start=1):
        axes.bar(index, step.amount, bottom=level, color=COST_COLOUR)
        level += step.amount
    axes.bar(len(labels) - 1, waterfall.net,
             color=TARGET_COLOUR if waterfall.net >= 0 else COST_COLOUR)
    axes.axhline(0, color="black", linewidth=0.6)
    axes.set_xticks(range(len(labels)), labels, fontsize=7)
    axes.tick_params(axis="y", labelsize=7)
    return _drawn(figure)


def trend_chart(long_term: LongTerm) -> Drawn:
    """Value created and cost per month as bars, the value score as a line."""
    figure = Figure(figsize=(6.5, 2.6))
    axes = figure.add_subplot()
    months = [point.month for point in long_term.months]
    positions = range(len(months))
    axes.bar([p - 0.2 for p in positions], [p.value_created or 0 for p in long_term.months],
             width=0.4, color=SCORE_COLOUR, label="value created")
    axes.bar([p + 0.2 for p in positions], [p.total_cost or 0 for p in long_term.months],
             width=0.4, color=COST_COLOUR, label="total cost")
    axes.set_xticks(list(positions), months, fontsize=7, rotation=45)
    axes.legend(fontsize=7, loc="upper left")
    score = axes.twinx()
    score.plot(list(positions), [p.value_score or 0 for p in long_term.months], color="black",
               marker="o", label="value score")
    score.set_ylim(0, 105)
    score.set_ylabel("value score", fontsize=8)
    return _drawn(figure)


def report_charts(report: Report, blocks: list[Block]) -> dict[str, Drawn]:
    """Every chart the report's layout (`blocks`) asks for, by key."""
    dimensions = {f"dimension_{d.dimension}": d.kpis for d in report.dimensions}
    charts: dict[str, Drawn] = {}
    for block in blocks:
        if not isinstance(block, Chart):
            continue
        if block.key == "trend":
            charts[block.key] = trend_chart(report.long_term)
        elif block.key == "waterfall" and report.waterfall is not None:
            charts[block.key] = waterfall_chart(report.waterfall)
        elif dimensions.get(block.key):
            charts[block.key] = kpi_trends(dimensions[block.key], report.trend_months)
    return charts
