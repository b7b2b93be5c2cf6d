"""The database: engine and `Store` (`database`), the record tables, rollup and freshness
tables, the bulk insert of the ingest path, and the Alembic migrations.

Imports only `metrics.types`: nothing here knows about KPIs, alerts or evaluators.
"""
