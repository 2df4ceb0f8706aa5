"""governance committees votes proposals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "governance_committees",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("epoch", sa.Integer(), nullable=False),
        sa.Column("members", sa.Text(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("set_on", sa.Date(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_committees")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_governance_committees_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("governance_committees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_committees_block_number"), ["block_number"], unique=False
        )
        batch_op.create_index("ix_governance_committees_community", ["community", "epoch"], unique=False)
    op.create_table(
        "governance_settings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("spend_threshold", sa.BigInteger(), nullable=False),
        sa.Column("maintenance_bucket", sa.String(length=32), nullable=False),
        sa.Column("policy_type", sa.Integer(), nullable=False),
        sa.Column("maintenance_policy_type", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_settings")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_governance_settings_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("governance_settings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_settings_block_number"), ["block_number"], unique=False
        )
        batch_op.create_index("ix_governance_settings_community", ["community"], unique=False)
    op.create_table(
        "governance_decision_types",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("decision_type", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_decision_types")),
        sa.UniqueConstraint(
            "community", "decision_type", name=op.f("uq_governance_decision_types_community_decision_type")
        ),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_governance_decision_types_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("governance_decision_types", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_decision_types_block_number"), ["block_number"], unique=False
        )
    op.create_table(
        "governance_proposals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("proposer", sa.String(length=42), nullable=False),
        sa.Column("decision_type", sa.Integer(), nullable=False),
        sa.Column("action_hash", sa.String(length=66), nullable=False),
        sa.Column("document_hash", sa.String(length=66), nullable=False),
        sa.Column("notice_hash", sa.String(length=66), nullable=True),
        sa.Column("deadline", sa.BigInteger(), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_proposals")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_governance_proposals_chain_id_block_hash_log_index"),
        ),
        sa.UniqueConstraint(
            "community", "proposal_id", name=op.f("uq_governance_proposals_community_proposal_id")
        ),
    )
    with op.batch_alter_table("governance_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_proposals_block_number"), ["block_number"], unique=False
        )
    op.create_table(
        "governance_signatures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("member", sa.String(length=42), nullable=False),
        sa.Column("approve", sa.Boolean(), nullable=False),
        sa.Column("approvals", sa.Integer(), nullable=False),
        sa.Column("rejections", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_signatures")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_governance_signatures_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("governance_signatures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_signatures_block_number"), ["block_number"], unique=False
        )
        batch_op.create_index("ix_governance_signatures_proposal", ["community", "proposal_id"], unique=False)
    op.create_table(
        "governance_votes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("decision_type", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("total_area", sa.BigInteger(), nullable=False),
        sa.Column("participating_area", sa.BigInteger(), nullable=False),
        sa.Column("yes_area", sa.BigInteger(), nullable=False),
        sa.Column("paper_area", sa.BigInteger(), nullable=False),
        sa.Column("total_units", sa.Integer(), nullable=False),
        sa.Column("participating_units", sa.Integer(), nullable=False),
        sa.Column("yes_units", sa.Integer(), nullable=False),
        sa.Column("paper_units", sa.Integer(), nullable=False),
        sa.Column("ballot_hash", sa.String(length=66), nullable=False),
        sa.Column("quorum_met", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("recorder", sa.String(length=42), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_votes")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_governance_votes_chain_id_block_hash_log_index"),
        ),
        sa.UniqueConstraint(
            "community", "proposal_id", name=op.f("uq_governance_votes_community_proposal_id")
        ),
    )
    with op.batch_alter_table("governance_votes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_governance_votes_block_number"), ["block_number"], unique=False)
    op.create_table(
        "governance_outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("proposal_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("action_hash", sa.String(length=66), nullable=True),
        sa.Column("decision_type", sa.Integer(), nullable=True),
        sa.Column("emergency", sa.Boolean(), nullable=True),
        sa.Column("actor", sa.String(length=42), nullable=True),
        sa.Column("policy_version", sa.Integer(), nullable=True),
        sa.Column("decision_hash", sa.String(length=66), nullable=True),
        sa.Column("happened_on", sa.Date(), nullable=False),
        sa.Column("chain_id", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("block_hash", sa.String(), nullable=False),
        sa.Column("tx_hash", sa.String(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_governance_outcomes")),
        sa.UniqueConstraint(
            "chain_id",
            "block_hash",
            "log_index",
            name=op.f("uq_governance_outcomes_chain_id_block_hash_log_index"),
        ),
    )
    with op.batch_alter_table("governance_outcomes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_governance_outcomes_block_number"), ["block_number"], unique=False
        )
        batch_op.create_index("ix_governance_outcomes_proposal", ["community", "proposal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("governance_outcomes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_outcomes_block_number"))
        batch_op.drop_index("ix_governance_outcomes_proposal")
    op.drop_table("governance_outcomes")
    with op.batch_alter_table("governance_votes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_votes_block_number"))
    op.drop_table("governance_votes")
    with op.batch_alter_table("governance_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_signatures_block_number"))
        batch_op.drop_index("ix_governance_signatures_proposal")
    op.drop_table("governance_signatures")
    with op.batch_alter_table("governance_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_proposals_block_number"))
    op.drop_table("governance_proposals")
    with op.batch_alter_table("governance_decision_types", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_decision_types_block_number"))
    op.drop_table("governance_decision_types")
    with op.batch_alter_table("governance_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_settings_block_number"))
        batch_op.drop_index("ix_governance_settings_community")
    op.drop_table("governance_settings")
    with op.batch_alter_table("governance_committees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_governance_committees_block_number"))
        batch_op.drop_index("ix_governance_committees_community")
    op.drop_table("governance_committees")
