"""a lock is a team's (or a rep's), the whole workspace only when said

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 02:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Locks made before this revision froze every team's targets: they stay workspace-wide.
    with op.batch_alter_table('period_lock', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope_key', sa.String(length=32),
                                      server_default='workspace', nullable=False))
        batch_op.drop_constraint('uq_period_lock_workspace_id_period_kind_period_start',
                                 type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_period_lock_workspace_id_scope_key_period_kind_period_start'),
            ['workspace_id', 'scope_key', 'period_kind', 'period_start'])


def downgrade() -> None:
    # Two scopes' locks of one period become one workspace-wide lock again.
    op.execute("DELETE FROM period_lock WHERE id NOT IN (SELECT min(id) FROM period_lock "
               "GROUP BY workspace_id, period_kind, period_start)")
    with op.batch_alter_table('period_lock', schema=None) as batch_op:
        batch_op.drop_constraint(
            'uq_period_lock_workspace_id_scope_key_period_kind_period_start', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_period_lock_workspace_id_period_kind_period_start'),
            ['workspace_id', 'period_kind', 'period_start'])
        batch_op.drop_column('scope_key')
