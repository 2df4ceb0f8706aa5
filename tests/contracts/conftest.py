from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from ledger_service.chain.node import AnvilNode, connect
from ledger_service.chain.sender import Sender
from tests.contracts.harness import SHANGHAI, Community, Ledger, dev_account

#: The chain's clock starts on 2026-01-01 in Asia/Shanghai so the acceptance stories can be replayed
#: in order; tests move it with ``Ledger.set_time``.
GENESIS = dt.datetime(2026, 1, 1, 0, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def ledger_node() -> Iterator[AnvilNode]:
    node = AnvilNode(timestamp=int(GENESIS.timestamp()), accounts=100)
    node.start()
    yield node
    node.stop()


@pytest.fixture(scope="session")
def ledger(ledger_node: AnvilNode) -> Ledger:
    w3 = connect(ledger_node.rpc_url)
    sender = Sender(w3, auto_mine=True)
    led = Ledger(w3, sender, dev_account(0))
    led.community("lotus-garden")
    led.community("bamboo-court")
    return led


@pytest.fixture
def fresh(ledger: Ledger) -> Iterator[Ledger]:
    """The deployed ledger, rolled back after the test (evm_snapshot / evm_revert)."""
    snap = ledger.w3.provider.make_request("evm_snapshot", [])["result"]
    try:
        yield ledger
    finally:
        ledger.w3.provider.make_request("evm_revert", [snap])
        for account in {
            ledger.operator,
            ledger.outsider,
            *(p for c in ledger.communities.values() for p in c.people.values()),
        }:
            ledger.sender.resync(account.address)


@pytest.fixture
def lotus(fresh: Ledger) -> Community:
    return fresh.communities["lotus-garden"]


@pytest.fixture
def bamboo(fresh: Ledger) -> Community:
    return fresh.communities["bamboo-court"]
