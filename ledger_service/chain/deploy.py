"""Deploy the contracts and record where they are in a deployment manifest.

The manifest (chain id, genesis hash, contract addresses, compiler settings) is what every later
step reads to find the contracts, and the seed of the auditors' trust root.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import rlp
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address
from web3 import Web3

from ledger_service.chain.abi import contract_abi
from ledger_service.chain.compile import DEPLOYABLE, compiler_settings, load_artifact
from ledger_service.chain.sender import Sender
from ledger_service.core.errors import ConfigError, TransactionFailed

MANIFEST_FORMAT = "civic-ledger/deployment@1"


@dataclass(frozen=True)
class DeployedContract:
    address: str
    block_number: int
    tx_hash: str
    runtime_code_hash: str


@dataclass
class Deployment:
    """Where the contracts live on one chain."""

    chain_id: int
    genesis_hash: str
    operator: str
    contracts: dict[str, DeployedContract]
    compiler: dict[str, Any]
    deployed_at: str
    format: str = MANIFEST_FORMAT
    extra: dict[str, Any] = field(default_factory=dict)

    def address(self, name: str) -> str:
        try:
            return self.contracts[name].address
        except KeyError:
            raise ConfigError(f"the deployment has no contract {name}") from None

    @property
    def first_block(self) -> int:
        """The first block worth indexing (the earliest deployment)."""
        return min(c.block_number for c in self.contracts.values())

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Deployment:
        if not path.exists():
            raise ConfigError(f"no deployment manifest at {path}; run `civic-ledger init` first")
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != MANIFEST_FORMAT:
            raise ConfigError(f"{path} is not a {MANIFEST_FORMAT} manifest")
        data["contracts"] = {k: DeployedContract(**v) for k, v in data["contracts"].items()}
        return cls(**data)


def create_address(sender: str, nonce: int) -> str:
    """The address a CREATE from ``sender`` at ``nonce`` deploys to."""
    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(sender[2:]), nonce]))[12:])


@dataclass(frozen=True)
class Planned:
    """One contract of the deployment: its constructor arguments from the operator's address and
    the addresses of the contracts planned before it (by name)."""

    name: str
    args: Callable[[str, dict[str, str]], tuple[Any, ...]]


@dataclass(frozen=True)
class Wiring:
    """A call the operator makes once everything is deployed: ``target.function(*args(addresses))``."""

    target: str
    function: str
    args: Callable[[dict[str, str]], tuple[Any, ...]]


# Adding a contract to the deployment is one ``Planned`` line (in dependency order, names as in
# ``compile.DEPLOYABLE``) and, if others must know it, a ``Wiring`` line.
PLAN: tuple[Planned, ...] = (
    Planned("CommunityRoles", lambda op, a: (op,)),
    Planned("RevenueLedger", lambda op, a: (a["CommunityRoles"], op)),
    Planned("AuditAnchor", lambda op, a: (a["CommunityRoles"], a["RevenueLedger"])),
    Planned("Governance", lambda op, a: (a["CommunityRoles"], a["RevenueLedger"], op)),
    Planned("TimeBank", lambda op, a: (a["CommunityRoles"], op, a["RevenueLedger"])),
    Planned("Oversight", lambda op, a: (a["CommunityRoles"], a["RevenueLedger"], a["AuditAnchor"], op)),
    Planned("Goods", lambda op, a: (a["CommunityRoles"], a["RevenueLedger"], op)),
    Planned("Funds", lambda op, a: (a["CommunityRoles"], a["RevenueLedger"], op)),
)
WIRING: tuple[Wiring, ...] = (
    Wiring("RevenueLedger", "setAnchor", lambda a: (a["AuditAnchor"],)),
    Wiring("RevenueLedger", "setGovernance", lambda a: (a["Governance"],)),
    Wiring("Oversight", "setGovernance", lambda a: (a["Governance"],)),
    Wiring("Governance", "setLinked", lambda a: (a["Oversight"], True)),
    Wiring("RevenueLedger", "setSink", lambda a: (a["TimeBank"], True)),
    Wiring("TimeBank", "setGovernance", lambda a: (a["Governance"],)),
    Wiring("Governance", "setLinked", lambda a: (a["TimeBank"], True)),
    Wiring("RevenueLedger", "setSink", lambda a: (a["Funds"], True)),
    Wiring("Funds", "setGovernance", lambda a: (a["Governance"],)),
    Wiring("Governance", "setLinked", lambda a: (a["Funds"], True)),
)


def deploy_contracts(w3: Web3, sender: Sender, operator: LocalAccount) -> Deployment:
    """Deploy every contract of ``PLAN``, then make the ``WIRING`` calls.

    Addresses follow from the operator's nonces, so each round's transactions are signed up front
    and sent together; each carries its own gas estimate, and the node packs them into as many
    blocks as their gas needs (the contracts together exceed one block's limit).
    """
    if tuple(p.name for p in PLAN) != DEPLOYABLE:
        raise ConfigError("deploy.PLAN and compile.DEPLOYABLE name different contracts")
    nonce = w3.eth.get_transaction_count(operator.address, "pending")
    addresses: dict[str, str] = {}
    creations: list[tuple[str, str | None, bytes]] = []
    for i, planned in enumerate(PLAN):
        args = planned.args(operator.address, addresses)
        addresses[planned.name] = create_address(operator.address, nonce + i)
        creations.append((planned.name, None, contract_abi(planned.name).deploy_data(*args)))
    receipts = _send_round(sender, operator, creations)
    wiring = [
        (
            f"{w.target}.{w.function}",
            addresses[w.target],
            contract_abi(w.target).call_data(w.function, *w.args(addresses)),
        )
        for w in WIRING
    ]
    _send_round(sender, operator, wiring)
    deployed: dict[str, DeployedContract] = {}
    for planned, receipt in zip(PLAN, receipts, strict=False):
        address = addresses[planned.name]
        code = w3.eth.get_code(to_checksum_address(address))
        if not code:
            raise TransactionFailed(f"{planned.name} has no code at {address} after deployment")
        deployed[planned.name] = DeployedContract(
            address=address,
            block_number=_int(receipt["blockNumber"]),
            tx_hash=_hex(receipt["transactionHash"]),
            runtime_code_hash="0x" + keccak(bytes(code)).hex(),
        )
    genesis = w3.eth.get_block(0)
    return Deployment(
        chain_id=w3.eth.chain_id,
        genesis_hash=_hex(genesis["hash"]),
        operator=operator.address,
        contracts=deployed,
        compiler={"version": load_artifact("RevenueLedger")["compiler"], "settings": compiler_settings()},
        deployed_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )


def _send_round(
    sender: Sender, operator: LocalAccount, plan: Sequence[tuple[str, str | None, bytes]]
) -> list[Any]:
    """Sign every transaction of ``plan`` (each with its own gas estimate), send them together and
    wait for all; a failed one is named."""
    signed = [sender.build_and_sign(operator, to, data) for _, to, data in plan]
    for s in signed:
        sender.send_raw(s)
    receipts = sender.wait([s.hash for s in signed], timeout=120)
    for (name, _, _), receipt in zip(plan, receipts, strict=True):
        if _int(receipt["status"]) != 1:
            raise TransactionFailed(f"deploying {name} failed")
    return receipts


def _int(v: Any) -> int:
    return int(v, 16) if isinstance(v, str) else int(v)


def _hex(v: Any) -> str:
    if isinstance(v, str):
        return v if v.startswith("0x") else "0x" + v
    return "0x" + bytes(v).hex()
