"""governance budgets contracts objections

Oversight read model: adopted budgets and their lines, the "other" limit, the register of
revenue-earning contracts with their instalments and early ends, noted period closes, objections
and their answers (all derived from Oversight events).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oversight_answers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("correction_seq", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("note_hash", sa.String(length=66), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("actor", sa.String(length=42), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_answers")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_oversight_answers_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("oversight_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oversight_answers_block_number"), ["block_number"], unique=False)
        batch_op.create_index(
            "ix_oversight_answers_community_id", ["community", "objection_id"], unique=False
        )

    op.create_table(
        "oversight_budget_lines",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("bucket", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_budget_lines")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            "line_no",
            name=op.f("uq_oversight_budget_lines_chain_id_block_hash_log_index_line_no"),
        ),
    )
    with op.batch_alter_table("oversight_budget_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oversight_budget_lines_block_number"), ["block_number"], unique=False
        )
        batch_op.create_index(
            "ix_oversight_budget_lines_community_year", ["community", "year", "version"], unique=False
        )

    op.create_table(
        "oversight_budgets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("other", sa.BigInteger(), nullable=False),
        sa.Column("contingency", sa.BigInteger(), nullable=False),
        sa.Column("other_limit_bps", sa.Integer(), nullable=False),
        sa.Column("doc_hash", sa.String(length=66), nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("decision_type", sa.Integer(), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=42), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_budgets")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_oversight_budgets_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("oversight_budgets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oversight_budgets_block_number"), ["block_number"], unique=False)
        batch_op.create_index("ix_oversight_budgets_community_year", ["community", "year"], unique=False)

    op.create_table(
        "oversight_contract_ends",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.String(length=42), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_contract_ends")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_oversight_contract_ends_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("oversight_contract_ends", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oversight_contract_ends_block_number"), ["block_number"], unique=False
        )

    op.create_table(
        "oversight_contracts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("counterparty", sa.String(length=66), nullable=False),
        sa.Column("doc_hash", sa.String(length=66), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=42), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_contracts")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_oversight_contracts_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("oversight_contracts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oversight_contracts_block_number"), ["block_number"], unique=False
        )
        batch_op.create_index(
            "ix_oversight_contracts_community_number", ["community", "number"], unique=False
        )

    op.create_table(
        "oversight_instalments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_instalments")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            "n",
            name=op.f("uq_oversight_instalments_chain_id_block_hash_log_index_n"),
        ),
    )
    with op.batch_alter_table("oversight_instalments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oversight_instalments_block_number"), ["block_number"], unique=False
        )
        batch_op.create_index(
            "ix_oversight_instalments_community_contract", ["community", "contract_id"], unique=False
        )

    op.create_table(
        "oversight_limits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("limit_bps", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("actor", sa.String(length=42), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_limits")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_oversight_limits_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("oversight_limits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oversight_limits_block_number"), ["block_number"], unique=False)

    op.create_table(
        "oversight_objections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("objection_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=66), nullable=False),
        sa.Column("objector", sa.String(length=66), nullable=False),
        sa.Column("entry_seq", sa.BigInteger(), nullable=False),
        sa.Column("evidence_hash", sa.String(length=66), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("answer_due", sa.Date(), nullable=False),
        sa.Column("first_correction_seq", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(length=42), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_objections")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_oversight_objections_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("oversight_objections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oversight_objections_block_number"), ["block_number"], unique=False
        )
        batch_op.create_index(
            "ix_oversight_objections_community_id", ["community", "objection_id"], unique=False
        )

    op.create_table(
        "oversight_period_closes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("period_key", sa.String(length=66), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=False),
        sa.Column("to_date", sa.Date(), nullable=False),
        sa.Column("close_day", sa.Date(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_period_closes")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_oversight_period_closes_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("oversight_period_closes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oversight_period_closes_block_number"), ["block_number"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("oversight_period_closes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oversight_period_closes_block_number"))

    op.drop_table("oversight_period_closes")
    with op.batch_alter_table("oversight_objections", schema=None) as batch_op:
        batch_op.drop_index("ix_oversight_objections_community_id")
        batch_op.drop_index(batch_op.f("ix_oversight_objections_block_number"))

    op.drop_table("oversight_objections")
    with op.batch_alter_table("oversight_limits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oversight_limits_block_number"))

    op.drop_table("oversight_limits")
    with op.batch_alter_table("oversight_instalments", schema=None) as batch_op:
        batch_op.drop_index("ix_oversight_instalments_community_contract")
        batch_op.drop_index(batch_op.f("ix_oversight_instalments_block_number"))

    op.drop_table("oversight_instalments")
    with op.batch_alter_table("oversight_contracts", schema=None) as batch_op:
        batch_op.drop_index("ix_oversight_contracts_community_number")
        batch_op.drop_index(batch_op.f("ix_oversight_contracts_block_number"))

    op.drop_table("oversight_contracts")
    with op.batch_alter_table("oversight_contract_ends", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oversight_contract_ends_block_number"))

    op.drop_table("oversight_contract_ends")
    with op.batch_alter_table("oversight_budgets", schema=None) as batch_op:
        batch_op.drop_index("ix_oversight_budgets_community_year")
        batch_op.drop_index(batch_op.f("ix_oversight_budgets_block_number"))

    op.drop_table("oversight_budgets")
    with op.batch_alter_table("oversight_budget_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_oversight_budget_lines_community_year")
        batch_op.drop_index(batch_op.f("ix_oversight_budget_lines_block_number"))

    op.drop_table("oversight_budget_lines")
    with op.batch_alter_table("oversight_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_oversight_answers_community_id")
        batch_op.drop_index(batch_op.f("ix_oversight_answers_block_number"))

    op.drop_table("oversight_answers")
