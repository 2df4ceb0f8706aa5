"""A real service (anvil + SQLite) with communities that keep funds: a fund keeper, resident
representatives, and a Governance committee of three service-held member keys (M = 2) whose own
EIP-712 signatures approve exactly the action a test names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eth_account import Account

from ledger_service.chain.direct import call, transact
from ledger_service.communities.commands import add_community, ensure_key, grant_role, key_label
from ledger_service.service import LedgerService
from ledger_service.statements.periods import day_number
from ledger_service.statements.store import get_statement

ROLES = ("accountant", "committee", "auditor", "fund_keeper", "resident_rep")
D = dt.date
PASSING_TALLY = (2_700_000, 2_520_000, 2_430_000, 0, 300, 280, 270, 0)
YUAN = 100


def keeper(slug: str) -> str:
    return key_label(slug, "fund_keeper")


def rep(slug: str, n: int = 1) -> str:
    return key_label(slug, "resident_rep", n)


def set_up_community(
    svc: LedgerService, slug: str, reps: int = 3, policy: dict[str, int] | None = None
) -> None:
    """Register ``slug`` with every role and ``reps`` representatives; activate ``policy`` (a
    committee-role holder, before governance), then set up a committee of three whose approval
    revenue spending below 10^15 fen does not need (funds' payments always do)."""
    add_community(svc, slug, roles=ROLES)
    for n in range(2, reps + 1):
        grant_role(svc, slug, "resident_rep", ensure_key(svc, rep(slug, n)))
    cid = _cid(svc, slug)
    if policy:
        seq = int(
            call(svc.sender, "RevenueLedger", svc.deployment.address("RevenueLedger"), "nextSeq", cid)[0]
        )
        _gov(
            svc, svc.account(key_label(slug, "committee")), "activatePolicy", cid, seq,
            [_b32(b) for b in policy], list(policy.values()), day_number(D(2026, 1, 1)), b"\1" * 32,
        )  # fmt: skip
    members = [ensure_key(svc, key_label(slug, "member", n)) for n in (1, 2, 3)]
    _gov(
        svc,
        svc.account(key_label(slug, "admin")),
        "setUpCommittee",
        cid,
        members,
        2,
        10**15,
        _b32("maintenance"),
    )


def _b32(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def _cid(svc: LedgerService, slug: str) -> bytes:
    return bytes.fromhex(svc.community_id(slug)[2:])


def _gov(svc: LedgerService, account: Any, fn: str, *args: Any) -> dict[str, Any]:
    return transact(svc.sender, account, "Governance", svc.deployment.address("Governance"), fn, *args)


def approve(svc: LedgerService, slug: str, action_hash: bytes, decision_type: int = 0) -> int:
    """Propose exactly ``action_hash`` (the fund keeper), two members sign, and for an owners'
    decision the committee records a passing vote. Returns the proposal id."""
    cid = _cid(svc, slug)
    address = svc.deployment.address("Governance")
    pid = int(call(svc.sender, "Governance", address, "nextProposalId", cid)[0])
    now = int(svc.w3.eth.get_block("latest")["timestamp"])
    proposer = svc.account(keeper(slug))
    _gov(
        svc,
        proposer,
        "propose",
        cid,
        pid,
        decision_type,
        action_hash,
        b"\x0d" * 32,
        b"\0" * 32,
        now + 30 * 86_400,
        _b32("funds"),
    )
    expiry = now + 30 * 86_400
    for n in (1, 2):
        member = svc.account(key_label(slug, "member", n))
        digest = bytes(call(svc.sender, "Governance", address, "approvalDigest", cid, pid, True, expiry)[0])
        signature = bytes(Account.unsafe_sign_hash(digest, member.key).signature)
        _gov(svc, proposer, "sign", cid, pid, member.address, True, expiry, signature)
    if decision_type:
        _gov(
            svc,
            svc.account(key_label(slug, "committee")),
            "recordVote",
            cid,
            pid,
            PASSING_TALLY,
            b"\x0b" * 32,
        )
    return pid


def statement(svc: LedgerService, slug: str, label: str) -> dict[str, Any]:
    svc.sync()
    with svc.db.begin() as conn:
        return get_statement(conn, slug, label).statement


def chain_view(svc: LedgerService, fn: str, *args: Any) -> tuple[Any, ...]:
    return call(svc.sender, "Funds", svc.deployment.address("Funds"), fn, *args)
