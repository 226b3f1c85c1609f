"""team setting: whether reps see their teammates' deal cards

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('team_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deal_cards', sa.String(length=8), server_default='team',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('team_settings', schema=None) as batch_op:
        batch_op.drop_column('deal_cards')
