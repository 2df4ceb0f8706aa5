"""EIP-712 typed data of the Governance contract: what a committee member signs.

A member's approval is their own signature over (community, proposal id, action hash, document
hash, approve/reject, expiry) in the domain ("Civic Ledger Governance", "1", chain id, contract),
so a signature made for another proposal, community, chain or contract recovers to somebody else
and is refused on chain. Pure functions, no chain access: ``approval_typed_data`` is the JSON a
wallet shows and signs (``eth_signTypedData_v4``), ``approval_digest`` the hash the contract
checks (``Governance.approvalDigest`` returns the same), ``sign_approval`` signs with a key the
member unlocked from their own keystore.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address

DOMAIN_NAME = "Civic Ledger Governance"
DOMAIN_VERSION = "1"
_DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
APPROVAL_TYPE = (
    "Approval(bytes32 community,uint256 proposalId,bytes32 actionHash,bytes32 documentHash,bool approve,"
    "uint64 expiry)"
)


@dataclass(frozen=True)
class Domain:
    """One chain and one deployed Governance contract."""

    chain_id: int
    verifying_contract: str

    @property
    def separator(self) -> bytes:
        return keccak(
            abi_encode(
                ["bytes32", "bytes32", "bytes32", "uint256", "address"],
                [
                    keccak(text=_DOMAIN_TYPE),
                    keccak(text=DOMAIN_NAME),
                    keccak(text=DOMAIN_VERSION),
                    self.chain_id,
                    self.verifying_contract,
                ],
            )
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "name": DOMAIN_NAME,
            "version": DOMAIN_VERSION,
            "chainId": self.chain_id,
            "verifyingContract": to_checksum_address(self.verifying_contract),
        }


@dataclass(frozen=True)
class Approval:
    """One member's decision on one proposal, valid until ``expiry`` (unix seconds)."""

    community: bytes
    proposal_id: int
    action_hash: bytes
    document_hash: bytes
    approve: bool
    expiry: int

    def values(self) -> list[Any]:
        return [
            self.community,
            self.proposal_id,
            self.action_hash,
            self.document_hash,
            self.approve,
            self.expiry,
        ]


def _fields() -> list[dict[str, str]]:
    inner = APPROVAL_TYPE[APPROVAL_TYPE.index("(") + 1 : -1]
    return [{"type": f.split(" ")[0], "name": f.split(" ")[1]} for f in inner.split(",")]


def approval_digest(domain: Domain, approval: Approval) -> bytes:
    """The 32-byte hash the contract recovers the member from."""
    types = [f["type"] for f in _fields()]
    struct_hash = keccak(abi_encode(["bytes32", *types], [keccak(text=APPROVAL_TYPE), *approval.values()]))
    return keccak(b"\x19\x01" + domain.separator + struct_hash)


def approval_typed_data(domain: Domain, approval: Approval) -> dict[str, Any]:
    """The ``eth_signTypedData_v4`` JSON for the member's wallet (bytes as 0x hex)."""
    names = [f["name"] for f in _fields()]
    message = {
        k: ("0x" + v.hex() if isinstance(v, bytes) else v)
        for k, v in zip(names, approval.values(), strict=True)
    }
    return {
        "types": {"EIP712Domain": [
            {"name": "name", "type": "string"},
            {"name": "version", "type": "string"},
            {"name": "chainId", "type": "uint256"},
            {"name": "verifyingContract", "type": "address"},
        ], "Approval": _fields()},
        "primaryType": "Approval",
        "domain": domain.as_json(),
        "message": message,
    }  # fmt: skip


def sign_approval(account: LocalAccount, domain: Domain, approval: Approval) -> bytes:
    """The member's 65-byte ``r || s || v`` signature (their key, unlocked by them)."""
    return bytes(Account.unsafe_sign_hash(approval_digest(domain, approval), account.key).signature)


def recover_signer(domain: Domain, approval: Approval, signature: bytes) -> str:
    """Who signed (to check a wallet's signature before relaying it)."""
    return str(Account._recover_hash(approval_digest(domain, approval), signature=signature))
