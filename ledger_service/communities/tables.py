"""Communities and role holders, as the CommunityRoles contract recorded them."""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ledger_service.db.base import Base, ChainPosition, indexed_table


@indexed_table
class Community(ChainPosition, Base):
    __tablename__ = "communities"

    id: Mapped[str] = mapped_column(String(66), primary_key=True)  # 0x + keccak(slug)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    utc_offset_minutes: Mapped[int] = mapped_column(Integer)
    admin: Mapped[str] = mapped_column(String(42))


@indexed_table
class RoleEvent(ChainPosition, Base):
    """Every grant and revoke, in chain order; the current holders are the last event per key."""

    __tablename__ = "role_events"
    __table_args__ = (UniqueConstraint("chain_id", "block_hash", "log_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    community: Mapped[str] = mapped_column(String(66), index=True)
    role: Mapped[str] = mapped_column(String(16))
    account: Mapped[str] = mapped_column(String(42))
    granted: Mapped[bool] = mapped_column(Boolean)
    sender: Mapped[str] = mapped_column(String(42))
