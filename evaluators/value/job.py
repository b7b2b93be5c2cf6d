"""The scheduled KPI job: the scorecard of the month to date, every hour."""

from sqlalchemy import Connection

from evaluators.value.scorecard import refresh_scorecard
from evaluators.windows import Window
from metrics.value.config import ValueConfig
from metrics.value.periods import Month


def evaluate_kpis(connection: Connection, window: Window, *, config: ValueConfig) -> int:
    """Store the scorecard of the month `window` falls in, up to the window's end.

    The window that ends at midnight on the first of a month belongs to the month
    before, so that month's final scorecard is stored as it closes.
    """
    card = refresh_scorecard(
        connection, config, Month.containing(window.start), now=window.end
    )
    return len(card.kpis) + len(card.scores)
