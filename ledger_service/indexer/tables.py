"""The indexer's own bookkeeping: its cursor and the hashes of the blocks it has seen."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.orm import Mapped, mapped_column

from ledger_service.db.base import Base, utcnow


class IndexerCursor(Base):
    """Last block fully indexed; written in the same transaction as the rows it covers."""

    __tablename__ = "indexer_cursor"

    chain_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    block_number: Mapped[int] = mapped_column(BigInteger)
    block_hash: Mapped[str] = mapped_column()
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IndexedBlock(Base):
    """Headers of blocks that carried our logs, and of every cursor position: enough to find the
    common ancestor after a reorganisation and to state a statement's chain range."""

    __tablename__ = "indexed_blocks"

    chain_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    number: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column()
    parent_hash: Mapped[str] = mapped_column()
    timestamp: Mapped[int] = mapped_column(BigInteger)


class ChainRecord(Base):
    """Which chain and deployment this index describes (the manifest, as JSON).

    Statements name their chain range and contracts from here, so the statement layer never
    needs the chain client. Written at start-up; not part of the rebuildable index.
    """

    __tablename__ = "chain_record"

    chain_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    manifest: Mapped[str] = mapped_column()
