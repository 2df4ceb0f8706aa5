"""revenue transfers to sink contracts (funds, time-bank fee discounts)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 14:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("revenue_entries") as batch:
        batch.add_column(sa.Column("sink", sa.String(length=42), nullable=True))
        batch.add_column(sa.Column("data_hash", sa.String(length=66), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("revenue_entries") as batch:
        batch.drop_column("data_hash")
        batch.drop_column("sink")
