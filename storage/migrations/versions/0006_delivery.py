"""a command's reply kept with its request claim, for Slack's retries

Revision ID: 0006_delivery
Revises: 0005
Create Date: 2026-12-06 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006_delivery'
down_revision = '0006_people'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('processed_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('processed_request', schema=None) as batch_op:
        batch_op.drop_column('reply')
