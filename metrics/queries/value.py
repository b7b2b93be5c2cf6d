"""Queries on business value: the value score, KPIs and their targets."""

from metrics.catalog import spec
from metrics.queries.promql import APP_SELECTED, equals, gauge

VALUE_SCORE = spec("valuewatch_value_score").name
KPI_VALUE = spec("valuewatch_kpi_value").name
KPI_TARGET = spec("valuewatch_kpi_target").name
KPI_SCORE = spec("valuewatch_kpi_score").name
DATA_COVERAGE = spec("valuewatch_value_data_coverage_ratio").name
TOPIC_SHARE = spec("valuewatch_topic_share").name
OVERALL = "overall"  # the dimension holding the weighted total


def overall_value_score() -> str:
    """The weighted value score, 0 to 100, of the month to date."""
    return gauge(VALUE_SCORE, equals("dimension", OVERALL), by="dimension")


def value_score_by_dimension() -> str:
    """The value score of each dimension (financial, efficiency, ...), 0 to 100."""
    return gauge(VALUE_SCORE, f'dimension!="{OVERALL}"', by="dimension")


def kpi(*names: str) -> str:
    """The month-to-date value of the KPIs called `names`."""
    return gauge(KPI_VALUE, f'kpi=~"{"|".join(names)}"', by="kpi, unit")


def kpi_scores() -> str:
    """Every KPI scored 0 to 100 against its target (100 is on target or better)."""
    return gauge(KPI_SCORE, by="kpi")


def kpi_against_target() -> str:
    """Each KPI's value as a share of its target (whether higher or lower is better)."""
    by = "kpi"
    return f"{gauge(KPI_VALUE, by=by)}\n/\n{gauge(KPI_TARGET, by=by)}"


def data_coverage() -> str:
    """The share of the month to date's days that have data (below 1: a partial month)."""
    return gauge(DATA_COVERAGE, by="period")


def theme_shares() -> str:
    """Each theme's share of the selected apps' calls in its newest day, with its status."""
    return gauge(TOPIC_SHARE, APP_SELECTED, by="app, topic, status")
