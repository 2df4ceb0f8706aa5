"""Time-bank read model: one row per TimeBank event, one per holder balance change."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger_service.db.base import SLUG, Base, ChainPosition, indexed_table, utcnow


@indexed_table
class TimebankEntry(ChainPosition, Base):
    """One TimeBank event (one chain log). ``kind``: minted, redeemed, donated, granted, rewarded,
    deducted, catalog_item, proxy_set, elderly_set, fee_discount, fee_terms. Holder ids are
    lowercase 0x pseudonyms; the pool is ``ledger_service.timebank.encoding.POOL``. ``amount`` is
    in minutes (0 for registrations and fee_terms; the catalog item's price for catalog_item).
    ``fee_discount`` rows carry the revenue ledger's sequence number as ``seq`` (the revenue
    write that paid them)."""

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
    service_type: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    service_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    item: Mapped[str | None] = mapped_column(String(66), nullable=True)
    category: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    provider: Mapped[str | None] = mapped_column(String(66), nullable=True)
    quantity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    #: catalog_item: still redeemable; proxy_set / elderly_set: registered (false: removed)
    active: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    #: fee_discount: fen paid from the revenue bucket; fee_terms: the approved rate in fen per hour
    fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    #: fee_discount, fee_terms: the revenue bucket that pays
    bucket: Mapped[str | None] = mapped_column(String(SLUG), nullable=True)
    #: fee_terms: caps in fen per period (per holder, for the whole community) and the period in months
    cap_per_holder: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    cap_total: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    period_months: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: fee_terms: the governance proposal that approved them (0: committee only, no governance set)
    proposal_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


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


class TimebankServiceRecord(Base):
    """A service record as written down, before it mints (service state, not derived from the
    chain). Its ``record_ref`` is allocated here, one per community, and is the number the chain
    mints at most once. A record reported by the volunteer alone stays ``pending``: self-reported
    hours mint nothing until the beneficiary signs or a coordinator attests."""

    __tablename__ = "timebank_service_records"
    __table_args__ = (
        UniqueConstraint("community", "record_ref"),
        Index("ix_timebank_service_records_community_status", "community", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    record_ref: Mapped[int] = mapped_column(BigInteger)
    volunteer: Mapped[str] = mapped_column(String(42))
    beneficiary: Mapped[str] = mapped_column(String(42))
    service_type: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(Integer)
    service_date: Mapped[dt.date] = mapped_column(Date)
    #: who wrote it down: volunteer, beneficiary, coordinator
    reported_by: Mapped[str] = mapped_column(String(16))
    #: pending (not attested), submitted (sent to the chain; the index shows whether it minted)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    journal_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
