"""Deploy the contracts and record where they are in a deployment manifest.

The manifest (chain id, genesis hash, contract addresses, compiler settings) is what every later
step reads to find the contracts, and the seed of the auditors' trust root.
"""

from __future__ import annotations

import datetime as dt
import json
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


def deploy_contracts(w3: Web3, sender: Sender, operator: LocalAccount) -> Deployment:
    """Deploy CommunityRoles, RevenueLedger, AuditAnchor and TimeBank and wire them, in one block.

    Addresses follow from the operator's nonces, so all four transactions are signed up front
    and mined together.
    """
    nonce = w3.eth.get_transaction_count(operator.address, "pending")
    roles_addr = create_address(operator.address, nonce)
    revenue_addr = create_address(operator.address, nonce + 1)
    anchor_addr = create_address(operator.address, nonce + 2)
    timebank_addr = create_address(operator.address, nonce + 3)
    plan: list[tuple[str | None, str | None, bytes]] = [
        ("CommunityRoles", None, contract_abi("CommunityRoles").deploy_data(operator.address)),
        ("RevenueLedger", None, contract_abi("RevenueLedger").deploy_data(roles_addr, operator.address)),
        ("AuditAnchor", None, contract_abi("AuditAnchor").deploy_data(roles_addr, revenue_addr)),
        ("TimeBank", None, contract_abi("TimeBank").deploy_data(roles_addr, operator.address)),
        (None, revenue_addr, contract_abi("RevenueLedger").call_data("setAnchor", anchor_addr)),
    ]
    signed = [
        sender.build_and_sign(operator, to, data, gas=6_000_000 if to is None else 100_000)
        for _, to, data in plan
    ]
    for s in signed:
        sender.send_raw(s)
    receipts = sender.wait([s.hash for s in signed])
    for (name, _, _), receipt in zip(plan, receipts, strict=True):
        if _int(receipt["status"]) != 1:
            raise TransactionFailed(f"deploying {name or 'the wiring'} failed")
    deployed: dict[str, DeployedContract] = {}
    for name, address, receipt in zip(
        DEPLOYABLE, (roles_addr, revenue_addr, anchor_addr, timebank_addr), receipts, strict=False
    ):
        code = w3.eth.get_code(to_checksum_address(address))
        if not code:
            raise TransactionFailed(f"{name} has no code at {address} after deployment")
        deployed[name] = DeployedContract(
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


def _int(v: Any) -> int:
    return int(v, 16) if isinstance(v, str) else int(v)


def _hex(v: Any) -> str:
    if isinstance(v, str):
        return v if v.startswith("0x") else "0x" + v
    return "0x" + bytes(v).hex()
