"""Funds on the contract harness's chain: the deployed Funds contract (from deploy.PLAN), driven
through the harness's sender, with named reverts decoded across every contract a write touches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_account.signers.local import LocalAccount

from ledger_service.chain.abi import contract_abi, error_table
from ledger_service.chain.compile import DEPLOYABLE
from ledger_service.chain.errors import decode_revert
from ledger_service.chain.sender import RevertedCall
from ledger_service.core.errors import ContractRejected
from ledger_service.funds import errors as _errors  # noqa: F401  (readable messages)
from ledger_service.revenue.encoding import day_number
from tests.contracts.harness import Community, Ledger, b16, b32, role_id

RESIDENT, COMPANY, BANK, CHARITY, GOVERNMENT = 1, 2, 3, 4, 5
Z32 = b"\0" * 32
Z16 = b"\0" * 16


@dataclass
class Gift:
    """A donation in the contract's tuple order (``IFunds.Donation``)."""

    fund: str
    earmark: str
    receipt: str
    donor: bytes
    amount: int
    date: Any
    donor_type: int
    formula_kind: int = 0
    formula_rate: int = 0
    formula_units: int = 0
    campaign: str = ""
    rights: str = ""
    public_name: str = ""

    def tuple(self) -> tuple[Any, ...]:
        return (
            b32(self.fund),
            b32(self.earmark) if self.earmark else Z32,
            b32(self.receipt),
            self.donor,
            self.amount,
            day_number(self.date),
            self.donor_type,
            self.formula_kind,
            self.formula_rate,
            self.formula_units,
            b32(self.campaign) if self.campaign else Z32,
            b16(self.rights) if self.rights else Z16,
            self.public_name,
        )


class FundsHarness:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.address = ledger.address("Funds")
        self.abi = contract_abi("Funds")
        self.errors = error_table(tuple(n for n in DEPLOYABLE))

    # -- set-up ---------------------------------------------------------------------------------

    def staff(self, c: Community) -> None:
        """Give ``c`` a fund keeper and three resident representatives (keys made once; roles
        granted again after a snapshot revert)."""
        for role, name in (
            ("fund_keeper", "fund_keeper"),
            ("resident_rep", "rep1"),
            ("resident_rep", "rep2"),
            ("resident_rep", "rep3"),
        ):
            if name not in c.people:
                c.people[name] = self.ledger.new_key()
            who = c.people[name].address
            if not self.ledger.call("CommunityRoles", "hasRole", c.id, role_id(role), who)[0]:
                self.ledger.send(c.people["admin"], "CommunityRoles", "grantRole", c.id, role_id(role), who)

    # -- calls ----------------------------------------------------------------------------------

    def call(self, fn: str, *args: Any) -> tuple[Any, ...]:
        raw = self.ledger.w3.eth.call({"to": self.address, "data": self.abi.call_data(fn, *args)})
        return self.abi.functions[fn].decode_output(bytes(raw))

    def _decoded(self, data: bytes) -> Exception:
        decoded = decode_revert(data, self.errors)
        return (
            decoded
            if decoded is not None
            else AssertionError(f"reverted without a known error: {data.hex()}")
        )

    def send(self, account: LocalAccount, fn: str, *args: Any, gas: int | None = None) -> dict[str, Any]:
        return self.send_to("Funds", account, fn, *args, gas=gas)

    def send_to(
        self, contract: str, account: LocalAccount, fn: str, *args: Any, gas: int | None = None
    ) -> dict[str, Any]:
        """Any deployed contract's write, its revert decoded across every contract it calls."""
        sender = self.ledger.sender
        data = contract_abi(contract).call_data(fn, *args)
        try:
            signed = sender.build_and_sign(account, self.ledger.address(contract), data, gas=gas)
        except RevertedCall as e:
            raise self._decoded(e.revert_data) from None
        sender.send_raw(signed)
        receipt: dict[str, Any] = sender.wait([signed.hash])[0]
        if receipt["status"] != "0x1":
            raise self._decoded(sender.replay_revert_data(signed.hash))
        return receipt

    def rejects(self, error: str, account: LocalAccount, fn: str, *args: Any) -> dict[str, Any]:
        try:
            self.send(account, fn, *args)
        except ContractRejected as e:
            assert e.error_name == error, f"expected {error}, got {e.error_name}: {e.message}"
            return e.error_args
        raise AssertionError(f"{fn} was accepted; expected {error}")

    def logs(self, receipt: dict[str, Any], event: str) -> list[dict[str, Any]]:
        ev = self.abi.event(event)
        out = []
        for log in receipt["logs"]:
            topics = [bytes.fromhex(t[2:]) for t in log["topics"]]
            if topics and topics[0] == ev.topic and log["address"].lower() == self.address.lower():
                out.append(ev.decode(topics[1:], bytes.fromhex(log["data"][2:])))
        return out

    # -- writes as the community's fund keeper ----------------------------------------------------

    def seq(self, c: Community) -> int:
        return int(self.call("nextSeq", c.id)[0])

    def keeper(self, c: Community, fn: str, *args: Any, gas: int | None = None) -> dict[str, Any]:
        return self.send(c.people["fund_keeper"], fn, c.id, self.seq(c), *args, gas=gas)

    def create_fund(self, c: Community, fund: str, kind: str = "community", threshold: int = 10**12) -> dict:
        return self.keeper(c, "createFund", b32(fund), b16(kind), threshold)

    def open_earmark(self, c: Community, fund: str, earmark: str) -> dict:
        return self.keeper(c, "openEarmark", b32(fund), b32(earmark))

    def open_project(
        self, c: Community, project: str, fund: str, earmark: str, budget: int = 0, reps: int = 2
    ) -> dict:
        return self.keeper(c, "openProject", b32(project), b32(fund), b32(earmark), budget, reps)

    def donate(self, c: Community, gift: Gift) -> dict:
        return self.keeper(c, "donate", gift.tuple())

    def donate_batch(self, c: Community, gifts: list[Gift]) -> dict:
        return self.keeper(c, "donateBatch", [g.tuple() for g in gifts], gas=25_000_000)

    def accept(self, c: Community, rep: str, project: str, when: Any) -> dict:
        return self.send(
            c.people[rep], "acceptProject", c.id, self.seq(c), b32(project), day_number(when), b"\5" * 32
        )

    # -- views ------------------------------------------------------------------------------------

    def earmark(self, c: Community, fund: str, earmark: str) -> dict[str, int]:
        open_, balance, sources, head, head_spent = self.call("earmarkInfo", c.id, b32(fund), b32(earmark))
        return {"open": open_, "balance": balance, "sources": sources, "head": head, "head_spent": head_spent}

    def source(self, c: Community, fund: str, earmark: str, index: int) -> tuple[int, int, int]:
        a, r, k = self.call("sourceInfo", c.id, b32(fund), b32(earmark), index)
        return int(a), int(r), int(k)

    def project(self, c: Community, project: str) -> dict[str, Any]:
        fund, earmark, paid, returned, acc, req, closed = self.call("projectInfo", c.id, b32(project))
        return {"paid": paid, "returned": returned, "acceptances": acc, "required": req, "closed": closed}

    def disbursement_hash(
        self,
        c: Community,
        project: str,
        fund: str,
        earmark: str,
        amount: int,
        final: bool,
        ref: bytes,
        evidence: bytes,
    ) -> bytes:
        return bytes(
            self.call(
                "disbursementActionHash",
                c.id,
                b32(project),
                b32(fund),
                b32(earmark),
                amount,
                final,
                ref,
                evidence,
            )[0]
        )


