"""A small real world for proof tests: a service on SQLite with its embedded anvil, two
communities and every kind of revenue entry, Q1 2026 closed and attested.

``lotus``: a policy, one income in its own transaction, a batch of 100 incomes in one transaction,
a spend, an income reversal, a deposit received and partly returned. ``bamboo``: income held in the
owners' common account (no policy yet), then a policy that reallocates it, and a spend reversal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ledger_service.audit.commands import close_period
from ledger_service.audit.export import attest_period
from ledger_service.chain.node import free_port
from ledger_service.communities.commands import add_community
from ledger_service.core.config import Settings
from ledger_service.proofs import bundle as bundles
from ledger_service.proofs.trust_root import trust_root
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income
from ledger_service.service import LedgerService

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D = dt.date
LOTUS, BAMBOO = "lotus", "bamboo"
Q1 = "2026Q1"


def at(d: dt.date, hour: int = 10) -> int:
    return int(dt.datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI).timestamp())


def make_service(home: Path) -> LedgerService:
    settings = Settings(home=home, node_port=free_port(), env="test", keystore_scrypt_n=2**4)
    return LedgerService.init(settings, genesis_timestamp=at(D(2026, 1, 1), hour=0))


def set_date(svc: LedgerService, d: dt.date) -> None:
    svc.w3.provider.make_request("evm_setTime", [at(d)])  # type: ignore[arg-type]
    svc.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


@dataclass
class World:
    svc: LedgerService
    root: dict[str, Any]
    statement_bundles: dict[str, dict[str, Any]] = field(default_factory=dict)

    def statement(self, slug: str) -> dict[str, Any]:
        import json

        return json.loads(self.statement_bundles[slug]["statement"])

    def index_of(self, slug: str, **match: Any) -> int:
        for i, e in enumerate(self.statement(slug)["entries"]):
            if all(e.get(k) == v for k, v in match.items()):
                return i
        raise LookupError(match)


def build_world(svc: LedgerService) -> None:
    acct = f"{LOTUS}:accountant"
    add_community(svc, LOTUS)
    add_community(svc, BAMBOO)
    revenue.set_policy(
        svc, LOTUS, {"maintenance": 6000, "welfare": 3000, "operations": 1000}, D(2026, 1, 1),
        signer=f"{LOTUS}:committee", decision="owners' assembly 2025-12",
    )  # fmt: skip
    set_date(svc, D(2026, 1, 15))
    revenue.post_income(
        svc, LOTUS, Income("elevator_ads", 12_000_000, D(2026, 1, 15), "AD-2026-001"), signer=acct
    )
    revenue.post_income(svc, BAMBOO, Income("stall_rental", 1_000_000, D(2026, 1, 15), "ST-01"),
                        signer=f"{BAMBOO}:accountant")  # fmt: skip
    set_date(svc, D(2026, 1, 16))
    batch = [
        Income("parking", 1_000 + i, D(2026, 1, 16), f"PK-{i:03d}", bytes([i + 1]) * 32) for i in range(100)
    ]
    revenue.post_incomes(svc, LOTUS, batch, signer=acct)
    set_date(svc, D(2026, 2, 10))
    revenue.spend(svc, LOTUS, "maintenance", 3_000_000, D(2026, 2, 10), "REPAIR-0210", signer=acct,
                  evidence="elevator repair invoice")  # fmt: skip
    revenue.reverse(svc, LOTUS, 3, "posted twice", D(2026, 2, 10), signer=acct)
    deposit = revenue.receive_deposit(svc, LOTUS, 50_000, D(2026, 2, 10), "payer-7", "DEP-1", signer=acct)
    assert deposit.seq is not None
    revenue.return_deposit(svc, LOTUS, deposit.seq, 20_000, D(2026, 2, 10), "DEP-1-R", signer=acct)
    set_date(svc, D(2026, 3, 1))
    revenue.set_policy(svc, BAMBOO, {"maintenance": 7000, "welfare": 3000}, D(2026, 3, 1),
                       signer=f"{BAMBOO}:committee", decision="owners' assembly 2026-02")  # fmt: skip
    spent = revenue.spend(svc, BAMBOO, "welfare", 10_000, D(2026, 3, 1), "W-1", signer=f"{BAMBOO}:accountant")
    assert spent.seq is not None
    revenue.reverse(svc, BAMBOO, spent.seq, "wrong bucket", D(2026, 3, 1), signer=f"{BAMBOO}:accountant")
    set_date(svc, D(2026, 4, 2))
    for slug in (LOTUS, BAMBOO):
        close_period(svc, slug, Q1, signer=f"{slug}:accountant")
    attest_period(svc, LOTUS, Q1, signer=f"{LOTUS}:auditor", opinion="unqualified opinion, 2026-04-02")


#: Four validator keys for sealing headers the way a QBFT network does (tests only).
QBFT_KEYS = [bytes([i]) * 32 for i in range(1, 5)]


def qbft_validators(keys: list[bytes] = QBFT_KEYS) -> list[str]:
    from coincurve import PrivateKey

    from ledger_service.proofs.eth import keccak

    return sorted(
        "0x" + keccak(PrivateKey(k).public_key.format(compressed=False)[1:])[12:].hex() for k in keys
    )


def reseal_qbft(bundle: dict[str, Any], keys: list[bytes], validators: list[str]) -> None:
    """Re-seal the bundle's headers as a QBFT network would: the validators in ``extraData``,
    commit seals by ``keys``, and the block hash Besu computes (no seals, round 0)."""
    import rlp

    from ledger_service.proofs import qbft

    for number, entry in list(bundle["headers"].items()):
        fields = rlp.decode(bytes.fromhex(entry["rlp"][2:]))
        fields[12] = qbft.genesis_extra_data(validators)
        sealed = qbft.sign_header(rlp.encode(fields), keys)
        bundle["headers"][number] = {"hash": "0x" + qbft.block_hash(sealed).hex(), "rlp": "0x" + sealed.hex()}


@pytest.fixture(scope="package")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    svc = make_service(tmp_path_factory.mktemp("proofs") / "home")
    try:
        build_world(svc)
        w = World(svc, trust_root(svc.deployment))
        for slug in (LOTUS, BAMBOO):
            w.statement_bundles[slug] = bundles.statement_bundle(svc, slug, Q1)
        yield w
    finally:
        svc.close()


# The time-bank, funds and goods world (its own service), built once for the package.
from tests.proofs.context_world import context_world  # noqa: E402, F401
