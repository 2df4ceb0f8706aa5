"""Serve statements: closed ones exactly as anchored, open ones provisional as of the index's cursor.

Reads SQL only (the explorer uses this module with a read-only connection).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ledger_service.audit.tables import Anchor, ClosedStatement
from ledger_service.core.errors import NotFound
from ledger_service.indexer.tables import IndexerCursor
from ledger_service.statements.builder import build_statement, community_by_slug
from ledger_service.statements.canonical import sha256_hex
from ledger_service.statements.periods import parse_period


@dataclass(frozen=True)
class ServedStatement:
    statement: dict[str, Any]
    body: bytes
    hash: str
    closed: bool
    anchor: dict[str, Any] | None


def cursor(conn: Connection) -> tuple[int, str]:
    row = conn.execute(select(IndexerCursor.block_number, IndexerCursor.block_hash)).first()
    if row is None:
        raise NotFound("nothing is indexed yet")
    return int(row[0]), str(row[1])


def anchor_of(conn: Connection, community_id: str, label: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(Anchor.__table__).where(Anchor.community == community_id, Anchor.label == label)
    ).first()
    if row is None:
        return None
    return {
        "statement_hash": row.statement_hash,
        "entries_root": row.entries_root,
        "entry_count": row.entry_count,
        "as_of_block": row.as_of_block,
        "tx_hash": row.tx_hash,
        "block_number": row.block_number,
        "anchored_by": row.anchored_by,
    }


def get_statement(conn: Connection, slug: str, label: str) -> ServedStatement:
    """The statement of ``slug`` for period ``label``: the anchored bytes once closed, else a
    provisional statement as of the newest indexed block."""
    period = parse_period(label)
    community = community_by_slug(conn, slug)
    closed = conn.execute(
        select(ClosedStatement.__table__).where(
            ClosedStatement.community == community.id, ClosedStatement.label == period.label
        )
    ).first()
    if closed is not None:
        return ServedStatement(
            json.loads(closed.body),
            closed.body,
            closed.statement_hash,
            True,
            anchor_of(conn, community.id, period.label),
        )
    block, block_hash = cursor(conn)
    built = build_statement(
        conn, slug, period, as_of_block=block, as_of_hash=block_hash, status="provisional"
    )
    assert built.hash == sha256_hex(built.body)
    return ServedStatement(built.statement, built.body, built.hash, False, None)
