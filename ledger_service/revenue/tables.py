"""Revenue read model: one row per ledger event, one per bucket movement, one per policy."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger_service.db.base import Base, ChainPosition, indexed_table


@indexed_table
class RevenueEntry(ChainPosition, Base):
    """One revenue event (one chain log). ``kind``: income, spend, transfer (to a sink contract),
    reallocation, reversal, deposit_received, deposit_returned, policy."""

    __tablename__ = "revenue_entries"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index"),
        Index("ix_revenue_entries_community_date", "community", "business_date"),
        Index("ix_revenue_entries_community_ref", "community", "ref"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    kind: Mapped[str] = mapped_column(String(24))
    seq: Mapped[int] = mapped_column(BigInteger)
    business_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str | None] = mapped_column(String(16), nullable=True)
    bucket: Mapped[str | None] = mapped_column(String(32), nullable=True)
    ref: Mapped[str | None] = mapped_column(String(64), nullable=True)
    evidence_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    policy_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: JSON {bucket: amount} of the split carried by the event (income, reallocation, reversal).
    split: Mapped[str | None] = mapped_column(Text, nullable=True)
    corrects: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    #: For reversals: "income" or "spend".
    reverses: Mapped[str | None] = mapped_column(String(8), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    payer_ref: Mapped[str | None] = mapped_column(String(66), nullable=True)
    #: For transfers: the receiving contract and keccak256 of the data it was handed.
    sink: Mapped[str | None] = mapped_column(String(42), nullable=True)
    data_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)


@indexed_table
class RevenueMovement(ChainPosition, Base):
    """A signed change of one bucket's balance. ``kind``: allocated, reallocated, spent."""

    __tablename__ = "revenue_movements"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index", "bucket"),
        Index("ix_revenue_movements_community_date", "community", "business_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    business_date: Mapped[dt.date] = mapped_column(Date)
    bucket: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)


@indexed_table
class RevenuePolicy(ChainPosition, Base):
    __tablename__ = "revenue_policies"
    __table_args__ = (UniqueConstraint("community", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    version: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(BigInteger)
    effective_date: Mapped[dt.date] = mapped_column(Date)
    activated_on: Mapped[dt.date] = mapped_column(Date)
    #: JSON [[bucket, bps], ...] in split order
    buckets: Mapped[str] = mapped_column(Text)
    decision_hash: Mapped[str] = mapped_column(String(66))
