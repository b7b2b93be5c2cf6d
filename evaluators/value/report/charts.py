"""The report's charts as PNG, drawn with matplotlib's Agg canvas (no display, no pyplot
state shared between threads)."""

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from evaluators.value.report.document import LongTerm, Report
from evaluators.value.report.layout import Block, Chart

DPI = 100
SCORE_COLOUR, PREVIOUS_COLOUR, COST_COLOUR = "#2b6cb0", "#a0aec0", "#c05621"


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def score_chart(bars: list[tuple[str, float | None]]) -> bytes:
    """Horizontal bars of 0-100 scores, target (100) marked."""
    figure = Figure(figsize=(5.5, 0.35 * len(bars) + 0.8))
    axes = figure.add_subplot()
    labels = [label for label, _ in bars][::-1]
    values = [score or 0.0 for _, score in bars][::-1]
    axes.barh(labels, values, color=SCORE_COLOUR, height=0.6)
    axes.axvline(100, color="#2f855a", linewidth=1, linestyle="--")
    axes.set_xlim(0, 105)
    axes.set_xlabel("score (100 = target met)")
    axes.tick_params(labelsize=8)
    return _png(figure)


def trend_chart(long_term: LongTerm) -> bytes:
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
    return _png(figure)


def report_charts(report: Report, blocks: list[Block]) -> dict[str, bytes]:
    """Every chart the report's layout (`blocks`) asks for, by key."""
    charts: dict[str, bytes] = {}
    for block in blocks:
        if isinstance(block, Chart):
            charts[block.key] = (
                trend_chart(report.long_term) if block.key == "trend" else score_chart(block.bars)
            )
    return charts
