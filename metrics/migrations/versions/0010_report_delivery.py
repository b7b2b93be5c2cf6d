"""report delivery: each closed month's final report, sent once by e-mail and webhook

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 10:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import metrics.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table('report_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('queued_at', metrics.types.UTCDateTime(), nullable=False),
    sa.Column('delivered_at', metrics.types.UTCDateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('period', 'channel', name='uq_report_delivery')
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table('report_delivery')
