"""Governance on top of the contract tests' ``Ledger`` harness: committee set-up, proposals,
members' own signatures relayed by somebody else, vote tallies."""

from __future__ import annotations

from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak

from ledger_service.chain.abi import contract_abi, error_table
from ledger_service.chain.errors import decode_revert
from ledger_service.chain.sender import RevertedCall
from ledger_service.core.errors import ContractRejected
from ledger_service.governance.signing import Approval, Domain, sign_approval
from tests.contracts.harness import Community, Ledger, b32

Z = b"\0" * 32
DAY = 86_400
TABLES = error_table(("Governance", "RevenueLedger", "CommunityRoles"))

#: Decision types fixed by the contract (art. 278 defaults).
ORDINARY, MAINTENANCE_USE, RAISE_MAINTENANCE, REBUILD, COMMON_PARTS = 1, 2, 3, 4, 5


def member_key(name: str) -> LocalAccount:
    """A member's own key: never funded, never held by the ledger; it only signs."""
    return Account.from_key(keccak(text=f"civic-ledger test member {name}"))


def tally(
    total_area: int,
    part_area: int,
    yes_area: int,
    total_units: int,
    part_units: int,
    yes_units: int,
    paper_area: int = 0,
    paper_units: int = 0,
) -> tuple[int, ...]:
    """``IGovernanceProcess.Tally`` in ABI order."""
    return (total_area, part_area, yes_area, paper_area, total_units, part_units, yes_units, paper_units)


class Gov:
    """Governance calls against the deployed contracts of ``led``."""

    def __init__(self, led: Ledger) -> None:
        self.led = led
        self.domain = Domain(led.w3.eth.chain_id, led.address("Governance"))

    # -- low level ------------------------------------------------------------------------------

    def send(self, account: LocalAccount, contract: str, fn: str, *args: Any) -> dict:
        """Like ``Ledger.send`` but decoding Governance's errors too."""
        data = contract_abi(contract).call_data(fn, *args)
        try:
            signed = self.led.sender.build_and_sign(account, self.led.address(contract), data)
        except RevertedCall as e:
            decoded = decode_revert(e.revert_data, TABLES)
            if decoded is None:
                raise
            raise decoded from None
        self.led.sender.send_raw(signed)
        receipt = self.led.sender.wait([signed.hash])[0]
        assert receipt["status"] == "0x1", f"reverted when mined: {signed.hash}"
        return receipt

    def rejects(
        self, error: str, account: LocalAccount, contract: str, fn: str, *args: Any
    ) -> dict[str, Any]:
        try:
            self.send(account, contract, fn, *args)
        except ContractRejected as e:
            assert e.error_name == error, f"expected {error}, got {e.error_name}: {e.message}"
            return e.error_args
        raise AssertionError(f"{fn} was accepted; expected {error}")

    def call(self, fn: str, *args: Any) -> tuple[Any, ...]:
        return self.led.call("Governance", fn, *args)

    def events(self, receipt: dict, event: str) -> list[dict[str, Any]]:
        return self.led.logs(receipt, "Governance", event)

    def now(self) -> int:
        return int(self.led.w3.eth.get_block("latest")["timestamp"])

    # -- committee ------------------------------------------------------------------------------

    def set_up(
        self,
        c: Community,
        members: list[LocalAccount],
        threshold: int,
        spend_threshold: int = 1_000_000,
        maintenance: str = "maintenance",
    ) -> dict:
        return self.send(
            c.people["admin"], "Governance", "setUpCommittee",
            c.id, [m.address for m in members], threshold, spend_threshold, b32(maintenance),
        )  # fmt: skip

    # -- proposals ------------------------------------------------------------------------------

    def propose(
        self,
        c: Community,
        action: bytes,
        decision_type: int = 0,
        *,
        who: LocalAccount | None = None,
        document: bytes = b"\x0d" * 32,
        notice: bytes = Z,
        lifetime: int = 30 * DAY,
        label: str = "test",
    ) -> int:
        pid = int(self.call("nextProposalId", c.id)[0])
        self.send(
            who or c.people["accountant"], "Governance", "propose",
            c.id, pid, decision_type, action, document, notice, self.now() + lifetime, b32(label),
        )  # fmt: skip
        return pid

    def approval(self, c: Community, pid: int, approve: bool = True, expiry: int | None = None) -> Approval:
        p, _, _ = self.call("proposal", c.id, pid)
        return Approval(c.id, pid, p[6], p[7], approve, expiry if expiry is not None else self.now() + DAY)

    def sign(
        self,
        c: Community,
        pid: int,
        member: LocalAccount,
        approve: bool = True,
        *,
        domain: Domain | None = None,
        expiry: int | None = None,
    ) -> tuple[Any, ...]:
        """The arguments of ``Governance.sign`` with ``member``'s own signature."""
        a = self.approval(c, pid, approve, expiry)
        sig = sign_approval(member, domain or self.domain, a)
        return (c.id, pid, member.address, approve, a.expiry, sig)

    def relay(self, args: tuple[Any, ...]) -> dict:
        """Anybody may relay a signature; the outsider does here."""
        return self.send(self.led.outsider, "Governance", "sign", *args)

    def approve_by(self, c: Community, pid: int, members: list[LocalAccount]) -> None:
        for m in members:
            self.relay(self.sign(c, pid, m))

    def vote(
        self, c: Community, pid: int, t: tuple[int, ...], ballot: bytes = b"\xba" * 32
    ) -> dict[str, Any]:
        receipt = self.send(c.people["committee"], "Governance", "recordVote", c.id, pid, t, ballot)
        [event] = self.events(receipt, "VoteRecorded")
        return event

    def status(self, c: Community, pid: int) -> tuple[int, int, int]:
        """(status, approvals, rejections)."""
        p, approvals, rejections = self.call("proposal", c.id, pid)
        return int(p[3]), int(approvals), int(rejections)

    # -- action hashes --------------------------------------------------------------------------

    def spend_action(
        self, c: Community, bucket: str, amount: int, ref: str = "PAY", evidence: bytes = b"\3" * 32
    ) -> bytes:
        return bytes(
            self.led.call("RevenueLedger", "spendActionHash", c.id, b32(bucket), amount, b32(ref), evidence)[
                0
            ]
        )

    def policy_action(self, c: Community, buckets: list[str], bps: list[int], effective: int) -> bytes:
        return bytes(self.call("policyActionHash", c.id, [b32(b) for b in buckets], bps, effective)[0])
