"""export scope and audit client: keys that may export in bulk, where each audited call came from

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 09:00:00
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

OLD_SCOPES = ('ingest', 'read', 'admin', 'assessor')


def upgrade() -> None:
    """Apply this revision."""
    # As in 0009: only PostgreSQL stores the scope as a native enum.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE scope ADD VALUE IF NOT EXISTS 'export'")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client', sqlmodel.sql.sqltypes.AutoString(length=100),
                                      nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)


def downgrade() -> None:
    """Revert this revision; fails while an export key is stored (revoke and delete it)."""
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))
        batch_op.drop_column('client')
    if op.get_bind().dialect.name != 'postgresql':
        return
    # PostgreSQL cannot drop a value from an enum: make the old type and move to it.
    values = ', '.join(f"'{value}'" for value in OLD_SCOPES)
    op.execute(f"CREATE TYPE scope_old AS ENUM ({values})")
    op.execute("ALTER TABLE api_key ALTER COLUMN scope TYPE scope_old "
               "USING scope::text::scope_old")
    op.execute("DROP TYPE scope")
    op.execute("ALTER TYPE scope_old RENAME TO scope")
