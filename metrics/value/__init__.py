"""The value model: KPI kinds, each with the function that computes it from a month's
measures, and the value config (`kinds`, `measures`, `config`, `formula`), how KPIs
become scores and scorecards (`score`, `scorecard`, `coverage`, `periods`), and their
tables and persistence (`tables`, `store`).

Imports `metrics.types`, `metrics.catalog`, `metrics.store.upsert` and itself only; the
evaluators read the measures from the store and run the kinds.
"""
