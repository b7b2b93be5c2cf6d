"""The value model: KPI kinds and the value config (`kinds`, `config`, `formula`), how
KPIs become scores and scorecards (`score`, `scorecard`, `coverage`, `periods`), and
their tables and persistence (`tables`, `store`).

Imports `metrics.types`, `metrics.store.upsert` and itself only; the evaluators compute
what it declares.
"""
