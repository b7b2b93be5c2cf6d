"""rollups carry distinct users and risk labels; months keep coverage and revisions

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 19:30:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import metrics.types

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('daily_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', metrics.types.UTCDateTime(), nullable=False),
    sa.Column('users', sa.Float(), nullable=False),
    sa.Column('sketch', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', name='uq_daily_users')
    )
    op.create_table('daily_feedback_label',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', metrics.types.UTCDateTime(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', 'label', name='uq_daily_feedback_label')
    )
    op.create_table('value_month',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('final', sa.Boolean(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('stored_at', metrics.types.UTCDateTime(), nullable=False),
    sa.Column('elapsed_days', sa.Integer(), nullable=False),
    sa.Column('data_days', sa.Integer(), nullable=False),
    sa.Column('first_day', metrics.types.UTCDateTime(), nullable=True),
    sa.Column('last_day', metrics.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period', name='uq_value_month_period')
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('value_month')
    op.drop_table('daily_feedback_label')
    op.drop_table('daily_users')
