"""languages: a member's chosen language and Slack locale, a team channel's language

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('member') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('slack_locale', sa.String(length=16), nullable=True))
    with op.batch_alter_table('team') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('team') as batch:
        batch.drop_column('language')
    with op.batch_alter_table('member') as batch:
        batch.drop_column('slack_locale')
        batch.drop_column('language')
