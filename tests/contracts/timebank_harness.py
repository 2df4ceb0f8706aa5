"""TimeBank on the harness's chain: deploy it beside the harness's CommunityRoles, call, send,
expect a named revert, sign as a person.

The harness's ``Ledger`` knows only the contracts ``deploy_contracts`` deploys, and its error
table only theirs, so this wraps the same sender and node for one more contract."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address

from ledger_service.chain.abi import contract_abi, error_table
from ledger_service.chain.compile import DEPLOYABLE
from ledger_service.chain.errors import decode_revert
from ledger_service.chain.sender import RevertedCall
from ledger_service.core.errors import ContractRejected
from ledger_service.timebank.encoding import POOL
from ledger_service.timebank.signing import (
    Domain,
    ServiceRecord,
    donation_digest,
    record_digest,
    redemption_digest,
    sign_digest,
)
from tests.contracts.harness import Community, Ledger

ERROR_CONTRACTS = DEPLOYABLE
#: Far enough in the future for every signed authorisation in the tests.
NO_DEADLINE = 2**63


def b16(text: str) -> bytes:
    return text.encode().ljust(16, b"\0")


def person(label: str) -> LocalAccount:
    """A deterministic key for a pseudonymous holder (never funded: holders only sign)."""
    return Account.from_key(keccak(text=f"civic.test.person.{label}"))


def deploy_timebank(ledger: Ledger) -> str:
    """Deploy a second TimeBank(roles, operator, revenueLedger) from its artifact (the deployment's
    own is ``ledger.address("TimeBank")``); returns its address."""
    data = contract_abi("TimeBank").deploy_data(
        ledger.address("CommunityRoles"), ledger.operator.address, ledger.address("RevenueLedger")
    )
    signed = ledger.sender.build_and_sign(ledger.operator, None, data, gas=6_000_000)
    ledger.sender.send_raw(signed)
    [receipt] = ledger.sender.wait([signed.hash])
    assert receipt["status"] == "0x1", "TimeBank deployment failed"
    return to_checksum_address(receipt["contractAddress"])


class TimeBankHarness:
    """One deployed TimeBank, driven through the harness's sender."""

    def __init__(self, ledger: Ledger, address: str) -> None:
        self.ledger = ledger
        self.w3 = ledger.w3
        self.sender = ledger.sender
        self.address = address
        self.abi = contract_abi("TimeBank")
        self.errors = error_table(ERROR_CONTRACTS)
        self.domain = Domain(self.sender.chain_id, address)

    # -- calls --------------------------------------------------------------------------------------

    def call(self, fn: str, *args: Any) -> tuple[Any, ...]:
        raw = self.w3.eth.call({"to": self.address, "data": self.abi.call_data(fn, *args)})
        return self.abi.functions[fn].decode_output(bytes(raw))

    def _decoded(self, data: bytes) -> Exception:
        decoded = decode_revert(data, self.errors)
        return (
            decoded
            if decoded is not None
            else AssertionError(f"reverted without a known error: {data.hex()}")
        )

    def send(self, account: LocalAccount, fn: str, *args: Any, gas: int | None = None) -> dict[str, Any]:
        """Sign, send and mine; a revert raises the decoded ``ContractRejected``."""
        data = self.abi.call_data(fn, *args)
        try:
            signed = self.sender.build_and_sign(account, self.address, data, gas=gas)
        except RevertedCall as e:
            raise self._decoded(e.revert_data) from None
        self.sender.send_raw(signed)
        receipt: dict[str, Any] = self.sender.wait([signed.hash])[0]
        if receipt["status"] != "0x1":
            raise self._decoded(self.sender.replay_revert_data(signed.hash))
        return receipt

    def send_many(
        self, account: LocalAccount, calls: Sequence[tuple[str, tuple[Any, ...]]], gas: int
    ) -> list[dict]:
        """Sign every call with a fixed gas limit, send them all, mine them in one block."""
        signed = [
            self.sender.build_and_sign(account, self.address, self.abi.call_data(fn, *a), gas=gas)
            for fn, a in calls
        ]
        for s in signed:
            self.sender.send_raw(s)
        receipts: list[dict] = self.sender.wait([s.hash for s in signed])
        for s, r in zip(signed, receipts, strict=True):
            if r["status"] != "0x1":
                raise self._decoded(self.sender.replay_revert_data(s.hash))
        return receipts

    def rejects(self, error: str, account: LocalAccount, fn: str, *args: Any) -> dict[str, Any]:
        """Assert the write is refused with custom error ``error``; return its decoded arguments."""
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

    # -- views --------------------------------------------------------------------------------------

    def seq(self, c: Community) -> int:
        return int(self.call("nextSeq", c.id)[0])

    def balance(self, c: Community, holder: str) -> int:
        return int(self.call("balanceOf", c.id, holder)[0])

    def pool(self, c: Community) -> int:
        return self.balance(c, POOL)

    def nonce(self, c: Community, holder: str) -> int:
        return int(self.call("nonceOf", c.id, holder)[0])

    def totals(self, c: Community) -> dict[str, int]:
        minted, rewarded, redeemed, deducted = self.call("totals", c.id)
        return {"minted": minted, "rewarded": rewarded, "redeemed": redeemed, "deducted": deducted}

    def today(self) -> int:
        """Today's local day number in Asia/Shanghai (the harness's communities are UTC+8)."""
        ts = int(self.w3.eth.get_block("latest")["timestamp"])
        return (ts + 8 * 3600) // 86_400

    # -- signing ------------------------------------------------------------------------------------

    def sign_record(
        self, signer: LocalAccount, c: Community, r: ServiceRecord, domain: Domain | None = None
    ) -> bytes:
        return sign_digest(signer, record_digest(domain or self.domain, c.id, r))

    def sign_redemption(
        self,
        signer: LocalAccount,
        c: Community,
        holder: str,
        item: bytes,
        quantity: int,
        minutes: int,
        nonce: int,
        deadline: int = NO_DEADLINE,
        domain: Domain | None = None,
    ) -> bytes:
        digest = redemption_digest(
            domain or self.domain, c.id, holder, item, quantity, minutes, nonce, deadline
        )
        return sign_digest(signer, digest)

    def sign_donation(
        self,
        signer: LocalAccount,
        c: Community,
        holder: str,
        minutes: int,
        nonce: int,
        deadline: int = NO_DEADLINE,
        domain: Domain | None = None,
    ) -> bytes:
        return sign_digest(
            signer, donation_digest(domain or self.domain, c.id, holder, minutes, nonce, deadline)
        )

    # -- writes (by the community's coordinator unless told) ----------------------------------------

    def coordinator(self, c: Community) -> LocalAccount:
        return c.people["coordinator"]

    def record(
        self,
        ref: int,
        volunteer: str,
        beneficiary: str,
        minutes: int = 60,
        service_type: str = "companionship",
        day: int | None = None,
    ) -> ServiceRecord:
        return ServiceRecord(ref, volunteer, beneficiary, b16(service_type), minutes, day or self.today())

    def mint(self, c: Community, records: Sequence[ServiceRecord], by: LocalAccount | None = None) -> dict:
        return self.send(
            by or self.coordinator(c), "mintByCoordinator", c.id, self.seq(c), [r.as_abi() for r in records]
        )

    def mint_signed(self, c: Community, r: ServiceRecord, signer: LocalAccount) -> dict:
        sig = self.sign_record(signer, c, r)
        return self.send(self.coordinator(c), "mintAttested", c.id, self.seq(c), r.as_abi(), sig)

    def set_item(
        self, c: Community, item: bytes, category: str, price: int, provider: str = "provider"
    ) -> dict:
        return self.send(
            self.coordinator(c),
            "setCatalogItem",
            c.id,
            self.seq(c),
            item,
            b16(category),
            price,
            provider.encode().ljust(32, b"\0"),
            True,
        )

    def redeem(
        self, c: Community, holder: str, signer: LocalAccount, item: bytes, quantity: int, minutes: int
    ) -> dict:
        nonce = self.nonce(c, holder)
        sig = self.sign_redemption(signer, c, holder, item, quantity, minutes, nonce)
        return self.send(
            self.coordinator(c),
            "redeem",
            c.id,
            self.seq(c),
            holder,
            item,
            quantity,
            minutes,
            nonce,
            NO_DEADLINE,
            sig,
        )

    def donate(self, c: Community, holder: LocalAccount, minutes: int) -> dict:
        nonce = self.nonce(c, holder.address)
        sig = self.sign_donation(holder, c, holder.address, minutes, nonce)
        return self.send(
            self.coordinator(c), "donate", c.id, self.seq(c), holder.address, minutes, nonce, NO_DEADLINE, sig
        )

    def coord(self, c: Community, fn: str, *args: Any) -> dict:
        """A coordinator write ``fn(community, nextSeq, *args)``."""
        return self.send(self.coordinator(c), fn, c.id, self.seq(c), *args)


