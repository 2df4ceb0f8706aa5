"""A thin test harness over the real chain layer: deploy, call, send, expect a named revert."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3

from ledger_service.chain.abi import contract_abi
from ledger_service.chain.deploy import Deployment, deploy_contracts
from ledger_service.chain.errors import decode_revert, remember_community
from ledger_service.chain.node import DEV_MNEMONIC
from ledger_service.chain.sender import RevertedCall, Sender
from ledger_service.core.errors import ContractRejected
from ledger_service.revenue.encoding import day_number

Account.enable_unaudited_hdwallet_features()

ROLE_NAMES = ("admin", "accountant", "committee", "coordinator", "auditor")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def dev_account(i: int) -> LocalAccount:
    return Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}")


def role_id(name: str) -> bytes:
    return Web3.keccak(text=f"civic.role.{name}")


def b32(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def b16(text: str) -> bytes:
    return text.encode().ljust(16, b"\0")


@dataclass
class Community:
    slug: str
    id: bytes
    people: dict[str, LocalAccount] = field(default_factory=dict)


class Ledger:
    """The deployed contracts on a real anvil, with keys per community and role."""

    def __init__(self, w3: Web3, sender: Sender, operator: LocalAccount) -> None:
        self.w3 = w3
        self.sender = sender
        self.operator = operator
        self.deployment: Deployment = deploy_contracts(w3, sender, operator)
        self.communities: dict[str, Community] = {}
        self._next_key = 10
        self.outsider = self.new_key()

    def new_key(self) -> LocalAccount:
        account = dev_account(self._next_key)
        self._next_key += 1
        return account

    def address(self, contract: str) -> str:
        return self.deployment.address(contract)

    # -- calls ---------------------------------------------------------------------------------

    def call(self, contract: str, fn: str, *args: Any) -> tuple[Any, ...]:
        abi = contract_abi(contract)
        raw = self.w3.eth.call({"to": self.address(contract), "data": abi.call_data(fn, *args)})
        return abi.functions[fn].decode_output(bytes(raw))

    def send(self, account: LocalAccount, contract: str, fn: str, *args: Any, gas: int | None = None) -> dict:
        """Sign, send and mine; a revert (in estimation) raises the decoded ContractRejected."""
        data = contract_abi(contract).call_data(fn, *args)
        try:
            signed = self.sender.build_and_sign(account, self.address(contract), data, gas=gas)
        except RevertedCall as e:
            decoded = decode_revert(e.revert_data)
            if decoded is None:
                raise
            raise decoded from None
        self.sender.send_raw(signed)
        receipt = self.sender.wait([signed.hash])[0]
        if receipt["status"] != "0x1":
            data = self.sender.replay_revert_data(signed.hash)
            decoded = decode_revert(data)
            raise (
                decoded if decoded is not None else AssertionError(f"reverted without reason: {signed.hash}")
            )
        return receipt

    def rejects(
        self, error: str, account: LocalAccount, contract: str, fn: str, *args: Any
    ) -> dict[str, Any]:
        """Assert the write is refused with custom error ``error``; return its decoded arguments."""
        try:
            self.send(account, contract, fn, *args)
        except ContractRejected as e:
            assert e.error_name == error, f"expected {error}, got {e.error_name}: {e.message}"
            return e.error_args
        raise AssertionError(f"{fn} was accepted; expected {error}")

    def logs(self, receipt: dict, contract: str, event: str) -> list[dict[str, Any]]:
        ev = contract_abi(contract).event(event)
        out = []
        for log in receipt["logs"]:
            topics = [bytes.fromhex(t[2:]) for t in log["topics"]]
            if topics and topics[0] == ev.topic and log["address"].lower() == self.address(contract).lower():
                out.append(ev.decode(topics[1:], bytes.fromhex(log["data"][2:])))
        return out

    # -- set-up ----------------------------------------------------------------------------------

    def community(self, slug: str, utc_offset_minutes: int = 480) -> Community:
        """Register a community with one key per role."""
        admin = self.new_key()
        self.send(
            self.operator, "CommunityRoles", "registerCommunity", slug, utc_offset_minutes, admin.address
        )
        c = Community(slug, remember_community(slug), {"admin": admin})
        for role in ROLE_NAMES[1:]:
            c.people[role] = self.new_key()
            self.send(admin, "CommunityRoles", "grantRole", c.id, role_id(role), c.people[role].address)
        self.communities[slug] = c
        return c

    def next_seq(self, c: Community) -> int:
        return int(self.call("RevenueLedger", "nextSeq", c.id)[0])

    def balance(self, c: Community, bucket: str) -> int:
        return int(self.call("RevenueLedger", "balanceOf", c.id, b32(bucket))[0])

    def today(self) -> dt.date:
        """Today in Asia/Shanghai, by the chain's clock."""
        ts = self.w3.eth.get_block("latest")["timestamp"]
        return dt.datetime.fromtimestamp(ts, SHANGHAI).date()

    def set_time(self, when: dt.datetime) -> None:
        """Move the chain's clock (future blocks and estimates follow it)."""
        self.w3.provider.make_request("evm_setTime", [int(when.timestamp())])
        self.w3.provider.make_request("evm_mine", [])

    # -- revenue writes ----------------------------------------------------------------------------

    def activate(self, c: Community, buckets: list[str], bps: list[int], effective: dt.date) -> dict:
        """A committee-role holder activates a policy of a community with no committee set up
        (through Governance, which the ledger takes policies from once it is wired)."""
        return self.send(
            c.people["committee"],
            "Governance",
            "activatePolicy",
            c.id,
            self.next_seq(c),
            [b32(b) for b in buckets],
            bps,
            day_number(effective),
            b"\1" * 32,
        )

    def income(
        self, c: Community, amount: int, when: dt.date, source: str = "elevator_ads", ref: str = "INV"
    ) -> dict:
        return self.send(
            c.people["accountant"],
            "RevenueLedger",
            "postIncome",
            c.id,
            self.next_seq(c),
            b16(source),
            amount,
            day_number(when),
            b32(ref),
            b"\2" * 32,
        )

    def spend(self, c: Community, bucket: str, amount: int, when: dt.date) -> dict:
        return self.send(
            c.people["accountant"],
            "RevenueLedger",
            "spend",
            c.id,
            self.next_seq(c),
            b32(bucket),
            amount,
            day_number(when),
            b32("PAY"),
            b"\3" * 32,
        )


def at(d: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on business date ``d`` in Asia/Shanghai."""
    return dt.datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI)
