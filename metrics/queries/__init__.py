"""Every PromQL query that a dashboard panel or a rule runs, declared once.

As in kubernetes-mixin, queries live apart from panel layout: dashboards and alerts call
these functions, passing label matchers (the dashboard's variables, or none for rules)
and a range (Grafana's `$__rate_interval`, or a rule's window). Metric names come from
the catalog through `spec`, so a renamed metric fails at import, not on a blank panel.
One module per subject: calls, error_budget, quality, quality_sli (the events of the
quality SLOs), platform, value; `promql` holds the building blocks they share.
"""
