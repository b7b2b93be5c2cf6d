"""cache write input tokens: input tokens written to a provider's prompt cache

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table('inference', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cache_write_input_tokens', sa.Integer(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table('inference', schema=None) as batch_op:
        batch_op.drop_column('cache_write_input_tokens')
