"""Gathering the monthly value report from the store."""

from datetime import datetime

import numpy as np
from sqlalchemy import Connection

from evaluators.value.measures import PeriodCache
from evaluators.value.report.actions import recommended_actions
from evaluators.value.report.breakdown import breakdowns
from evaluators.value.report.causes import all_causes
from evaluators.value.report.document import (
    Assessment,
    Dimension,
    KpiLine,
    LongTerm,
    MonthPoint,
    Report,
    Summary,
)
from evaluators.value.report.emerging import emerging_use_cases
from evaluators.value.report.evidence import drift_windows
from evaluators.value.report.expectations import expectations
from evaluators.value.report.fairness import fairness_lines
from evaluators.value.report.incidents import alert_lines, error_spikes
from evaluators.value.report.quality import accuracy_lines, drift_lines
from evaluators.value.report.themes import emerging_themes
from evaluators.value.report.waterfall import value_waterfall
from evaluators.value.scorecard import month_scorecard
from metrics.value.config import ValueConfig
from metrics.value.kinds import VOLUME_KINDS
from metrics.value.periods import Month
from metrics.value.scorecard import KpiResult, Scorecard
from metrics.value.store import latest_assessments

TREND_MONTHS = 12
MOVERS = 3


def build_report(connection: Connection, config: ValueConfig, month: Month, *,
                 now: datetime) -> Report:
    """The report of `month` with what is stored at `now` (month to date while it is open);
    reads only. ValueError when the month has not begun."""
    return gather_report(connection, config, month, now=now)[0]


def gather_report(connection: Connection, config: ValueConfig, month: Month, *,
                  now: datetime) -> tuple[Report, Scorecard, bool]:
    """The report of `month`, its scorecard, and whether that differs from the stored one.

    Nothing is written: the caller stores the card and the rendered report together in
    one short transaction. Final months before it are read as stored.
    """
    if month.start > now:
        raise ValueError(f"{month} has not begun yet")
    cache = PeriodCache()
    cards: dict[Month, Scorecard] = {}
    changed = False
    for back in range(TREND_MONTHS - 1, -1, -1):
        shown = month.shifted(-back)
        cards[shown], changed = month_scorecard(connection, config, shown, now=now,
                                                cache=cache)
    card, previous = cards[month], cards[month.previous()]
    if not previous.has_data():  # a month before any data has no KPIs to compare with
        previous = Scorecard(previous.month, previous.through, previous.final, (), {})
    days = cache.daily_rows(connection, month.start, card.through)
    before = [cache.daily_rows(connection, m.start, m.end) for m in
              (month.shifted(-1), month.shifted(-2), month.shifted(-3))]
    share = None if card.final else _share(card)
    volume = {kpi.name for kpi in config.kpis if kpi.kind in VOLUME_KINDS}
    lines = [_line(kpi, previous, list(cards.values()), share if kpi.kpi in volume else None)
             for kpi in card.kpis]
    found = breakdowns(connection, config, month, days, before[0])
    over, under = expectations(lines)
    report = Report(
        month=str(month), final=card.final, through=card.through, generated_at=now,
        currency=config.currency,
        has_data=card.has_data(),
        revision=card.revision, revision_reason=card.revision_reason,
        status="revised" if card.revision > 1 else "final" if card.final else "draft",
        trend_months=[str(shown) for shown in cards],
        coverage=card.coverage,
        prorated_share=share,
        summary=_summary(card, previous, lines,
                         sum(row["unpriced_calls"] for row in days.usage)),
        dimensions=[
            Dimension(dimension=name, weight=weight, score=card.scores.get(name),
                      previous_score=previous.scores.get(name),
                      kpis=[line for line in lines if line.dimension == name])
            for name, weight in config.dimensions.items()
        ],
        long_term=_long_term(list(cards.values())),
        breakdowns=found, over_expectation=over, under_expectation=under,
        accuracy=accuracy_lines(connection, month, days), drift=drift_lines(connection, month),
        fairness=fairness_lines(connection, month),
        alerts=alert_lines(connection, month), error_spikes=error_spikes(days),
        emerging_use_cases=emerging_use_cases(days, before[0], before[1:]),
        emerging_themes=emerging_themes(connection, month, card.through),
        assessments=[
            Assessment(name=name, score=entry["score"], note=entry["note"])
            for name, entry in latest_assessments(connection, month).items()
        ],
        actions=[],
    )
    report.causes = all_causes(report, config, days, before[0], drift_windows(connection, month),
                               month)
    report.waterfall = value_waterfall(connection, config, days, card.value("value_created"),
                                       month.start, card.through, 1.0 if share is None else share)
    report.actions = recommended_actions(report, config)
    return report, card, changed


def _share(card: Scorecard) -> float:
    return (card.through - card.month.start) / (card.month.end - card.month.start)


def _starts_late(card: Scorecard) -> bool:
    """Whether the card's data begins after the month's first day: not a whole month."""
    coverage = card.coverage
    return coverage is not None and coverage.first_day is not None and (
        coverage.first_day > card.month.start)


def _line(kpi: KpiResult, previous: Scorecard, cards: list[Scorecard],
          share: float | None) -> KpiLine:
    """The KPI with last month, its twelve-month trend, and (for a volume KPI of an open
    month) the prorated target it is scored against."""
    before = previous.kpi(kpi.kpi)
    return KpiLine(
        **kpi.model_dump(),
        previous=None if before is None else before.value,
        previous_score=None if before is None else before.score,
        scored_target=kpi.target * share if share is not None else kpi.target,
        trend=[card.value(kpi.kpi) for card in cards],
    )


def _summary(
    card: Scorecard, previous: Scorecard, lines: list[KpiLine], unpriced_calls: int
) -> Summary:
    # A month whose data begins late is not compared with a whole one: its volume
    # KPIs would move by the missing days, not by what changed.
    whole = not (_starts_late(card) or _starts_late(previous))
    moved = [line for line in lines if line.score_change and whole]
    moved.sort(key=lambda line: (-abs(line.score_change or 0.0), line.kpi))
    return Summary(
        value_score=card.overall, previous_value_score=previous.overall,
        roi=card.value("roi"), value_created=card.value("value_created"),
        total_cost=card.value("total_cost"), movers=moved[:MOVERS],
        unpriced_calls=unpriced_calls,
    )


def _long_term(cards: list[Scorecard]) -> LongTerm:
    shown = [card for card in cards if card.has_data()]
    points = [
        MonthPoint(month=str(card.month), value_score=card.overall,
                   value_created=card.value("value_created"),
                   total_cost=card.value("total_cost"))
        for card in shown
    ]
    value = sum(point.value_created or 0.0 for point in points)
    cost = sum(point.total_cost or 0.0 for point in points)
    scored = [(index, card.overall) for index, card in enumerate(cards)
              if card.has_data() and card.overall is not None]
    slope = None
    if len(scored) >= 3:
        slope = float(np.polyfit([i for i, _ in scored], [s for _, s in scored], 1)[0])
    return LongTerm(
        months=points, cumulative_value=value, cumulative_cost=cost,
        cumulative_roi=(value - cost) / cost if cost else None,
        value_score_trend_per_month=slope,
    )
