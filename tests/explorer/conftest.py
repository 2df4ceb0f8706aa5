"""A real index for the explorer: AS-1 and AS-2 posted on a real anvil, indexed into SQLite by the
real streamer and handlers, and one closed (anchored) month.

Built once per module: the explorer only reads, so tests cannot disturb each other.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import ledger_service.contexts  # noqa: F401  (registers every event handler and statement section)
from ledger_service.chain.node import AnvilNode, connect
from ledger_service.chain.sender import Sender
from ledger_service.db.session import Database
from ledger_service.indexer.registry import registry
from ledger_service.indexer.streamer import Indexer
from ledger_service.indexer.tables import ChainRecord
from ledger_service.revenue.encoding import day_number
from ledger_service.statements.builder import build_statement
from ledger_service.statements.periods import Period
from ledger_service.statements.store import cursor
from tests.contracts.conftest import GENESIS
from tests.contracts.harness import Ledger, at, b16, b32, dev_account

D = dt.date

#: B's stall-rental reference: text from the chain that must stay text in HTML and in a spreadsheet.
HOSTILE_REF = "=1+1<script>x</script>"
#: A pseudonymous payer id (on chain it is a keyed hash); pages may show only a short prefix of it.
PAYER_REF = bytes.fromhex("a1b2c3d4" + "5e" * 28)


@dataclass
class Index:
    db_url: str
    path: Path
    ledger: Ledger
    rpc_url: str
    closed_hash: str  # the anchored hash of lotus-garden 2026-01
    anchor_tx: str


def _index(db: Database, led: Ledger) -> None:
    Indexer(db, led.w3, led.deployment, registry).run_once()


@pytest.fixture(scope="package")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    node = AnvilNode(timestamp=int(GENESIS.timestamp()), accounts=100)
    node.start()
    try:
        w3 = connect(node.rpc_url)
        led = Ledger(w3, Sender(w3, auto_mine=True), dev_account(0))
        lotus = led.community("lotus-garden")
        bamboo = led.community("bamboo-court")

        # AS-1 (A): policy 60/30/10, a year of elevator ads in January...
        led.activate(lotus, ["maintenance", "welfare", "operations"], [6000, 3000, 1000], D(2026, 1, 1))
        led.set_time(at(D(2026, 1, 20)))
        led.income(lotus, 12_000_000, D(2026, 1, 15), source="elevator_ads", ref="ADS-2026")
        # AS-2 (B): stall rental with no policy yet, held for the owners' decision.
        led.set_time(at(D(2026, 2, 10)))
        led.income(bamboo, 1_000_000, D(2026, 2, 10), source="stall_rental", ref=HOSTILE_REF)
        # A stall-holder's deposit: a liability, never income; the payer appears only as a pseudonym.
        led.send(bamboo.people["accountant"], "RevenueLedger", "receiveDeposit", bamboo.id,
                 led.next_seq(bamboo), 50_000, day_number(D(2026, 2, 10)), PAYER_REF, b32("DEP-1"),
                 b"\4" * 32)

        path = tmp_path_factory.mktemp("explorer") / "index.sqlite"
        db_url = f"sqlite:///{path}"
        db = Database(db_url)
        db.migrate()
        with db.session() as s:
            s.add(ChainRecord(chain_id=led.deployment.chain_id,
                              manifest=json.dumps(led.deployment.to_json(), sort_keys=True)))
        _index(db, led)

        # Close A's January: build the statement the way the service does, anchor it on chain.
        with db.begin() as conn:
            block, block_hash = cursor(conn)
            built = build_statement(conn, "lotus-garden", Period.month(2026, 1), as_of_block=block,
                                    as_of_hash=block_hash, status="closed")
        receipt = led.send(
            lotus.people["accountant"], "AuditAnchor", "anchor", lotus.id, b16("2026-01"),
            day_number(D(2026, 1, 1)), day_number(D(2026, 1, 31)), bytes.fromhex(built.hash),
            bytes.fromhex(built.entries_root), len(built.statement["entries"]), led.next_seq(lotus) - 1,
            block, bytes.fromhex(block_hash[2:]),
        )

        # ...and a 30,000 repair from maintenance in March.
        led.set_time(at(D(2026, 3, 12)))
        led.spend(lotus, "maintenance", 3_000_000, D(2026, 3, 10))
        _index(db, led)
        db.dispose()

        yield Index(db_url, path, led, node.rpc_url, built.hash, receipt["transactionHash"])
    finally:
        node.stop()


@pytest.fixture(scope="package")
def explorer_app(real_index: Index) -> FastAPI:
    from explorer.app import create_explorer

    return create_explorer(real_index.db_url, public_url="https://ledger.example.org")


@pytest.fixture(scope="package")
def client(explorer_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(explorer_app, follow_redirects=False) as c:
        yield c
