"""target first set: pace is judged from when a target was first set, not last changed

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 02:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.models

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_set_at', storage.models.UTCDateTime(),
                                      nullable=True))
    # Targets set before this revision: the best known is when they were last set.
    op.execute("UPDATE target SET first_set_at = set_at")


def downgrade() -> None:
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_column('first_set_at')
