"""Every role-restricted function refuses every other role and the same role in another community."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.contracts.harness import ROLE_NAMES, Community, Ledger, b16, b32, role_id

Z = b"\0" * 32

# function -> (contract, role required, args builder given the community)
RESTRICTED: dict[str, tuple[str, str, Callable[[Community], tuple[Any, ...]]]] = {
    "activatePolicy": ("Governance", "committee", lambda c: (c.id, 1, [b32("m")], [10_000], 20454, Z)),
    "postIncome": ("RevenueLedger", "accountant", lambda c: (c.id, 1, b16("parking"), 100, 20454, Z, Z)),
    "postIncomes": ("RevenueLedger", "accountant", lambda c: (c.id, 1, [Z, Z, Z])),
    "spend": ("RevenueLedger", "accountant", lambda c: (c.id, 1, b32("m"), 100, 20454, Z, Z)),
    "reallocateHeld": ("RevenueLedger", "accountant", lambda c: (c.id, 1)),
    "reverseIncome": ("RevenueLedger", "accountant", lambda c: (c.id, 2, 1, 100, 20454, 20454, Z)),
    "reverseSpend": ("RevenueLedger", "accountant", lambda c: (c.id, 2, 1, b32("m"), 100, 20454, Z)),
    "receiveDeposit": ("RevenueLedger", "accountant", lambda c: (c.id, 1, 100, 20454, Z, Z, Z)),
    "returnDeposit": ("RevenueLedger", "accountant", lambda c: (c.id, 2, 1, 100, 20454, Z, Z)),
    "setPaused": ("RevenueLedger", "admin", lambda c: (c.id, True)),
    "anchor": ("AuditAnchor", "accountant", lambda c: (c.id, b16("2026Q1"), 20454, 20543, Z, Z, 0, 0, 1, Z)),
    "attest": ("AuditAnchor", "auditor", lambda c: (c.id, Z, Z, Z)),
    "grantRole": ("CommunityRoles", "admin", lambda c: (c.id, role_id("auditor"), "0x" + "11" * 20)),
    "revokeRole": ("CommunityRoles", "admin", lambda c: (c.id, role_id("auditor"), "0x" + "11" * 20)),
}


@pytest.mark.parametrize("fn", sorted(RESTRICTED))
def test_restrictedFunction_refusesOtherRolesAndOtherCommunities(
    fresh: Ledger, lotus: Community, bamboo: Community, fn: str
) -> None:
    contract, needed, args = RESTRICTED[fn]
    callers = {f"{role} of lotus-garden": lotus.people[role] for role in ROLE_NAMES if role != needed}
    callers[f"{needed} of bamboo-court"] = bamboo.people[needed]
    callers["outsider"] = fresh.outsider
    for who, account in callers.items():
        err = fresh.rejects("AccessMissingRole", account, contract, fn, *args(lotus))
        assert err["community"] == "0x" + lotus.id.hex(), who
        assert err["role"] == "0x" + role_id(needed).hex(), who
        assert err["account"] == account.address, who


def test_registerCommunity_onlyOperator(fresh: Ledger, lotus: Community) -> None:
    for account in (lotus.people["admin"], fresh.outsider):
        fresh.rejects(
            "OwnableUnauthorizedAccount",
            account,
            "CommunityRoles",
            "registerCommunity",
            "x",
            480,
            account.address,
        )


def test_grantAndRevoke_areEventsAndScopedToTheCommunity(
    fresh: Ledger, lotus: Community, bamboo: Community
) -> None:
    newcomer = fresh.new_key()
    receipt = fresh.send(
        lotus.people["admin"],
        "CommunityRoles",
        "grantRole",
        lotus.id,
        role_id("accountant"),
        newcomer.address,
    )
    [granted] = fresh.logs(receipt, "CommunityRoles", "CommunityRoleGranted")
    assert (
        granted["account"] == newcomer.address.lower()
        and granted["sender"] == lotus.people["admin"].address.lower()
    )
    assert fresh.call("CommunityRoles", "hasRole", lotus.id, role_id("accountant"), newcomer.address) == (
        True,
    )
    assert fresh.call("CommunityRoles", "hasRole", bamboo.id, role_id("accountant"), newcomer.address) == (
        False,
    )
    # The new accountant can post in lotus-garden, not in bamboo-court.
    fresh.send(
        newcomer,
        "RevenueLedger",
        "postIncome",
        lotus.id,
        fresh.next_seq(lotus),
        b16("parking"),
        100,
        20454,
        b32("R1"),
        Z,
    )
    fresh.rejects(
        "AccessMissingRole",
        newcomer,
        "RevenueLedger",
        "postIncome",
        bamboo.id,
        1,
        b16("parking"),
        100,
        20454,
        b32("R1"),
        Z,
    )
    receipt = fresh.send(
        lotus.people["admin"],
        "CommunityRoles",
        "revokeRole",
        lotus.id,
        role_id("accountant"),
        newcomer.address,
    )
    assert (
        fresh.logs(receipt, "CommunityRoles", "CommunityRoleRevoked")[0]["account"]
        == newcomer.address.lower()
    )
    fresh.rejects(
        "AccessMissingRole",
        newcomer,
        "RevenueLedger",
        "postIncome",
        lotus.id,
        fresh.next_seq(lotus),
        b16("parking"),
        100,
        20454,
        b32("R2"),
        Z,
    )


def test_registerCommunity_validatesSlugAndOffset(fresh: Ledger) -> None:
    op = fresh.operator
    fresh.rejects(
        "AccessInvalidSlug", op, "CommunityRoles", "registerCommunity", "Lotus Garden", 480, op.address
    )
    fresh.rejects(
        "AccessInvalidUtcOffset", op, "CommunityRoles", "registerCommunity", "ok-slug", 481, op.address
    )
    fresh.rejects(
        "AccessCommunityExists", op, "CommunityRoles", "registerCommunity", "lotus-garden", 480, op.address
    )
