"""Oversight read model, derived from Oversight events only (rows are never updated: an ended
contract or an answered objection is a row of its own, so a reorg rollback by block stays exact)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger_service.db.base import Base, ChainPosition, indexed_table


@indexed_table
class OversightBudget(ChainPosition, Base):
    """One adopted budget version (``BudgetAdopted``); the latest version of a year is in force."""

    __tablename__ = "oversight_budgets"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index"),
        Index("ix_oversight_budgets_community_year", "community", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(BigInteger)
    other: Mapped[int] = mapped_column(BigInteger)
    contingency: Mapped[int] = mapped_column(BigInteger)
    other_limit_bps: Mapped[int] = mapped_column(Integer)
    doc_hash: Mapped[str] = mapped_column(String(66))
    proposal_id: Mapped[int] = mapped_column(BigInteger)
    decision_type: Mapped[int] = mapped_column(Integer)
    adopted_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(42))


@indexed_table
class OversightBudgetLine(ChainPosition, Base):
    """One line of an adopted budget version; ``bucket`` "income" marks a planned income line
    (its ``purpose`` is the income source)."""

    __tablename__ = "oversight_budget_lines"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index", "line_no"),
        Index("ix_oversight_budget_lines_community_year", "community", "year", "version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    line_no: Mapped[int] = mapped_column(Integer)
    bucket: Mapped[str] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(32))
    amount: Mapped[int] = mapped_column(BigInteger)


@indexed_table
class OversightLimit(ChainPosition, Base):
    """A change of the community's limit on a budget's "other" share (``OtherLimitSet``)."""

    __tablename__ = "oversight_limits"
    __table_args__ = (UniqueConstraint("chain_id", "block_hash", "log_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    limit_bps: Mapped[int] = mapped_column(Integer)
    proposal_id: Mapped[int] = mapped_column(BigInteger)
    changed_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(42))


@indexed_table
class OversightContract(ChainPosition, Base):
    """A registered revenue-earning contract (``RevenueContractRegistered``)."""

    __tablename__ = "oversight_contracts"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index"),
        Index("ix_oversight_contracts_community_number", "community", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    contract_id: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    counterparty: Mapped[str] = mapped_column(String(66))
    doc_hash: Mapped[str] = mapped_column(String(66))
    registered_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(42))


@indexed_table
class OversightInstalment(ChainPosition, Base):
    """One expected payment of a registered contract."""

    __tablename__ = "oversight_instalments"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index", "n"),
        Index("ix_oversight_instalments_community_contract", "community", "contract_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    contract_id: Mapped[int] = mapped_column(Integer)
    n: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)


@indexed_table
class OversightContractEnd(ChainPosition, Base):
    """A contract ended early (``RevenueContractEnded``): instalments due after ``end_date`` are
    no longer expected."""

    __tablename__ = "oversight_contract_ends"
    __table_args__ = (UniqueConstraint("chain_id", "block_hash", "log_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    contract_id: Mapped[int] = mapped_column(Integer)
    end_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(42))


@indexed_table
class OversightPeriodClose(ChainPosition, Base):
    """The day a closed period's objection window started (``PeriodCloseNoted``)."""

    __tablename__ = "oversight_period_closes"
    __table_args__ = (UniqueConstraint("chain_id", "block_hash", "log_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    period_key: Mapped[str] = mapped_column(String(66))
    from_date: Mapped[dt.date] = mapped_column(Date)
    to_date: Mapped[dt.date] = mapped_column(Date)
    close_day: Mapped[dt.date] = mapped_column(Date)


@indexed_table
class OversightObjection(ChainPosition, Base):
    """A resident's objection (``ObjectionFiled``); ``objector`` is a pseudonym."""

    __tablename__ = "oversight_objections"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index"),
        Index("ix_oversight_objections_community_id", "community", "objection_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    objection_id: Mapped[int] = mapped_column(Integer)
    period_key: Mapped[str] = mapped_column(String(66))
    objector: Mapped[str] = mapped_column(String(66))
    entry_seq: Mapped[int] = mapped_column(BigInteger)
    evidence_hash: Mapped[str] = mapped_column(String(66))
    filed_on: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean)
    answer_due: Mapped[dt.date] = mapped_column(Date)
    first_correction_seq: Mapped[int] = mapped_column(BigInteger)
    actor: Mapped[str] = mapped_column(String(42))


@indexed_table
class OversightAnswer(ChainPosition, Base):
    """The answer to an objection: ``kind`` "correction" (naming ``correction_seq``) or
    "rejection" (with its ``reason``)."""

    __tablename__ = "oversight_answers"
    __table_args__ = (
        UniqueConstraint("chain_id", "block_hash", "log_index"),
        Index("ix_oversight_answers_community_id", "community", "objection_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    objection_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    correction_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note_hash: Mapped[str] = mapped_column(String(66))
    answered_on: Mapped[dt.date] = mapped_column(Date)
    late: Mapped[bool] = mapped_column(Boolean)
    actor: Mapped[str] = mapped_column(String(42))
