"""Funds read model: one row per Funds (and Goods) event. Who paid for what is not stored: it is
recomputed from these rows by ``ledger_service.funds.trace`` (first in, first out), so a rebuilt
index gives the same trace by construction."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger_service.db.base import SLUG, Base, ChainPosition, indexed_table


@indexed_table
class FundEntry(ChainPosition, Base):
    """One Funds event. ``kind``: fund_created, earmark_opened, project_opened, donation,
    from_revenue, disbursement, acceptance, returned, refund. Slugs (fund, earmark, project,
    receipt, campaign) are the texts stored left-aligned in bytes32. ``amount`` in fen (0 for
    set-ups; the owners' threshold is in ``threshold``). ``seq`` is the Funds write's number, or
    for ``from_revenue`` the revenue entry's number. ``source`` is the earmark's FIFO source number
    an inflow got. ``public_name`` is set only when the donor chose to be named."""

    __tablename__ = "funds_entries"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index"),
        Index("ix_funds_entries_community_date", "community", "business_date"),
        Index("ix_funds_entries_community_receipt", "community", "receipt"),
        Index("ix_funds_entries_community_project", "community", "project"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    kind: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(BigInteger)
    business_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    fund: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    earmark: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    project: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    receipt: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    source: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    #: donation: the donor's pseudonym (0x, 32 bytes)
    donor: Mapped[str | None] = mapped_column(String(66), nullable=True)
    donor_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    formula_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    formula_rate: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    formula_units: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    campaign: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    rights: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    public_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    #: fund_created: the fund's kind
    fund_kind: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    #: fund_created: owners' vote threshold; project_opened: budget
    threshold: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    #: project_opened: acceptances required; acceptance: acceptances so far
    acceptances: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_final: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    ref: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    evidence_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    #: the approving proposal (decimal text: uint256), 0 when none was needed
    proposal_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    decision_type: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: from_revenue: the revenue bucket it came from
    bucket: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    actor: Mapped[str | None] = mapped_column(String(42), nullable=True)


@indexed_table
class GoodsEntry(ChainPosition, Base):
    """One Goods event. ``kind``: item_registered, donated, requested, transferred, distributed.
    ``community`` is where it happened (the giving community for a transfer; ``counterpart`` the
    receiving one). Quantities are integers in the item's unit."""

    __tablename__ = "goods_entries"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index"),
        Index("ix_goods_entries_community_date", "community", "business_date"),
        Index("ix_goods_entries_receipt", "receipt"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    kind: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(BigInteger)
    business_date: Mapped[dt.date] = mapped_column(Date)
    item: Mapped[str] = mapped_column(String(SLUG))
    unit: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    quantity: Mapped[int] = mapped_column(BigInteger)
    receipt: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    donor: Mapped[str | None] = mapped_column(String(66), nullable=True)
    donor_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    public_name: Mapped[str | None] = mapped_column(String(64), nullable=True)
    request: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    counterpart: Mapped[str | None] = mapped_column(String(66), nullable=True)
    #: distributed: what it went to (a programme or category, never a person)
    purpose: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    evidence_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    proposal_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    actor: Mapped[str | None] = mapped_column(String(42), nullable=True)
