"""Governance read model: one row per Governance event. Nothing here is updated in place; a
proposal's state (open, approved, used, failed, rejected, expired) is derived from its rows, so
the index can always be rebuilt from the chain's logs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger_service.db.base import Base, ChainPosition, indexed_table

_UQ = ("chain_id", "block_hash", "log_index")


@indexed_table
class GovernanceCommittee(ChainPosition, Base):
    """A committee version (``CommitteeSet``): members are the members' own addresses."""

    __tablename__ = "governance_committees"
    __table_args__ = (
        UniqueConstraint(*_UQ),
        Index("ix_governance_committees_community", "community", "epoch"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    epoch: Mapped[int] = mapped_column(Integer)
    #: JSON list of addresses
    members: Mapped[str] = mapped_column(Text)
    threshold: Mapped[int] = mapped_column(Integer)
    proposal_id: Mapped[int] = mapped_column(BigInteger)
    set_on: Mapped[dt.date] = mapped_column(Date)


@indexed_table
class GovernanceSettings(ChainPosition, Base):
    """Spending threshold, maintenance bucket and policy decision types (``SettingsSet``)."""

    __tablename__ = "governance_settings"
    __table_args__ = (UniqueConstraint(*_UQ), Index("ix_governance_settings_community", "community"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    spend_threshold: Mapped[int] = mapped_column(BigInteger)
    maintenance_bucket: Mapped[str] = mapped_column(String(32))
    policy_type: Mapped[int] = mapped_column(Integer)
    maintenance_policy_type: Mapped[int] = mapped_column(Integer)
    proposal_id: Mapped[int] = mapped_column(BigInteger)


@indexed_table
class GovernanceDecisionType(ChainPosition, Base):
    """A community's own decision type (``DecisionTypeDefined``)."""

    __tablename__ = "governance_decision_types"
    __table_args__ = (UniqueConstraint(*_UQ), UniqueConstraint("community", "decision_type"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    decision_type: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(64))
    #: JSON of the rule (see ``ledger_service.governance.rules.Rule``)
    rule: Mapped[str] = mapped_column(Text)
    proposal_id: Mapped[int] = mapped_column(BigInteger)


@indexed_table
class GovernanceProposal(ChainPosition, Base):
    """A published proposal (``ProposalCreated``)."""

    __tablename__ = "governance_proposals"
    __table_args__ = (UniqueConstraint(*_UQ), UniqueConstraint("community", "proposal_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    proposal_id: Mapped[int] = mapped_column(BigInteger)
    proposer: Mapped[str] = mapped_column(String(42))
    decision_type: Mapped[int] = mapped_column(Integer)
    action_hash: Mapped[str] = mapped_column(String(66))
    document_hash: Mapped[str] = mapped_column(String(66))
    notice_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    #: unix seconds
    deadline: Mapped[int] = mapped_column(BigInteger)
    label: Mapped[str] = mapped_column(String(64))
    proposed_on: Mapped[dt.date] = mapped_column(Date)


@indexed_table
class GovernanceSignature(ChainPosition, Base):
    """A member's approval or rejection (``ProposalSigned``)."""

    __tablename__ = "governance_signatures"
    __table_args__ = (
        UniqueConstraint(*_UQ),
        Index("ix_governance_signatures_proposal", "community", "proposal_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    proposal_id: Mapped[int] = mapped_column(BigInteger)
    member: Mapped[str] = mapped_column(String(42))
    approve: Mapped[bool] = mapped_column(Boolean)
    approvals: Mapped[int] = mapped_column(Integer)
    rejections: Mapped[int] = mapped_column(Integer)
    signed_on: Mapped[dt.date] = mapped_column(Date)


@indexed_table
class GovernanceVote(ChainPosition, Base):
    """An owners' vote as counted (``VoteRecorded``), passed or failed; no individual ballot."""

    __tablename__ = "governance_votes"
    __table_args__ = (UniqueConstraint(*_UQ), UniqueConstraint("community", "proposal_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    proposal_id: Mapped[int] = mapped_column(BigInteger)
    decision_type: Mapped[int] = mapped_column(Integer)
    #: JSON of the rule applied
    rule: Mapped[str] = mapped_column(Text)
    total_area: Mapped[int] = mapped_column(BigInteger)
    participating_area: Mapped[int] = mapped_column(BigInteger)
    yes_area: Mapped[int] = mapped_column(BigInteger)
    paper_area: Mapped[int] = mapped_column(BigInteger)
    total_units: Mapped[int] = mapped_column(Integer)
    participating_units: Mapped[int] = mapped_column(Integer)
    yes_units: Mapped[int] = mapped_column(Integer)
    paper_units: Mapped[int] = mapped_column(Integer)
    ballot_hash: Mapped[str] = mapped_column(String(66))
    quorum_met: Mapped[bool] = mapped_column(Boolean)
    passed: Mapped[bool] = mapped_column(Boolean)
    recorder: Mapped[str] = mapped_column(String(42))
    recorded_on: Mapped[dt.date] = mapped_column(Date)


@indexed_table
class GovernanceOutcome(ChainPosition, Base):
    """What became of a proposal: ``kind`` rejected, expired, used (``ApprovalUsed``) or
    policy_enacted (``PolicyEnacted``, proposal 0 for a community without a committee)."""

    __tablename__ = "governance_outcomes"
    __table_args__ = (
        UniqueConstraint(*_UQ),
        Index("ix_governance_outcomes_proposal", "community", "proposal_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66))
    proposal_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    action_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    decision_type: Mapped[int | None] = mapped_column(Integer, nullable=True)
    emergency: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    actor: Mapped[str | None] = mapped_column(String(42), nullable=True)
    policy_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    decision_hash: Mapped[str | None] = mapped_column(String(66), nullable=True)
    happened_on: Mapped[dt.date] = mapped_column(Date)
