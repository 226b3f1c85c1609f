"""exchange rates an admin set

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 02:25:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fx_rate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('quote', sa.String(length=3), nullable=False),
    sa.Column('rate_text', sa.String(length=40), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('set_at', storage.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['set_by_id'], ['member.id'], name=op.f('fk_fx_rate_set_by_id_member')),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_fx_rate_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fx_rate')),
    sa.UniqueConstraint('workspace_id', 'currency', 'quote', name=op.f('uq_fx_rate_workspace_id_currency_quote'))
    )


def downgrade() -> None:
    op.drop_table('fx_rate')
