"""Personal data, encrypted (not derived from the chain: a rebuild of the index leaves it alone)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger_service.db.base import Base, utcnow


class Person(Base):
    """One person in one community and role, keyed by their pseudonym (lowercase 0x hex: a
    32-byte keyed hash, or a 20-byte holder id for the time bank). Every personal field is an
    AES-GCM ciphertext under the person's own key (``wrapped_key``, wrapped under the data key);
    erasure nulls the key and the ciphertexts and keeps the row, so the pseudonym stays known."""

    __tablename__ = "people"
    __table_args__ = (Index("ix_people_community_role", "community", "role"),)

    pseudonym: Mapped[str] = mapped_column(String(66), primary_key=True)
    community: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    #: people who receive help (beneficiaries, elderly residents) have no public page
    receives_help: Mapped[bool] = mapped_column(Boolean, default=False)
    #: a name the person chose to have published (a donor), in clear; otherwise null
    public_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    name_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    phone_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    address_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    id_number_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PersonAccess(Base):
    """Every reveal in clear and every erasure: who, when, why (never what was shown)."""

    __tablename__ = "people_access"
    __table_args__ = (Index("ix_people_access_pseudonym", "pseudonym"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pseudonym: Mapped[str] = mapped_column(String(66))
    action: Mapped[str] = mapped_column(String(16))  # reveal, erase
    by: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
