"""Value: KPI measures read from the daily rollups (`days`, `totals`, `measures`), the KPI
kinds' functions (`kinds`), scorecards (`scorecard`, `job`), their Prometheus export
(`export`) and the monthly report (`report/`).
"""
