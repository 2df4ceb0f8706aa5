"""The write journal: every accepted write, durably, before it is sent."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger_service.db.base import Base, utcnow


class JournalEntry(Base):
    """One write to a contract.

    ``status``: ``queued`` (accepted, not signed: the chain was unreachable) → ``signed`` (raw
    transaction stored, maybe not sent) → ``sent`` → ``mined`` (receipt status 1) | ``failed``
    (refused by the contract when it was finally sent; ``error`` says why).
    A *stream* is (contract, community): its writes carry consecutive sequence numbers.
    """

    __tablename__ = "journal"
    __table_args__ = (Index("ix_journal_stream", "contract", "community", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    contract: Mapped[str] = mapped_column(String(64))
    community: Mapped[str] = mapped_column(String(66))
    function: Mapped[str] = mapped_column(String(64))
    #: JSON of the call's arguments with ``seq`` left out (it is filled in when signing).
    payload: Mapped[str] = mapped_column(Text)
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    seq_count: Mapped[int] = mapped_column(Integer, default=1)
    signer: Mapped[str] = mapped_column(String(42))
    status: Mapped[str] = mapped_column(String(16), index=True)
    nonce: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    raw_tx: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    tx_hash: Mapped[str | None] = mapped_column(String(66), nullable=True, index=True)
    block_number: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    block_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: Idempotency key given by the client (e.g. an import file's hash and line), unique when set.
    client_key: Mapped[str | None] = mapped_column(String(128), nullable=True, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
