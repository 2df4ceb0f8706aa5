"""Time-bank commands build the journal writes the contract expects (no chain needed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from eth_account import Account

from ledger_service.chain.abi import contract_abi
from ledger_service.chain.journal import Write
from ledger_service.core.errors import InvalidInput
from ledger_service.timebank import commands
from ledger_service.timebank.encoding import item_id

CID = "0x" + "ab" * 32
V = "0x" + "11" * 20
B = "0x" + "22" * 20


@dataclass
class FakeJournal:
    writes: list[Write] = field(default_factory=list)

    def submit(self, write: Write) -> Write:
        self.writes.append(write)
        return write


@dataclass
class FakeDeployment:
    chain_id: int = 31337

    def address(self, name: str) -> str:
        assert name == "TimeBank"
        return "0x" + "cd" * 20


@dataclass
class FakeService:
    journal: FakeJournal = field(default_factory=FakeJournal)
    deployment: FakeDeployment = field(default_factory=FakeDeployment)
    coordinator: Any = field(default_factory=Account.create)

    def account(self, who: str) -> Any:
        return self.coordinator

    def community_id(self, slug: str) -> str:
        return CID


def _encodes(w: Write, seq: int = 1) -> bytes:
    data = w.call_data(seq)
    fn = contract_abi("TimeBank").functions[w.function]
    assert data[:4] == fn.selector
    return data


def test_mintRecords_batchesAndConsumesOneSeqPerRecord() -> None:
    svc = FakeService()
    day = dt.date(2026, 3, 1)
    records = [commands.service_record(i, V, B, "companionship", 120, day) for i in range(1, 2_501)]
    done = commands.mint_records(svc, "lotus-garden", records, signer="lotus-garden:coordinator")  # type: ignore[arg-type]
    assert [w.seq_count for w in done] == [1_000, 1_000, 500]  # type: ignore[attr-defined]
    for w in svc.journal.writes:
        assert w.function == "mintByCoordinator" and w.contract == "TimeBank" and w.community == CID
        _encodes(w)
    first = svc.journal.writes[0].call_args()[0][0]
    assert first == (1, V, B, b"companionship".ljust(16, b"\0"), 120, 20513)
    with pytest.raises(InvalidInput):
        commands.mint_records(svc, "lotus-garden", [records[0], records[0]], signer="c")  # type: ignore[arg-type]


def test_serviceRecord_refusesSelfAttestationAndBadMinutes() -> None:
    with pytest.raises(InvalidInput):
        commands.service_record(1, V, V, "repairs", 60, dt.date(2026, 3, 1))
    with pytest.raises(InvalidInput):
        commands.service_record(1, V, B, "repairs", 1441, dt.date(2026, 3, 1))


def test_everyCommand_encodesAgainstTheAbi() -> None:
    svc: Any = FakeService()
    r = commands.service_record(7, V, B, "repairs", 60, dt.date(2026, 3, 1))
    item = item_id("lotus-garden", "haircut")
    sig = b"\1" * 65
    commands.mint_attested(svc, "s", r, sig, signer="c")
    commands.redeem(svc, "s", V, item, 2, 120, 0, 2**40, sig, signer="c")
    commands.donate(svc, "s", V, 60, 0, 2**40, sig, signer="c")
    commands.grant(svc, "s", B, 60, signer="c")
    commands.reward(svc, "s", V, 600, "event_helper", signer="c")
    commands.deduct(svc, "s", V, 300, "noise_violation", signer="c")
    commands.set_catalog_item(svc, "s", item, "haircut", 60, "lotus-barber", signer="c")
    commands.set_proxy(svc, "s", B, V, signer="c")
    commands.set_elderly(svc, "s", B, signer="c")
    names = [w.function for w in svc.journal.writes]
    assert names == [
        "mintAttested",
        "redeem",
        "donate",
        "grant",
        "reward",
        "deduct",
        "setCatalogItem",
        "setProxy",
        "setElderly",
    ]
    for w in svc.journal.writes:
        _encodes(w, 42)
    with pytest.raises(InvalidInput):
        commands.set_proxy(svc, "s", V, V, signer="c")
    with pytest.raises(InvalidInput):
        commands.redeem(svc, "s", V, item, 0, 120, 0, 2**40, sig, signer="c")
