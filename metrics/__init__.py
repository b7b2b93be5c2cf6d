"""The bottom floor, the single source of truth: it imports nothing else of valuewatch.

Here: the metric catalog (`catalog`, `conventions`, `instruments`), prices, settings, the
SLO model and monitoring config that alerts and dashboards are generated from, and the
PromQL they run (`queries/`); the database (`store/`, and its `migrations/`); the value
model (`value/`). `store` and `value` import only `metrics.types` of this floor.
"""
