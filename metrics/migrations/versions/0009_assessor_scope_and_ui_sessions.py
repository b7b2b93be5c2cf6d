"""assessor scope and ui sessions: keys that may enter assessments, browser sessions of /ui/

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:40:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import metrics.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

OLD_SCOPES = ('ingest', 'read', 'admin')


def upgrade() -> None:
    """Apply this revision."""
    # PostgreSQL stores the scope as a native enum type; SQLite as a plain VARCHAR with no
    # CHECK constraint (SQLAlchemy's Enum makes none by default), so only PostgreSQL needs
    # the new value. PostgreSQL 12 and later allow this inside a transaction.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE scope ADD VALUE IF NOT EXISTS 'assessor'")
    op.create_table('ui_session',
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('csrf', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', metrics.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', metrics.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['key_id'], ['api_key.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('ui_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ui_session_key_id'), ['key_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ui_session_expires_at'), ['expires_at'],
                              unique=False)


def downgrade() -> None:
    """Revert this revision; fails while an assessor key is stored (revoke and delete it)."""
    with op.batch_alter_table('ui_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ui_session_expires_at'))
        batch_op.drop_index(batch_op.f('ix_ui_session_key_id'))
    op.drop_table('ui_session')
    if op.get_bind().dialect.name != 'postgresql':
        return
    # PostgreSQL cannot drop a value from an enum: make the old type and move to it.
    values = ', '.join(f"'{value}'" for value in OLD_SCOPES)
    op.execute(f"CREATE TYPE scope_old AS ENUM ({values})")
    op.execute("ALTER TABLE api_key ALTER COLUMN scope TYPE scope_old "
               "USING scope::text::scope_old")
    op.execute("DROP TYPE scope")
    op.execute("ALTER TYPE scope_old RENAME TO scope")
