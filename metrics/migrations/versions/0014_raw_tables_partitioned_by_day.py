"""raw tables partitioned by day on PostgreSQL, record keys in tables of their own

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 09:00:00

Each raw table is rebuilt: renamed, made again as a table partitioned by range of
`timestamp` (a partition for every day that has rows, today and the week ahead, and a
DEFAULT one), its rows copied in, its indexes made again, the old table dropped. A
partitioned table's primary key must hold the partition key, so (app, id) stays unique in
a key table per raw table, filled from the rows, and a statement trigger forgets the keys
of deleted rows. SQLite keeps its tables as they are.
"""

from datetime import UTC, datetime, timedelta

from alembic import op
from sqlalchemy import text

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# Each raw table and its primary key before this revision.
KEYS = {
    'inference': ('id', 'app'),
    'feedback': ('id', 'app'),
    'accuracy_sample': ('id', 'app'),
    'outcome': ('id', 'app'),
    'resource_sample': ('id',),
}
KEYED = ('inference', 'feedback', 'accuracy_sample', 'outcome')
DAYS_AHEAD = 7

FORGET_KEYS = """
CREATE FUNCTION forget_record_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('DELETE FROM %I k USING gone g WHERE k.app = g.app AND k.id = g.id',
                   TG_ARGV[0]);
    RETURN NULL;
END $$
"""


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FORGET_KEYS)
    for table, key in KEYS.items():
        _rebuild(table, key + ('timestamp',), partitioned=True)
        if table in KEYED:
            _add_key_table(table)


def downgrade() -> None:
    """Revert this revision: the raw tables unpartitioned again, with every row."""
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, key in KEYS.items():
        if table in KEYED:
            op.execute(f'DROP TABLE {table}_key')
        _rebuild(table, key, partitioned=False)
    op.execute('DROP FUNCTION forget_record_keys()')


def _rebuild(table: str, key: tuple[str, ...], *, partitioned: bool) -> None:
    """Make `table` again, partitioned or not, with its rows, key, indexes and defaults."""
    bind = op.get_bind()
    old = f'{table}_rebuilt'
    indexes = bind.execute(text(
        'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()'
        ' AND tablename = :table AND indexname <> :pkey'
    ), {'table': table, 'pkey': f'{table}_pkey'}).all()
    op.execute(f'ALTER TABLE {table} RENAME TO {old}')
    op.execute(f'ALTER INDEX {table}_pkey RENAME TO {old}_pkey')
    for name, _ in indexes:
        op.execute(f'ALTER INDEX {name} RENAME TO {name}_rebuilt')
    clause = ' PARTITION BY RANGE ("timestamp")' if partitioned else ''
    op.execute(f'CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS){clause}')
    if partitioned:
        _add_partitions(table, old)
    op.execute(f'INSERT INTO {table} SELECT * FROM {old}')
    op.execute(f'ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({", ".join(key)})')
    for _, definition in indexes:
        op.execute(definition)
    if table == 'resource_sample':  # its id's sequence would go with the old table
        op.execute('ALTER SEQUENCE resource_sample_id_seq OWNED BY resource_sample.id')
    op.execute(f'DROP TABLE {old}')


def _add_partitions(table: str, old: str) -> None:
    """A partition for every day `old` has rows of, today and the days ahead; a DEFAULT."""
    today = datetime.now(UTC).replace(tzinfo=None, hour=0, minute=0, second=0, microsecond=0)
    stored = op.get_bind().execute(
        text(f"SELECT DISTINCT date_trunc('day', \"timestamp\") FROM {old}")
    ).scalars()
    days = set(stored) | {today + timedelta(days=n) for n in range(DAYS_AHEAD + 1)}
    op.execute(f'CREATE TABLE {table}_default PARTITION OF {table} DEFAULT')
    for day in sorted(days):
        op.execute(
            f"CREATE TABLE {table}_p{day:%Y%m%d} PARTITION OF {table} FOR VALUES"
            f" FROM ('{day:%Y-%m-%d}') TO ('{day + timedelta(days=1):%Y-%m-%d}')"
        )


def _add_key_table(table: str) -> None:
    """`table`'s (app, id) keys, unique, with the time of their row; kept by a trigger."""
    op.execute(f'CREATE TABLE {table}_key (app VARCHAR(200) NOT NULL, id VARCHAR(200) NOT NULL,'
               f' "timestamp" TIMESTAMP WITHOUT TIME ZONE NOT NULL, PRIMARY KEY (app, id))')
    op.execute(f'INSERT INTO {table}_key SELECT app, id, "timestamp" FROM {table}')
    op.execute(f'CREATE INDEX ix_{table}_key_timestamp ON {table}_key ("timestamp")')
    op.execute(f'CREATE TRIGGER {table}_forget_keys AFTER DELETE ON {table}'
               f' REFERENCING OLD TABLE AS gone FOR EACH STATEMENT'
               f" EXECUTE FUNCTION forget_record_keys('{table}_key')")
