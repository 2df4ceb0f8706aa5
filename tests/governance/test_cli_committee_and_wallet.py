"""`proposal committee`, `approve` (a wallet's eth_signTypedData_v4 signature relayed with
`--member/--signature/--expiry`, and a member's own `--keystore`) and `governance committee-change`
end to end through the command line against a real service (anvil, journal, SQLite index).

Refusals exit non-zero with one sentence and leave the committee and the proposal's approvals as
they were; after a change, members who left stop counting and cannot sign any more."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from typer.testing import CliRunner

from ledger_service.chain.node import free_port
from ledger_service.cli import app
from ledger_service.communities.commands import add_community
from ledger_service.core.config import Settings
from ledger_service.governance import commands as gov
from ledger_service.service import LedgerService
from tests.conftest import make_database_url

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
PASSWORD = "member password"


@dataclass(frozen=True)
class Member:
    name: str
    account: LocalAccount
    keystore: Path

    @property
    def address(self) -> str:
        return str(self.account.address)


class World:
    def __init__(self, svc: LedgerService, tmp: Path) -> None:
        self.svc = svc
        self.tmp = tmp
        self.password_file = tmp / "pw"
        self.password_file.write_text(PASSWORD, encoding="utf-8")

    def run(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, list(args), obj={"svc": self.svc})
        return result.exit_code, result.output

    def member(self, name: str) -> Member:
        """A member's own key and keystore file (the ledger never holds either)."""
        account = Account.create(name)
        path = self.tmp / f"{name}.json"
        path.write_text(json.dumps(Account.encrypt(account.key, PASSWORD, iterations=2**4)), encoding="utf-8")
        return Member(name, account, path)

    def approve_with_keystore(self, slug: str, pid: int, m: Member) -> tuple[int, str]:
        pw = str(self.password_file)
        return self.run("approve", slug, str(pid), "--keystore", str(m.keystore), "--password-file", pw)

    def request(self, slug: str, pid: int) -> dict[str, Any]:
        """What `approve --request` prints for a wallet: the eth_signTypedData_v4 JSON."""
        code, out = self.run("approve", slug, str(pid), "--request")
        assert code == 0, out
        data: dict[str, Any] = json.loads(out)
        return data

    def wallet_sign(self, slug: str, pid: int, account: LocalAccount) -> tuple[str, int]:
        """Sign the printed request as a wallet does; returns (0x signature, the request's expiry)."""
        typed = self.request(slug, pid)
        signed = Account.sign_typed_data(account.key, full_message=typed)
        return "0x" + bytes(signed.signature).hex(), int(typed["message"]["expiry"])

    def approve_with_wallet(
        self, slug: str, pid: int, member: str, signature: str, expiry: int
    ) -> tuple[int, str]:
        return self.run(
            "approve", slug, str(pid), "--member", member, "--signature", signature, "--expiry", str(expiry)
        )  # fmt: skip

    def state(self, slug: str, *pids: int) -> tuple[Any, ...]:
        """The committee and each proposal's (status, approvals, rejections), as the contract has them."""
        proposals = [gov.proposal(self.svc, slug, pid) for pid in pids]
        return (
            gov.committee(self.svc, slug),
            [(p["status"], p["approvals"], p["rejections"]) for p in proposals],
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp: Path = tmp_path_factory.mktemp("cli-committee")
    urls = make_database_url("sqlite", tmp)
    settings = Settings(
        home=tmp / "home", database_url=next(urls), node_port=free_port(), env="test", keystore_scrypt_n=2**4
    )
    genesis = int(dt.datetime(2026, 1, 1, tzinfo=SHANGHAI).timestamp())
    svc = LedgerService.init(settings, genesis_timestamp=genesis)
    try:
        yield World(svc, tmp)
    finally:
        svc.close()
        next(urls, None)


@dataclass
class Setup:
    slug: str
    a: Member  # approves from a wallet
    b: Member  # approves from a keystore
    c: Member  # leaves the committee
    d: Member  # joins it
    pid: int  # the committee change: a, b, d with M = 2

    @property
    def new_members(self) -> list[str]:
        return [self.a.address, self.b.address, self.d.address]


def members_args(addresses: list[str]) -> list[str]:
    return [arg for a in addresses for arg in ("--member", a)]


def committee_proposed(world: World, slug: str) -> Setup:
    """A community whose committee is A, B, C (M = 2) and a proposal to make it A, B, D (M = 2)."""
    add_community(world.svc, slug)
    a, b, c, d = (world.member(f"{slug}-{n}") for n in "abcd")
    code, out = world.run(
        "governance", "committee-setup", slug, *members_args([a.address, b.address, c.address]),
        "--approvals", "2", "--threshold", "10000",
    )  # fmt: skip
    assert code == 0, out
    code, out = world.run(
        "proposal", "committee", slug, *members_args([a.address, b.address, d.address]), "--approvals", "2"
    )
    assert code == 0, out
    assert "proposed as #1" in out, out
    return Setup(slug, a, b, c, d, 1)


def refused(code: int, out: str, *needles: str) -> None:
    """Exit code 1 and one line: "Error: <sentence>" naming what went wrong, no traceback."""
    lines = out.strip().splitlines()
    assert code == 1, out
    assert len(lines) == 1 and lines[0].startswith("Error: "), out
    assert "Traceback" not in out and "unexpected" not in out, out
    for needle in needles:
        assert needle in out, (needle, out)


def test_walletAndKeystoreApprovals_thenCommitteeChange_appliesTheProposedCommittee(world: World) -> None:
    s = committee_proposed(world, "cli-rotate")
    svc = world.svc
    assert gov.committee(svc, s.slug) == (1, [s.a.address, s.b.address, s.c.address], 2)

    # The wallet request: EIP-712 typed data in this chain's Governance domain, for proposal 1.
    typed = world.request(s.slug, s.pid)
    d = gov.domain(svc)
    assert typed["primaryType"] == "Approval"
    assert typed["domain"] == {
        "name": "Civic Ledger Governance",
        "version": "1",
        "chainId": d.chain_id,
        "verifyingContract": d.verifying_contract,
    }
    p = gov.proposal(svc, s.slug, s.pid)
    message = typed["message"]
    assert message["proposalId"] == s.pid and message["approve"] is True
    assert message["community"] == svc.community_id(s.slug)
    assert (message["actionHash"], message["documentHash"]) == (p["action_hash"], p["document_hash"])
    assert message["expiry"] > gov.chain_now(svc)

    # A signs it in a wallet (eth_signTypedData_v4); the CLI relays the signature.
    signature, expiry = world.wallet_sign(s.slug, s.pid, s.a.account)
    code, out = world.approve_with_wallet(s.slug, s.pid, s.a.address, signature, expiry)
    assert code == 0, out
    assert s.a.address in out and "1 approval(s)" in out and "status open" in out, out
    # B signs from their own keystore file.
    code, out = world.approve_with_keystore(s.slug, s.pid, s.b)
    assert code == 0, out
    assert s.b.address in out and "2 approval(s)" in out, out
    # A second signature by the same member is refused and changes nothing.
    before = world.state(s.slug, s.pid)
    signature, expiry = world.wallet_sign(s.slug, s.pid, s.a.account)
    refused(*world.approve_with_wallet(s.slug, s.pid, s.a.address, signature, expiry), "already signed")
    assert world.state(s.slug, s.pid) == before

    code, out = world.run(
        "governance", "committee-change", s.slug, str(s.pid), *members_args(s.new_members), "--approvals", "2"
    )
    assert code == 0, out
    assert "changed by proposal #1: 2 of 3" in out, out
    assert gov.committee(svc, s.slug) == (2, s.new_members, 2)
    assert gov.proposal(svc, s.slug, s.pid)["status"] == "used"
    # The proposal is used: applying it again is refused.
    code, out = world.run(
        "governance", "committee-change", s.slug, str(s.pid), *members_args(s.new_members), "--approvals", "2"
    )
    refused(code, out, "already used")
    assert gov.committee(svc, s.slug) == (2, s.new_members, 2)


def test_refusals_changeNothing(world: World) -> None:
    s = committee_proposed(world, "cli-refusals")
    change = ("governance", "committee-change", s.slug, str(s.pid))

    # committee-change with no approvals yet
    before = world.state(s.slug, s.pid)
    code, out = world.run(*change, *members_args(s.new_members), "--approvals", "2")
    refused(code, out, "0 approval(s)", "needs 2")
    assert world.state(s.slug, s.pid) == before

    # A wallet signature submitted with another --expiry than the one signed: it recovers to
    # somebody else, so it is refused before anything is sent.
    signature, expiry = world.wallet_sign(s.slug, s.pid, s.a.account)
    code, out = world.approve_with_wallet(s.slug, s.pid, s.a.address, signature, expiry + 1)
    refused(code, out, f"not {s.a.address}'s", "proposal #1", f"expiring at {expiry + 1}", "same --expiry")
    assert world.state(s.slug, s.pid) == before
    # ... and without --expiry at all: asked for, nothing sent.
    code, out = world.run("approve", s.slug, str(s.pid), "--member", s.a.address, "--signature", signature)
    refused(code, out, "give --expiry as printed by --request")
    assert world.state(s.slug, s.pid) == before

    # A signature by someone who is not a member, in their own name: the contract refuses it.
    stranger = Account.create("stranger")
    signature, expiry = world.wallet_sign(s.slug, s.pid, stranger)
    code, out = world.approve_with_wallet(s.slug, s.pid, stranger.address, signature, expiry)
    refused(code, out, f"{stranger.address} is not a member of the current committee")
    assert world.state(s.slug, s.pid) == before
    # ... and the same signature passed off as member A's: refused before sending.
    code, out = world.approve_with_wallet(s.slug, s.pid, s.a.address, signature, expiry)
    refused(code, out, f"the signature is {stranger.address}'s, not {s.a.address}'s")
    assert world.state(s.slug, s.pid) == before
    # ... and a non-member's keystore.
    outsider = world.member("cli-refusals-outsider")
    refused(*world.approve_with_keystore(s.slug, s.pid, outsider), "is not a member")
    assert world.state(s.slug, s.pid) == before

    # The member who will be D is not a member yet either.
    refused(*world.approve_with_keystore(s.slug, s.pid, s.d), f"{s.d.address} is not a member")
    assert world.state(s.slug, s.pid) == before

    # One approval of the two needed: committee-change is still refused.
    signature, expiry = world.wallet_sign(s.slug, s.pid, s.a.account)
    code, out = world.approve_with_wallet(s.slug, s.pid, s.a.address, signature, expiry)
    assert code == 0 and "1 approval(s)" in out, out
    one = world.state(s.slug, s.pid)
    assert one == (before[0], [("open", 1, 0)])
    refused(*world.run(*change, *members_args(s.new_members), "--approvals", "2"), "1 approval(s)", "needs 2")
    assert world.state(s.slug, s.pid) == one

    # Approved (2 of 2), but applied with members or M other than proposed: refused.
    code, out = world.approve_with_keystore(s.slug, s.pid, s.b)
    assert code == 0 and "2 approval(s)" in out, out
    approved = world.state(s.slug, s.pid)
    assert approved == (before[0], [("open", 2, 0)])
    others = [
        [s.a.address, s.b.address, s.c.address],  # C kept instead of D
        [s.a.address, s.b.address],  # D left out
        [s.a.address, s.b.address, s.d.address, s.c.address],  # C kept as well
        [s.d.address, s.b.address, s.a.address],  # the same members in another order
    ]
    for members in others:
        code, out = world.run(*change, *members_args(members), "--approvals", "2")
        refused(code, out, "proposal #1 approved another action")
        assert world.state(s.slug, s.pid) == approved, members
    code, out = world.run(*change, *members_args(s.new_members), "--approvals", "3")
    refused(code, out, "proposal #1 approved another action")
    assert world.state(s.slug, s.pid) == approved
    # A proposal that does not exist.
    code, out = world.run(
        "governance", "committee-change", s.slug, "9", *members_args(s.new_members), "--approvals", "2"
    )
    refused(code, out, "no proposal #9")
    assert world.state(s.slug, s.pid) == approved

    # Exactly as proposed, it applies.
    code, out = world.run(*change, *members_args(s.new_members), "--approvals", "2")
    assert code == 0, out
    assert gov.committee(world.svc, s.slug) == (2, s.new_members, 2)


def test_afterTheChange_theMemberWhoLeft_countsNoMore(world: World) -> None:
    s = committee_proposed(world, "cli-left")
    # Another proposal, open while the change is applied: C (who leaves) and A approve it.
    other = [s.a.address, s.c.address, s.d.address]
    code, out = world.run("proposal", "committee", s.slug, *members_args(other), "--approvals", "2")
    assert code == 0 and "proposed as #2" in out, out
    signature, expiry = world.wallet_sign(s.slug, 2, s.c.account)
    code, out = world.approve_with_wallet(s.slug, 2, s.c.address, signature, expiry)
    assert code == 0 and "1 approval(s)" in out, out
    code, out = world.approve_with_keystore(s.slug, 2, s.a)
    assert code == 0 and "2 approval(s)" in out, out

    assert world.approve_with_keystore(s.slug, s.pid, s.a)[0] == 0
    assert world.approve_with_keystore(s.slug, s.pid, s.b)[0] == 0
    code, out = world.run(
        "governance", "committee-change", s.slug, str(s.pid), *members_args(s.new_members), "--approvals", "2"
    )
    assert code == 0, out
    assert gov.committee(world.svc, s.slug) == (2, s.new_members, 2)

    # C's approval of the open proposal #2 stopped counting: only A's is left, so #2 cannot be used.
    assert world.state(s.slug, 2)[1] == [("open", 1, 0)]
    code, out = world.run("proposal", "list", s.slug, "--json")
    assert code == 0, out
    listed = {p["proposal_id"]: p for p in json.loads(out)}
    assert (listed[1]["status"], listed[2]["status"], listed[2]["approvals"]) == ("used", "open", 1)
    refused(
        *world.run("governance", "committee-change", s.slug, "2", *members_args(other), "--approvals", "2"),
        "1 approval(s)",
        "needs 2",
    )
    assert gov.committee(world.svc, s.slug) == (2, s.new_members, 2)

    # A new proposal: C can no longer sign at all (wallet or keystore); it has 0 approvals.
    code, out = world.run(
        "proposal", "committee", s.slug, *members_args([s.b.address, s.d.address]), "--approvals", "2"
    )
    assert code == 0 and "proposed as #3" in out, out
    signature, expiry = world.wallet_sign(s.slug, 3, s.c.account)
    refused(
        *world.approve_with_wallet(s.slug, 3, s.c.address, signature, expiry),
        f"{s.c.address} is not a member of the current committee",
    )
    refused(*world.approve_with_keystore(s.slug, 3, s.c), "is not a member")
    assert world.state(s.slug, 3)[1] == [("open", 0, 0)]
    # D, who joined, counts.
    code, out = world.approve_with_keystore(s.slug, 3, s.d)
    assert code == 0 and "1 approval(s)" in out, out
