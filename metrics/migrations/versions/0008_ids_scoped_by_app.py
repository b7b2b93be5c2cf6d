"""ids scoped by app: the primary key of calls, feedback, samples and outcomes is (id, app)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 19:20:00
"""

import warnings

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

TABLES = ('inference', 'feedback', 'accuracy_sample', 'outcome')


def upgrade() -> None:
    """Apply this revision."""
    # Feedback may name no app; '' stands for "not named", as a key column cannot be NULL.
    op.execute("UPDATE feedback SET app = '' WHERE app IS NULL")
    with op.batch_alter_table('feedback') as batch_op:
        batch_op.alter_column('app', existing_type=_name_type(), nullable=False,
                              server_default='')
    for table in TABLES:
        _primary_key(table, ['id', 'app'])


def downgrade() -> None:
    """Revert this revision; fails where two apps already share an id."""
    for table in TABLES:
        _primary_key(table, ['id'])
    with op.batch_alter_table('feedback') as batch_op:
        batch_op.alter_column('app', existing_type=_name_type(), nullable=True,
                              server_default=None)
    op.execute("UPDATE feedback SET app = NULL WHERE app = ''")


def _name_type() -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=200)


def _primary_key(table: str, columns: list[str]) -> None:
    # PostgreSQL named the unnamed key <table>_pkey; SQLite rebuilds the table in batch mode.
    name = f'{table}_pkey'
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint(name, table, type_='primary')
        op.create_primary_key(name, table, columns)
        return
    # The rebuilt table's columns still say id alone is the key; SQLAlchemy warns, then
    # takes the key given here, which is what the rebuild is for.
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', message='.*specifies columns .* as primary_key=True',
                                category=sa.exc.SAWarning)
        with op.batch_alter_table(table, recreate='always') as batch_op:
            batch_op.create_primary_key(name, columns)
