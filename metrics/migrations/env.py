"""Alembic environment: runs on the connection the Store hands over."""

from alembic import context
from sqlmodel import SQLModel

import metrics.store.freshness  # noqa: F401  (ingest touches and evaluated windows)
import metrics.store.rollups  # noqa: F401  (registers the daily rollup tables too)
import metrics.store.sessions  # noqa: F401  (browser sessions of the /ui/ pages)
import metrics.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
import metrics.store.topics  # noqa: F401  (themes found in prompts)
import metrics.value.tables  # noqa: F401  (KPIs, scores, assessments, incidents, reports)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
