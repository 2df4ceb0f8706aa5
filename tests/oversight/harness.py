"""Oversight on the contract-test harness's chain: send, call, expect a named revert, close a period.

The harness's ``Ledger`` decodes only the original contracts' errors; this decodes across every
deployed contract (Oversight's errors, and governance's when they bubble up through it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from ledger_service.chain.abi import contract_abi, error_table
from ledger_service.chain.compile import DEPLOYABLE
from ledger_service.chain.errors import decode_revert
from ledger_service.chain.sender import RevertedCall, revert_data
from ledger_service.core.errors import ContractRejected
from ledger_service.governance.signing import Approval, Domain, sign_approval
from ledger_service.oversight import errors as _errors  # noqa: F401  (readable messages)
from ledger_service.revenue.encoding import day_number
from tests.contracts.harness import Community, Ledger, at, b16, b32

CONTRACT = "Oversight"
ERRORS = error_table(DEPLOYABLE)


def _decoded(data: bytes) -> Exception:
    decoded = decode_revert(data, ERRORS)
    return decoded if decoded is not None else AssertionError(f"reverted without a known error: {data.hex()}")


def send(led: Ledger, account: LocalAccount, fn: str, *args: Any, contract: str = CONTRACT) -> dict[str, Any]:
    data = contract_abi(contract).call_data(fn, *args)
    try:
        signed = led.sender.build_and_sign(account, led.address(contract), data)
    except RevertedCall as e:
        raise _decoded(e.revert_data) from None
    led.sender.send_raw(signed)
    receipt: dict[str, Any] = led.sender.wait([signed.hash])[0]
    if receipt["status"] != "0x1":
        raise _decoded(led.sender.replay_revert_data(signed.hash))
    return receipt


def call(led: Ledger, fn: str, *args: Any) -> tuple[Any, ...]:
    abi = contract_abi(CONTRACT)
    try:
        raw = led.w3.eth.call({"to": led.address(CONTRACT), "data": abi.call_data(fn, *args)})  # type: ignore[typeddict-item]
    except Exception as e:  # a revert in a view: decode it like a write's
        data = revert_data(e)
        if data is None:
            raise
        raise _decoded(data) from None
    return abi.functions[fn].decode_output(bytes(raw))


def rejects(led: Ledger, error: str, account: LocalAccount | None, fn: str, *args: Any) -> dict[str, Any]:
    """Assert the write (or, with ``account`` None, the view) is refused with ``error``."""
    try:
        if account is None:
            call(led, fn, *args)
        else:
            send(led, account, fn, *args)
    except ContractRejected as e:
        assert e.error_name == error, f"expected {error}, got {e.error_name}: {e.message}"
        return e.error_args
    raise AssertionError(f"{fn} was accepted; expected {error}")


def event(led: Ledger, receipt: dict[str, Any], name: str) -> dict[str, Any]:
    [ev] = led.logs(receipt, CONTRACT, name)
    return ev


def close_period(led: Ledger, c: Community, start: dt.date, end: dt.date, label: str) -> bytes:
    """Anchor the period (the accountant closes it); returns its period key."""
    head = led.w3.eth.get_block("latest")
    led.send(
        c.people["accountant"],
        "AuditAnchor",
        "anchor",
        c.id,
        b16(label),
        day_number(start),
        day_number(end),
        b"\x07" * 32,
        b"\x08" * 32,
        0,
        led.next_seq(c) - 1,
        head["number"],
        bytes(head["hash"]),
    )
    return bytes(led.call("AuditAnchor", "periodKeyOf", c.id, day_number(start), day_number(end))[0])


# -- governance: how a budget gets its approval (the members' own EIP-712 signatures) ---------------


def activate_policy(
    led: Ledger, c: Community, buckets: list[str], bps: list[int], effective: dt.date
) -> None:
    """A policy for a community whose committee is not set up yet (a committee member, directly)."""
    send(
        led,
        c.people["committee"],
        "activatePolicy",
        c.id,
        led.next_seq(c),
        [b32(b) for b in buckets],
        bps,
        day_number(effective),
        b"\1" * 32,
        contract="Governance",
    )


def set_up_committee(led: Ledger, c: Community) -> list[LocalAccount]:
    """Three members with their own keys, two approvals needed; no spending threshold in the way."""
    members = [Account.from_key(keccak(text=f"civic.test.member.{c.slug}.{i}")) for i in range(3)]
    send(
        led,
        c.people["admin"],
        "setUpCommittee",
        c.id,
        [m.address for m in members],
        2,
        2**53 - 1,
        b32("maintenance_fund"),
        contract="Governance",
    )
    return members


def approve(
    led: Ledger, c: Community, members: list[LocalAccount], action_hash: bytes, decision_type: int = 0
) -> int:
    """Propose ``action_hash`` (the accountant) and have two members sign it; returns the proposal id."""
    gov = led.address("Governance")
    pid = int(led.call("Governance", "nextProposalId", c.id)[0])
    now = int(led.w3.eth.get_block("latest")["timestamp"])
    send(
        led,
        c.people["accountant"],
        "propose",
        c.id,
        pid,
        decision_type,
        action_hash,
        b"\x5d" * 32,
        b"\0" * 32,
        now + 30 * 86_400,
        b32("budget"),
        contract="Governance",
    )
    domain = Domain(led.sender.chain_id, gov)
    for member in members[:2]:
        approval = Approval(c.id, pid, action_hash, b"\x5d" * 32, True, now + 30 * 86_400)
        send(
            led,
            led.outsider,
            "sign",
            c.id,
            pid,
            member.address,
            True,
            now + 30 * 86_400,
            sign_approval(member, domain, approval),
            contract="Governance",
        )
    return pid


__all__ = [
    "activate_policy",
    "approve",
    "at",
    "b16",
    "b32",
    "set_up_committee",
    "call",
    "close_period",
    "event",
    "rejects",
    "send",
    "CONTRACT",
]
