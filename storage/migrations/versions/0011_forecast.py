"""the forecast call: categories on deals, calls, adjustments, settings and schedule

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 05:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deal') as batch:
        batch.add_column(sa.Column('forecast_category', sa.String(length=16), nullable=True))
    op.create_table('forecast_settings',
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('categories', sa.Text(), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_forecast_settings_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('workspace_id', name=op.f('pk_forecast_settings'))
    )
    op.create_table('forecast_schedule',
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=5), nullable=False),
    sa.Column('deadline', sa.String(length=5), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_forecast_schedule_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_forecast_schedule'))
    )
    op.create_table('forecast_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('commit_minor', sa.BigInteger(), nullable=False),
    sa.Column('best_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', storage.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_forecast_call_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['member.id'], name=op.f('fk_forecast_call_submitted_by_id_member')),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_forecast_call_team_id_team'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_forecast_call_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_call'))
    )
    op.create_index('ix_forecast_call_member_period', 'forecast_call', ['member_id', 'period_kind', 'period_start'], unique=False)
    op.create_table('forecast_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('commit_minor', sa.BigInteger(), nullable=False),
    sa.Column('best_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('adjusted_by_id', sa.Integer(), nullable=False),
    sa.Column('adjusted_at', storage.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['adjusted_by_id'], ['member.id'], name=op.f('fk_forecast_adjustment_adjusted_by_id_member')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_forecast_adjustment_member_id_member'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], name=op.f('fk_forecast_adjustment_team_id_team'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], name=op.f('fk_forecast_adjustment_workspace_id_workspace'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_adjustment'))
    )
    op.create_index('ix_forecast_adjustment_team_period', 'forecast_adjustment', ['team_id', 'period_kind', 'period_start'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_forecast_adjustment_team_period', table_name='forecast_adjustment')
    op.drop_table('forecast_adjustment')
    op.drop_index('ix_forecast_call_member_period', table_name='forecast_call')
    op.drop_table('forecast_call')
    op.drop_table('forecast_schedule')
    op.drop_table('forecast_settings')
    with op.batch_alter_table('deal') as batch:
        batch.drop_column('forecast_category')
