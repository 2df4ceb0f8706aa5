"""One real service (anvil + SQLite) per test module, with chain time set by the test.

A module-scoped service with ``evm_snapshot``/``evm_revert`` would let SQL and the chain diverge,
so each module builds its own service once and its tests are written not to interfere: each
measures its own before/after, and the refused requests must change nothing at all.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ledger_service.chain.direct import call
from ledger_service.chain.node import free_port
from ledger_service.core.config import Settings
from ledger_service.service import LedgerService
from ledger_service.statements.store import get_statement

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(d: dt.date, hour: int = 10) -> int:
    """Unix seconds of ``d`` at ``hour`` in Shanghai (the communities' zone)."""
    return int(dt.datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI).timestamp())


def new_service(home: Path) -> LedgerService:
    settings = Settings(home=home, node_port=free_port(), env="test", keystore_scrypt_n=2**4)
    return LedgerService.init(settings, genesis_timestamp=at(dt.date(2026, 1, 1), hour=0))


def set_date(svc: LedgerService, d: dt.date) -> None:
    """Move the embedded node's clock to ``d`` (10:00 Shanghai) and mine a block there."""
    svc.w3.provider.make_request("evm_setTime", [at(d)])  # type: ignore[arg-type]
    svc.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def next_seq(svc: LedgerService, slug: str) -> int:
    cid = bytes.fromhex(svc.community_id(slug)[2:])
    return int(call(svc.sender, "RevenueLedger", svc.deployment.address("RevenueLedger"), "nextSeq", cid)[0])


def statement(svc: LedgerService, slug: str, label: str) -> dict:
    svc.sync()
    with svc.db.begin() as conn:
        return get_statement(conn, slug, label).statement


def totals(svc: LedgerService, slug: str, label: str) -> dict:
    """What a refused request must not change: every amount and entry of the statement."""
    s = statement(svc, slug, label)
    return {
        k: s[k]
        for k in (
            "income",
            "allocated",
            "spent",
            "reallocated",
            "balances",
            "deposits",
            "awaiting_decision",
            "entries",
            "entries_root",
            "status",
        )
    }
