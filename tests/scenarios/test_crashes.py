"""A service process killed (SIGKILL) between journal and send, between send and receipt, and
between receipt and index: after a restart every entry is on chain and in the index exactly once."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ledger_service.chain.direct import call
from ledger_service.chain.node import AnvilNode
from ledger_service.communities.commands import add_community
from ledger_service.core.config import Settings
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.tables import RevenueEntry
from ledger_service.service import LedgerService

ROOT = Path(__file__).resolve().parents[2]
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
GENESIS = int(dt.datetime(2026, 1, 1, tzinfo=SHANGHAI).timestamp())
SLUG = "lotus-garden"

CHILD = textwrap.dedent(
    """
    import datetime as dt, os, signal, sys
    from pathlib import Path
    from ledger_service.core.config import Settings
    from ledger_service.revenue import commands as revenue
    from ledger_service.revenue.encoding import Income
    from ledger_service.service import LedgerService

    home, rpc, point = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    svc = LedgerService.open(Settings(home=home, rpc_url=rpc, env="test", keystore_scrypt_n=16))

    def die(*_a, **_k):
        os.kill(os.getpid(), signal.SIGKILL)

    if point == "between_journal_and_send":
        svc.sender.send_raw = die
    elif point == "between_send_and_receipt":
        send = svc.sender.send_raw
        def send_then_die(signed):
            send(signed)
            die()
        svc.sender.send_raw = send_then_die
    revenue.post_income(svc, "lotus-garden", Income("parking", 12345, dt.date(2026, 1, 1), "CRASH-1"),
                        signer="lotus-garden:accountant")
    die()  # between receipt and index: the write is mined, nothing was indexed
    """
)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Settings, AnvilNode]]:
    node = AnvilNode(no_mining=False, gas_price=0, base_fee=0, accounts=0, timestamp=GENESIS)
    node.start()
    settings = Settings(home=tmp_path / "home", rpc_url=node.rpc_url, env="test", keystore_scrypt_n=16)
    svc = LedgerService.init(settings)
    add_community(svc, SLUG)
    revenue.set_policy(svc, SLUG, {"maintenance": 10_000}, dt.date(2026, 1, 1), signer=f"{SLUG}:committee")
    svc.close()
    try:
        yield settings, node
    finally:
        node.stop()


@pytest.mark.parametrize(
    "point", ["between_journal_and_send", "between_send_and_receipt", "between_receipt_and_index"]
)
def test_killedService_restarts_andEveryEntryLandsExactlyOnce(
    world: tuple[Settings, AnvilNode], point: str
) -> None:
    settings, node = world
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(settings.home), node.rpc_url, point], env=env, capture_output=True,
        timeout=120,
    )
    assert child.returncode == -9, child.stderr.decode()[-2000:]
    for _ in range(2):  # restart twice: recovery is idempotent
        svc = LedgerService.open(settings)
        try:
            svc.sync()
            cid = svc.community_id(SLUG)
            next_seq = call(svc.sender, "RevenueLedger", svc.deployment.address("RevenueLedger"), "nextSeq",
                            bytes.fromhex(cid[2:]))[0]
            assert next_seq == 3  # the policy, then the income: once
            with svc.db.session() as s:
                n = s.scalar(select(func.count()).where(RevenueEntry.ref == "CRASH-1"))
            assert n == 1
            balance = call(svc.sender, "RevenueLedger", svc.deployment.address("RevenueLedger"), "balanceOf",
                           bytes.fromhex(cid[2:]), b"maintenance".ljust(32, b"\0"))[0]
            assert balance == 12345
        finally:
            svc.close()
