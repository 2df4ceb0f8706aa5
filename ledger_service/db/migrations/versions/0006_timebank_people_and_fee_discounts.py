"""timebank people and fee discounts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_ENTRY_COLUMNS = (
    ("fen", sa.BigInteger()),
    ("bucket", sa.String(length=32)),
    ("cap_per_holder", sa.BigInteger()),
    ("cap_total", sa.BigInteger()),
    ("period_months", sa.Integer()),
    ("proposal_id", sa.BigInteger()),
)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("pseudonym", sa.String(length=66), nullable=False),
        sa.Column("community", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("receives_help", sa.Boolean(), nullable=False),
        sa.Column("public_name", sa.String(length=128), nullable=True),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("name_ct", sa.LargeBinary(), nullable=True),
        sa.Column("phone_ct", sa.LargeBinary(), nullable=True),
        sa.Column("address_ct", sa.LargeBinary(), nullable=True),
        sa.Column("id_number_ct", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("pseudonym", name=op.f("pk_people")),
    )
    op.create_index("ix_people_community_role", "people", ["community", "role"], unique=False)
    op.create_table(
        "people_access",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("pseudonym", sa.String(length=66), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people_access")),
    )
    op.create_index("ix_people_access_pseudonym", "people_access", ["pseudonym"], unique=False)
    op.create_table(
        "timebank_service_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("community", sa.String(length=66), nullable=False),
        sa.Column("record_ref", sa.BigInteger(), nullable=False),
        sa.Column("volunteer", sa.String(length=42), nullable=False),
        sa.Column("beneficiary", sa.String(length=42), nullable=False),
        sa.Column("service_type", sa.String(length=16), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("reported_by", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("journal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timebank_service_records")),
        sa.UniqueConstraint(
            "community", "record_ref", name=op.f("uq_timebank_service_records_community_record_ref")
        ),
    )
    op.create_index(
        "ix_timebank_service_records_community_status",
        "timebank_service_records",
        ["community", "status"],
        unique=False,
    )
    with op.batch_alter_table("timebank_entries") as batch:
        for name, type_ in _ENTRY_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("timebank_entries") as batch:
        for name, _ in reversed(_ENTRY_COLUMNS):
            batch.drop_column(name)
    op.drop_index("ix_timebank_service_records_community_status", table_name="timebank_service_records")
    op.drop_table("timebank_service_records")
    op.drop_index("ix_people_access_pseudonym", table_name="people_access")
    op.drop_table("people_access")
    op.drop_index("ix_people_community_role", table_name="people")
    op.drop_table("people")
