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

from eth_account.signers.local import LocalAccount

from ledger_service.chain import eip712
from ledger_service.chain.eip712 import Eip712Domain

DOMAIN_NAME = "Civic Ledger Governance"
DOMAIN_VERSION = "1"
APPROVAL_TYPE = (
    "Approval(bytes32 community,uint256 proposalId,bytes32 actionHash,bytes32 documentHash,bool approve,"
    "uint64 expiry)"
)


class Domain(Eip712Domain):
    """One chain and one deployed Governance contract."""

    def __init__(self, chain_id: int, verifying_contract: str) -> None:
        super().__init__(DOMAIN_NAME, DOMAIN_VERSION, chain_id, verifying_contract)


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


def approval_digest(domain: Domain, approval: Approval) -> bytes:
    """The 32-byte hash the contract recovers the member from."""
    return eip712.digest(domain, APPROVAL_TYPE, approval.values())


def approval_typed_data(domain: Domain, approval: Approval) -> dict[str, Any]:
    """The ``eth_signTypedData_v4`` JSON for the member's wallet (bytes as 0x hex)."""
    names = [f["name"] for f in eip712.fields(APPROVAL_TYPE)]
    return eip712.typed_data(domain, APPROVAL_TYPE, dict(zip(names, approval.values(), strict=True)))


def sign_approval(account: LocalAccount, domain: Domain, approval: Approval) -> bytes:
    """The member's 65-byte ``r || s || v`` signature (their key, unlocked by them)."""
    return eip712.sign_digest(account, approval_digest(domain, approval))


def recover_signer(domain: Domain, approval: Approval, signature: bytes) -> str:
    """Who signed (to check a wallet's signature before relaying it)."""
    return eip712.recover(approval_digest(domain, approval), signature)
