"""Index AuditAnchor events; after each batch, fix the bytes of newly closed statements.

The closed statement is regenerated from the index as of the anchor's block and stored only if
its SHA-256 equals the anchored hash — the normal path and a rebuild from genesis take the same
road, so a rebuilt index serves the same bytes.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from ledger_service.audit.tables import Anchor, Attestation, ClosedStatement
from ledger_service.communities.tables import Community
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.indexer.registry import Batch, Log, registry
from ledger_service.revenue.encoding import from_day_number, read_text
from ledger_service.statements.builder import build_statement
from ledger_service.statements.periods import parse_period

log = logging.getLogger(__name__)


@registry.on("AuditAnchor", "StatementAnchored")
def statement_anchored(entry: Log, batch: Batch) -> None:
    a = entry.args
    row = {
        **entry.position,
        "community": _hex(a["community"]),
        "period_key": _hex(a["periodKey"]),
        "label": read_text(a["label"]),
        "from_date": from_day_number(a["fromDate"]),
        "to_date": from_day_number(a["toDate"]),
        "statement_hash": a["statementHash"].hex(),
        "entries_root": a["entriesRoot"].hex(),
        "entry_count": a["entryCount"],
        "through_seq": a["throughSeq"],
        "as_of_block": a["asOfBlock"],
        "anchored_by": a["by"],
    }
    batch.add(Anchor, row)
    batch.memo.setdefault("anchored", []).append((row, _hex(a["asOfBlockHash"])))


@registry.on("AuditAnchor", "StatementAttested")
def statement_attested(entry: Log, batch: Batch) -> None:
    a = entry.args
    batch.add(
        Attestation,
        {
            **entry.position,
            "community": _hex(a["community"]),
            "period_key": _hex(a["periodKey"]),
            "statement_hash": a["statementHash"].hex(),
            "opinion_hash": _hex(a["opinionHash"]),
            "auditor": a["auditor"],
        },
    )


@registry.after
def materialise_closed_statements(batch: Batch, to_block: int) -> None:
    for row, as_of_hash in batch.memo.pop("anchored", []):
        slug = batch.conn.execute(select(Community.slug).where(Community.id == row["community"])).scalar_one()
        built = build_statement(
            batch.conn,
            slug,
            parse_period(row["label"]),
            as_of_block=row["as_of_block"],
            as_of_hash=as_of_hash,
            status="closed",
        )
        if built.hash != row["statement_hash"]:
            log.error(
                "closed statement %s %s does not reproduce its anchored hash (%s != %s)",
                slug,
                row["label"],
                built.hash,
                row["statement_hash"],
            )
            continue
        batch.add(
            ClosedStatement,
            {
                "community": row["community"],
                "label": row["label"],
                "statement_hash": built.hash,
                "body": built.body,
                "block_number": row["block_number"],
            },
        )
        batch.flush()
