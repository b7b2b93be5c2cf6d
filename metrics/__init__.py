"""The bottom floor, the single source of truth: it imports nothing else of valuewatch.

Here: the metric catalog (`catalog`, `conventions`, `instruments`, and `vllm`: the
model server's metrics it declares as external), prices, settings, the
SLO model and monitoring config that alerts and dashboards are generated from, and the
PromQL they run (`queries/`); what feedback values mean (`feedback_rules`: ranges,
thumbs, sentiment); the database (`store/`, its ON CONFLICT writes in `store/upsert`,
and its `migrations/`, the /ui/ sessions in `store/sessions`); the value model (`value/`).
Of this floor, `store` imports only `metrics.types`, and `value` that, `catalog` and
`store.upsert`.
"""
