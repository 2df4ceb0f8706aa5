"""funds donations disbursements goods

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "funds_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("fund", sa.String(length=32), nullable=True),
        sa.Column("earmark", sa.String(length=32), nullable=True),
        sa.Column("project", sa.String(length=32), nullable=True),
        sa.Column("receipt", sa.String(length=32), nullable=True),
        sa.Column("source", sa.BigInteger(), nullable=True),
        sa.Column("donor", sa.String(length=66), nullable=True),
        sa.Column("donor_type", sa.String(length=16), nullable=True),
        sa.Column("formula_kind", sa.String(length=16), nullable=True),
        sa.Column("formula_rate", sa.BigInteger(), nullable=True),
        sa.Column("formula_units", sa.BigInteger(), nullable=True),
        sa.Column("campaign", sa.String(length=32), nullable=True),
        sa.Column("rights", sa.String(length=16), nullable=True),
        sa.Column("public_name", sa.String(length=64), nullable=True),
        sa.Column("fund_kind", sa.String(length=16), nullable=True),
        sa.Column("threshold", sa.BigInteger(), nullable=True),
        sa.Column("acceptances", sa.Integer(), nullable=True),
        sa.Column("is_final", sa.Boolean(), nullable=True),
        sa.Column("ref", sa.String(length=32), nullable=True),
        sa.Column("evidence_hash", sa.String(length=66), nullable=True),
        sa.Column("proposal_id", sa.String(length=80), nullable=True),
        sa.Column("decision_type", sa.Integer(), nullable=True),
        sa.Column("bucket", sa.String(length=32), nullable=True),
        sa.Column("actor", sa.String(length=42), nullable=True),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funds_entries")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_funds_entries_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("funds_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_funds_entries_block_number"), ["block_number"], unique=False)
        batch_op.create_index("ix_funds_entries_community_date", ["community", "business_date"], unique=False)
        batch_op.create_index("ix_funds_entries_community_project", ["community", "project"], unique=False)
        batch_op.create_index("ix_funds_entries_community_receipt", ["community", "receipt"], unique=False)

    op.create_table(
        "goods_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("item", sa.String(length=32), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("receipt", sa.String(length=32), nullable=True),
        sa.Column("donor", sa.String(length=66), nullable=True),
        sa.Column("donor_type", sa.String(length=16), nullable=True),
        sa.Column("public_name", sa.String(length=64), nullable=True),
        sa.Column("request", sa.String(length=32), nullable=True),
        sa.Column("counterpart", sa.String(length=66), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=True),
        sa.Column("evidence_hash", sa.String(length=66), nullable=True),
        sa.Column("proposal_id", sa.String(length=80), nullable=True),
        sa.Column("actor", sa.String(length=42), nullable=True),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goods_entries")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_goods_entries_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("goods_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goods_entries_block_number"), ["block_number"], unique=False)
        batch_op.create_index("ix_goods_entries_community_date", ["community", "business_date"], unique=False)
        batch_op.create_index("ix_goods_entries_receipt", ["receipt"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("goods_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goods_entries_block_number"))
        batch_op.drop_index("ix_goods_entries_community_date")
        batch_op.drop_index("ix_goods_entries_receipt")
    op.drop_table("goods_entries")

    with op.batch_alter_table("funds_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funds_entries_block_number"))
        batch_op.drop_index("ix_funds_entries_community_date")
        batch_op.drop_index("ix_funds_entries_community_project")
        batch_op.drop_index("ix_funds_entries_community_receipt")
    op.drop_table("funds_entries")
