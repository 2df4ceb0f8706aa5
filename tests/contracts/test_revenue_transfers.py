"""RevenueLedger.transferOut: money leaves a bucket only for a registered sink contract, which may
refuse; a refused transfer changes nothing. The sinks themselves (funds, the time bank's fee
discount) are tested with their contracts."""

from __future__ import annotations

import datetime as dt

import pytest
from eth_abi import encode
from eth_utils import keccak

from ledger_service.revenue.encoding import day_number
from tests.contracts.harness import Community, Ledger, b32

D = dt.date


def _transfer(led: Ledger, c: Community, bucket: str, amount: int, sink: str) -> tuple:
    return (c.id, led.next_seq(c), b32(bucket), amount, day_number(D(2026, 1, 1)), sink, b32("TR-1"), b"\x01")


def test_transferOut_toAnUnregisteredSink_isRefused_andChangesNothing(
    fresh: Ledger, lotus: Community
) -> None:
    fresh.activate(lotus, ["maintenance", "welfare"], [6000, 4000], D(2026, 1, 1))
    fresh.income(lotus, 100_000, D(2026, 1, 1))
    seq = fresh.next_seq(lotus)
    args = fresh.rejects(
        "RevenueUnknownSink", lotus.people["accountant"], "RevenueLedger", "transferOut",
        *_transfer(fresh, lotus, "welfare", 1_000, fresh.outsider.address),
    )  # fmt: skip
    assert args["sink"] == fresh.outsider.address
    assert fresh.balance(lotus, "welfare") == 40_000 and fresh.next_seq(lotus) == seq


def test_transferOut_whenTheSinkCannotTakeIt_isRefusedWhole(fresh: Ledger, lotus: Community) -> None:
    """A registered address with no code cannot accept the call: the debit is undone with it."""
    fresh.activate(lotus, ["maintenance", "welfare"], [6000, 4000], D(2026, 1, 1))
    fresh.income(lotus, 100_000, D(2026, 1, 1))
    fresh.send(fresh.operator, "RevenueLedger", "setSink", fresh.outsider.address, True)
    assert fresh.call("RevenueLedger", "isSink", fresh.outsider.address)[0] is True
    seq = fresh.next_seq(lotus)
    with pytest.raises(AssertionError, match="reverted without reason"):  # the call to no code
        fresh.send(
            lotus.people["accountant"], "RevenueLedger", "transferOut",
            *_transfer(fresh, lotus, "welfare", 1_000, fresh.outsider.address), gas=300_000,
        )  # fmt: skip
    assert fresh.balance(lotus, "welfare") == 40_000 and fresh.next_seq(lotus) == seq


def test_transferOut_fromOwnersCommon_orBeyondTheBalance_isRefused(fresh: Ledger, bamboo: Community) -> None:
    fresh.income(bamboo, 50_000, D(2026, 1, 1), source="stall_rental")
    fresh.send(fresh.operator, "RevenueLedger", "setSink", fresh.outsider.address, True)
    fresh.rejects(
        "RevenueOwnersCommonLocked", bamboo.people["accountant"], "RevenueLedger", "transferOut",
        *_transfer(fresh, bamboo, "owners_common", 1_000, fresh.outsider.address),
    )  # fmt: skip


def test_setSink_isTheOperatorsAlone(fresh: Ledger, lotus: Community) -> None:
    admin = lotus.people["admin"]
    fresh.rejects("OwnableUnauthorizedAccount", admin, "RevenueLedger", "setSink", admin.address, True)


def test_actionHashes_areTheDocumentedEncodings(fresh: Ledger, lotus: Community) -> None:
    """What a governance proposal must name to approve exactly this spend or transfer."""
    bucket, ref, evidence = b32("maintenance"), b32("PAY-7"), b"\x07" * 32
    expected = keccak(encode(
        ["bytes32", "bytes32", "bytes32", "uint64", "bytes32", "bytes32"],
        [keccak(text="civic.action.spend"), lotus.id, bucket, 3_000_000, ref, evidence],
    ))  # fmt: skip
    assert (
        fresh.call("RevenueLedger", "spendActionHash", lotus.id, bucket, 3_000_000, ref, evidence)[0]
        == expected
    )
    sink, data_hash = fresh.outsider.address, keccak(b"\x01")
    expected = keccak(encode(
        ["bytes32", "bytes32", "bytes32", "uint64", "address", "bytes32", "bytes32"],
        [keccak(text="civic.action.transfer"), lotus.id, bucket, 5, sink, ref, data_hash],
    ))  # fmt: skip
    assert (
        fresh.call("RevenueLedger", "transferActionHash", lotus.id, bucket, 5, sink, ref, data_hash)[0]
        == expected
    )
