"""Scheduled evaluator jobs, from stored records to results, KPIs and the monthly report.

At this level the machinery every job shares: `jobs` (what runs, how often), `scheduler`,
`runner`, `lock`, `run_state`, `windows`, `staleness` (late records), `results` and
`exporter` (results as Prometheus gauges), and `signals` (what is measured, from which
table). Beneath it, one package per domain:

- `stats/`: pure statistics; imports nothing of valuewatch.
- `drift/`: the drift evaluator; uses `stats`.
- `quality/`: accuracy and feedback with confidence intervals, and feedback as preference
  data; uses `stats`.
- `upkeep/`: daily rollups and retention.
- `value/`: KPIs, the scorecard and the monthly `report/`; reads what `upkeep` rolled up.

A domain package imports `metrics`, the shared modules above and `stats`; only `value`
may import `upkeep`. None imports another domain otherwise (tests/unit/test_layering.py).
"""
