"""Declarative base with a naming convention, so Alembic migrations name constraints stably."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


#: Length of a column holding a slug read back from ``bytes16``/``bytes32``: its text, or ``0x`` and
#: the hex of all 32 bytes when it is not printable UTF-8 (migration 0008).
SLUG = 66

class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ChainPosition:
    """Columns every indexed row carries: where its log is on chain.

    ``(chain_id, block_hash, log_index)`` is the idempotency key; ``block_number`` is what a
    reorg rollback deletes by.
    """

    chain_id: Mapped[int] = mapped_column(BigInteger)
    block_number: Mapped[int] = mapped_column(BigInteger, index=True)
    block_hash: Mapped[str] = mapped_column()
    tx_hash: Mapped[str] = mapped_column()
    log_index: Mapped[int] = mapped_column()


#: Tables that hold only what the indexer derives from chain logs; emptied by a rebuild and
#: trimmed by block number on a reorg. Contexts add theirs with ``indexed_table``.
INDEXED_TABLES: list[str] = []


def indexed_table(cls: type) -> type:
    """Class decorator: mark an ORM class's table as derived from the chain."""
    INDEXED_TABLES.append(cls.__tablename__)  # type: ignore[attr-defined]
    return cls


__all__ = ["Base", "ChainPosition", "INDEXED_TABLES", "indexed_table", "utcnow", "DateTime"]
