"""late records: ingest touches, evaluated windows, result revisions, pruned days

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 19:10:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import metrics.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('ingest_touch',
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('hour', metrics.types.UTCDateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('touched_at', metrics.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('source', 'hour')
    )
    op.create_table('window_evaluation',
    sa.Column('job', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('window_end', metrics.types.UTCDateTime(), nullable=False),
    sa.Column('window_start', metrics.types.UTCDateTime(), nullable=False),
    sa.Column('evaluated_at', metrics.types.UTCDateTime(), nullable=False),
    sa.Column('seen', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('job', 'window_end')
    )
    with op.batch_alter_table('evaluation_result') as batch:
        batch.add_column(sa.Column('revision', sa.Integer(), nullable=False,
                                   server_default='1'))
    with op.batch_alter_table('rollup_day') as batch:
        batch.add_column(sa.Column('pruned_at', metrics.types.UTCDateTime(), nullable=True))
    # Days pruned before this revision are marked by the next retention run.


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('rollup_day') as batch:
        batch.drop_column('pruned_at')
    with op.batch_alter_table('evaluation_result') as batch:
        batch.drop_column('revision')
    op.drop_table('window_evaluation')
    op.drop_table('ingest_touch')