def item_id(label: str) -> bytes:
    """An opaque catalog item id (never derived from anything a health check-up reveals)."""
    return keccak(text=f"civic.test.item.{label}")


# -- governance: the owners' approval of fee-discount terms ---------------------------------------------

#: A tally that passes an ordinary owners' decision (AS-3's numbers: 80 % turnout, ~80 % yes).
PASSING_TALLY = (2_700_000, 2_160_000, 1_750_000, 0, 300, 240, 190, 0)
GOV_MEMBERS = ("gov-m1", "gov-m2", "gov-m3")


def _gov(ledger: Ledger, account: LocalAccount, fn: str, *args: Any) -> dict[str, Any]:
    return ledger.send(account, "Governance", fn, *args)


def ensure_committee(ledger: Ledger, c: Community) -> None:
    """The community's first committee in Governance (3 members, 2 approvals; spending up to
    10 million yuan without a proposal, so fee discounts need none)."""
    if _has_committee(ledger, c):
        return
    members = [person(m).address for m in GOV_MEMBERS]
    _gov(
        ledger, c.people["admin"], "setUpCommittee", c.id, members, 2, 10**9, b"maintenance".ljust(32, b"\0")
    )


def _has_committee(ledger: Ledger, c: Community) -> bool:
    try:
        return bool(ledger.call("Governance", "isMember", c.id, person(GOV_MEMBERS[0]).address)[0])
    except ContractRejected:
        return False


def approve_action(ledger: Ledger, c: Community, action: bytes, *, owners_vote: bool = True) -> int:
    """Propose ``action`` (an accountant), have two members approve it with their own signatures
    and, for an owners' decision, record a passing vote (the committee role). Returns its id."""
    ensure_committee(ledger, c)
    pid = int(ledger.call("Governance", "nextProposalId", c.id)[0])
    now = int(ledger.w3.eth.get_block("latest")["timestamp"])
    _gov(ledger, c.people["accountant"], "propose", c.id, pid, 1 if owners_vote else 0, action,
         keccak(text="fee terms proposal"), b"\0" * 32, now + 30 * 86_400,
         b"fee-discount terms".ljust(32, b"\0"))  # fmt: skip
    expiry = now + 7 * 86_400
    for m in GOV_MEMBERS[:2]:
        digest = ledger.call("Governance", "approvalDigest", c.id, pid, True, expiry)[0]
        sig = sign_digest(person(m), digest)
        _gov(ledger, c.people["accountant"], "sign", c.id, pid, person(m).address, True, expiry, sig)
    if owners_vote:
        _gov(ledger, c.people["committee"], "recordVote", c.id, pid, PASSING_TALLY, keccak(text="ballots"))
    return pid
