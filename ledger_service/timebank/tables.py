"""Time-bank read model: one row per TimeBank event, one per holder balance change."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger_service.db.base import Base, ChainPosition, indexed_table


@indexed_table
class TimebankEntry(ChainPosition, Base):
    """One TimeBank event (one chain log). ``kind``: minted, redeemed, donated, granted, rewarded,
    deducted, catalog_item, proxy_set, elderly_set. Holder ids are lowercase 0x pseudonyms; the
    pool is ``ledger_service.timebank.signing.POOL``. ``amount`` is in minutes (0 for
    registrations; the catalog item's price for catalog_item)."""

    __tablename__ = "timebank_entries"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index"),
        Index("ix_timebank_entries_community_date", "community", "business_date"),
        Index("ix_timebank_entries_community_holder", "community", "holder"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    kind: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(BigInteger)
    business_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    #: volunteer (minted), holder (redeemed, donated, rewarded, deducted), resident (granted,
    #: elderly_set), principal (proxy_set)
    holder: Mapped[str | None] = mapped_column(String(42), nullable=True)
    #: the registered proxy who signed (redeemed, donated) or was registered (proxy_set)
    proxy: Mapped[str | None] = mapped_column(String(42), nullable=True)
    #: who received the service (minted only); never shown publicly
    beneficiary: Mapped[str | None] = mapped_column(String(42), nullable=True)
    #: minted: the beneficiary, their proxy or the coordinator; other coordinator writes: the coordinator
    actor: Mapped[str | None] = mapped_column(String(42), nullable=True)
    by_signature: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    record_ref: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    service_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    service_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    item: Mapped[str | None] = mapped_column(String(66), nullable=True)
    category: Mapped[str | None] = mapped_column(String(16), nullable=True)
    provider: Mapped[str | None] = mapped_column(String(66), nullable=True)
    quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(16), nullable=True)
    #: catalog_item: still redeemable; proxy_set / elderly_set: registered (false: removed)
    active: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


@indexed_table
class TimebankMovement(ChainPosition, Base):
    """A signed change of one holder's balance in minutes (the pool included). ``kind``: minted,
    rewarded (+); redeemed, deducted (−); donated (− donor, + pool); granted (− pool, + resident).
    Summing ``amount`` per holder gives balances; the minutes identity is
    sum(all) = minted + rewarded − redeemed − deducted."""

    __tablename__ = "timebank_movements"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index", "holder"),
        Index("ix_timebank_movements_community_date", "community", "business_date"),
        Index("ix_timebank_movements_community_holder", "community", "holder"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    business_date: Mapped[dt.date] = mapped_column(Date)
    holder: Mapped[str] = mapped_column(String(42))
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[int] = mapped_column(BigInteger)
