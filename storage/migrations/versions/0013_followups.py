"""follow-ups: a next step owed by a day; action items linked to a warning's metric

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

LINK_COLUMNS = (('link_rule', 32), ('link_subject', 64), ('link_metric', 96),
                ('link_label', 200), ('link_value', 40))


def upgrade() -> None:
    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('deal_id', sa.Integer(), nullable=True),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.models.UTCDateTime(), nullable=False),
    sa.Column('done_at', storage.models.UTCDateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_by_activity_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_follow_up_activity_id_activity')),
    sa.ForeignKeyConstraint(['closed_by_activity_id'], ['activity.id'], name=op.f('fk_follow_up_closed_by_activity_id_activity')),
    sa.ForeignKeyConstraint(['created_by_id'], ['member.id'], name=op.f('fk_follow_up_created_by_id_member')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_follow_up_customer_id_customer')),
    sa.ForeignKeyConstraint(['deal_id'], ['deal.id'], name=op.f('fk_follow_up_deal_id_deal')),
    sa.ForeignKeyConstraint(['done_by_id'], ['member.id'], name=op.f('fk_follow_up_done_by_id_member')),
    sa.ForeignKeyConstraint(['owner_id'], ['member.id'], name=op.f('fk_follow_up_owner_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_follow_up_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up'))
    )
    op.create_index('ix_follow_up_owner_open', 'follow_up', ['owner_id', 'done_at', 'due_on'], unique=False)
    op.create_index(op.f('ix_follow_up_deal_id'), 'follow_up', ['deal_id'], unique=False)
    for name, length in LINK_COLUMNS:
        op.add_column('action_item', sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('action_item') as batch:
        for name, _ in reversed(LINK_COLUMNS):
            batch.drop_column(name)
    op.drop_index(op.f('ix_follow_up_deal_id'), table_name='follow_up')
    op.drop_index('ix_follow_up_owner_open', table_name='follow_up')
    op.drop_table('follow_up')
