"""Closing a period: build the statement from the index, anchor its hash and entries root."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ledger_service.chain.direct import transact
from ledger_service.revenue.encoding import day_number, fixed_text
from ledger_service.revenue.tables import RevenueEntry
from ledger_service.statements.builder import build_statement
from ledger_service.statements.periods import parse_period
from ledger_service.statements.store import ServedStatement, get_statement

if TYPE_CHECKING:
    from ledger_service.service import LedgerService


@dataclass(frozen=True)
class Closed:
    label: str
    statement_hash: str
    entries_root: str
    tx_hash: str
    statement: ServedStatement


def close_period(svc: LedgerService, slug: str, label: str, *, signer: str) -> Closed:
    """Close ``label`` for ``slug``: the statement as of the newest block, anchored on chain.

    The contract refuses it if the period has not ended, was already closed, or a write landed
    after the statement's last one (so a statement never misses an entry).
    """
    period = parse_period(label)
    svc.sync()
    cid = svc.community_id(slug)
    block, block_hash = svc.head()
    with svc.db.begin() as conn:
        built = build_statement(conn, slug, period, as_of_block=block, as_of_hash=block_hash, status="closed")
        through = (
            conn.execute(
                select(func.max(RevenueEntry.seq)).where(
                    RevenueEntry.community == cid, RevenueEntry.block_number <= block
                )
            ).scalar()
            or 0
        )
    account = svc.account(signer)
    receipt = transact(
        svc.sender,
        account,
        "AuditAnchor",
        svc.deployment.address("AuditAnchor"),
        "anchor",
        bytes.fromhex(cid[2:]),
        fixed_text(period.label, 16, "period label"),
        day_number(period.start),
        day_number(period.end),
        bytes.fromhex(built.hash),
        bytes.fromhex(built.entries_root),
        len(built.statement["entries"]),
        through,
        block,
        bytes.fromhex(block_hash[2:]),
    )
    svc.sync()
    with svc.db.begin() as conn:
        served = get_statement(conn, slug, period.label)
    return Closed(period.label, built.hash, built.entries_root, receipt["transactionHash"], served)
