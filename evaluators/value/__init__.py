"""Value: KPI measures read from the daily rollups (`days`, `totals`, `measures`),
scorecards computed with the kinds of `metrics.value.kinds` (`scorecard`, `job`), their
Prometheus export (`export`) and the monthly report (`report/`).
"""