# -- approvals through the real Governance contract ---------------------------------------------------

#: A tally that passes every statutory rule (300 units, 27,000.00 m²; 280 take part, 270 say yes).
PASSING_TALLY = (2_700_000, 2_520_000, 2_430_000, 0, 300, 280, 270, 0)


class Approvals:
    """Gets proposals approved on the deployed Governance: a committee of three (M = 2) set up
    once per community by its admin, the fund keeper proposes, two members sign (EIP-712, relayed),
    and for an owners' decision the committee records a passing vote."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.address = ledger.address("Governance")
        self.abi = contract_abi("Governance")
        self.errors = error_table(tuple(DEPLOYABLE))
        self.members: dict[bytes, list[LocalAccount]] = {}

    def call(self, fn: str, *args: Any) -> tuple[Any, ...]:
        raw = self.ledger.w3.eth.call({"to": self.address, "data": self.abi.call_data(fn, *args)})
        return self.abi.functions[fn].decode_output(bytes(raw))

    def send(self, account: LocalAccount, fn: str, *args: Any) -> dict[str, Any]:
        sender = self.ledger.sender
        try:
            signed = sender.build_and_sign(account, self.address, self.abi.call_data(fn, *args))
        except RevertedCall as e:
            decoded = decode_revert(e.revert_data, self.errors)
            raise decoded if decoded is not None else AssertionError(e.revert_data.hex()) from None
        sender.send_raw(signed)
        receipt: dict[str, Any] = sender.wait([signed.hash])[0]
        assert receipt["status"] == "0x1", f"Governance.{fn} failed"
        return receipt

    def committee(self, c: Community) -> list[LocalAccount]:
        if c.id not in self.members:
            members = [self.ledger.new_key() for _ in range(3)]
            self.send(
                c.people["admin"],
                "setUpCommittee",
                c.id,
                [m.address for m in members],
                2,
                0,
                b32("maintenance"),
            )
            self.members[c.id] = members
        return self.members[c.id]

    def approve(self, c: Community, action_hash: bytes, decision_type: int = 0) -> int:
        """An approved, unused proposal for exactly ``action_hash``; returns its id."""
        from eth_account import Account

        members = self.committee(c)
        pid = int(self.call("nextProposalId", c.id)[0])
        now = int(self.ledger.w3.eth.get_block("latest")["timestamp"])
        self.send(
            c.people["fund_keeper"], "propose", c.id, pid, decision_type, action_hash, b"\x0d" * 32, Z32,
            now + 30 * 86_400, b32("funds"),
        )  # fmt: skip
        expiry = now + 30 * 86_400
        for m in members[:2]:
            digest = bytes(self.call("approvalDigest", c.id, pid, True, expiry)[0])
            sig = bytes(Account.unsafe_sign_hash(digest, m.key).signature)
            self.send(c.people["fund_keeper"], "sign", c.id, pid, m.address, True, expiry, sig)
        if decision_type:
            self.send(c.people["committee"], "recordVote", c.id, pid, PASSING_TALLY, b"\x0b" * 32)
        return pid
