"""Anchors, attestations and the closed statements they fix."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger_service.db.base import Base, ChainPosition, indexed_table


@indexed_table
class Anchor(ChainPosition, Base):
    __tablename__ = "anchors"
    __table_args__ = (UniqueConstraint("community", "period_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    period_key: Mapped[str] = mapped_column(String(66))
    label: Mapped[str] = mapped_column(String(16))
    from_date: Mapped[dt.date] = mapped_column(Date)
    to_date: Mapped[dt.date] = mapped_column(Date)
    statement_hash: Mapped[str] = mapped_column(String(64))
    entries_root: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(BigInteger)
    through_seq: Mapped[int] = mapped_column(BigInteger)
    as_of_block: Mapped[int] = mapped_column(BigInteger)
    anchored_by: Mapped[str] = mapped_column(String(42))


@indexed_table
class Attestation(ChainPosition, Base):
    __tablename__ = "attestations"
    __table_args__ = (UniqueConstraint("chain_id", "block_hash", "log_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    period_key: Mapped[str] = mapped_column(String(66))
    statement_hash: Mapped[str] = mapped_column(String(64))
    opinion_hash: Mapped[str] = mapped_column(String(66))
    auditor: Mapped[str] = mapped_column(String(42))


@indexed_table
class ClosedStatement(Base):
    """The exact bytes of a closed statement, regenerated from the index at its anchor's block
    and stored only when their SHA-256 equals the anchored hash."""

    __tablename__ = "closed_statements"
    __table_args__ = (UniqueConstraint("community", "label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    label: Mapped[str] = mapped_column(String(16))
    statement_hash: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    block_number: Mapped[int] = mapped_column(BigInteger, index=True)
