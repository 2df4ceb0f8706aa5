"""slug columns wide enough for an opaque slug

A slug the indexer cannot read as printable text (bytes that are not UTF-8, a full-width space,
an all-zero kind) is stored as ``0x`` and the hex of all its bytes, as the statement and the
offline verifier show it: 66 characters for a bytes32, 34 for a bytes16. PostgreSQL refused such a
row ("value too long") and the index stopped at that log.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

#: table -> (column, its old length)
WIDENED = {
    "funds_entries": (
        ("fund", 32), ("earmark", 32), ("project", 32), ("receipt", 32), ("campaign", 32), ("rights", 16),
        ("fund_kind", 16), ("ref", 32), ("bucket", 32),
    ),
    "goods_entries": (("item", 32), ("unit", 16), ("receipt", 32), ("request", 32), ("purpose", 32)),
    "timebank_entries": (("service_type", 16), ("category", 16), ("reason", 16), ("bucket", 32)),
}  # fmt: skip
SLUG = 66


def upgrade() -> None:
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch:
            for column, old in columns:
                batch.alter_column(column, type_=sa.String(length=SLUG), existing_type=sa.String(length=old))


def downgrade() -> None:
    for table, columns in WIDENED.items():
        with op.batch_alter_table(table) as batch:
            for column, old in columns:
                batch.alter_column(column, type_=sa.String(length=old), existing_type=sa.String(length=SLUG))
