"""topic themes: themes found in prompts per app and window

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import metrics.types

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        'topic_theme',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('app', sa.String(length=200), nullable=False),
        sa.Column('window_start', metrics.types.UTCDateTime(), nullable=False),
        sa.Column('window_end', metrics.types.UTCDateTime(), nullable=False),
        sa.Column('theme_id', sa.String(length=100), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('terms', sa.JSON(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('first_seen', metrics.types.UTCDateTime(), nullable=False),
        sa.Column('calls', sa.Integer(), nullable=False),
        sa.Column('share', sa.Float(), nullable=False),
        sa.Column('users', sa.Integer(), nullable=False),
        sa.Column('use_case', sa.String(length=200), nullable=True),
        sa.Column('use_case_share', sa.Float(), nullable=False),
        sa.Column('thumbs_up_ratio', sa.Float(), nullable=True),
        sa.Column('accuracy', sa.Float(), nullable=True),
        sa.Column('latency_s', sa.Float(), nullable=True),
        sa.Column('cost_per_call', sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('app', 'window_start', 'theme_id', name='uq_topic_theme'),
    )
    op.create_index('ix_topic_theme_window_start', 'topic_theme', ['window_start'])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index('ix_topic_theme_window_start', table_name='topic_theme')
    op.drop_table('topic_theme')
