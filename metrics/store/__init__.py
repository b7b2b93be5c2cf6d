"""The database: engine and `Store` (`database`), the record tables, rollup and freshness
tables, and the bulk insert of the ingest path. The schema's history, over these tables
and the value tables both, is in `metrics/migrations`.

Imports only `metrics.types`: nothing here knows about KPIs, alerts or evaluators.
"""
