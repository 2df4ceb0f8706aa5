"""EIP-712 typed data, shared by every contract that verifies people's own signatures (Governance:
committee members; TimeBank: beneficiaries, holders, proxies).

Pure functions, no chain access: ``digest`` is the 32-byte hash a contract recovers the signer
from, ``typed_data`` the ``eth_signTypedData_v4`` JSON a wallet displays for the same message.
Type strings are written as Solidity declares them, e.g.
``"Approval(bytes32 community,uint256 proposalId,bool approve)"`` (static fields only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address

DOMAIN_TYPE = "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"


def fields(type_string: str) -> list[dict[str, str]]:
    """``[{"type", "name"}, ...]`` of a type string, in order."""
    inner = type_string[type_string.index("(") + 1 : -1]
    return [{"type": f.split(" ")[0], "name": f.split(" ")[1]} for f in inner.split(",")]


@dataclass(frozen=True)
class Eip712Domain:
    """One contract's signing domain: its name and version, one chain, one deployed address."""

    name: str
    version: str
    chain_id: int
    verifying_contract: str

    @property
    def separator(self) -> bytes:
        return keccak(
            abi_encode(
                ["bytes32", "bytes32", "bytes32", "uint256", "address"],
                [
                    keccak(text=DOMAIN_TYPE),
                    keccak(text=self.name),
                    keccak(text=self.version),
                    self.chain_id,
                    self.verifying_contract,
                ],
            )
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": to_checksum_address(self.verifying_contract),
        }


def digest(domain: Eip712Domain, type_string: str, values: list[Any]) -> bytes:
    """``keccak256(0x1901 || domain separator || hashStruct(message))``."""
    types = [f["type"] for f in fields(type_string)]
    struct_hash = keccak(abi_encode(["bytes32", *types], [keccak(text=type_string), *values]))
    return keccak(b"\x19\x01" + domain.separator + struct_hash)


def typed_data(domain: Eip712Domain, type_string: str, message: dict[str, Any]) -> dict[str, Any]:
    """The ``eth_signTypedData_v4`` JSON for a wallet (bytes as 0x hex)."""
    primary = type_string[: type_string.index("(")]
    msg = {k: ("0x" + v.hex() if isinstance(v, bytes) else v) for k, v in message.items()}
    return {
        "types": {"EIP712Domain": fields(DOMAIN_TYPE), primary: fields(type_string)},
        "primaryType": primary,
        "domain": domain.as_json(),
        "message": msg,
    }


def sign_digest(account: LocalAccount, digest_: bytes) -> bytes:
    """A 65-byte ``r || s || v`` signature of an EIP-712 digest."""
    return bytes(Account.unsafe_sign_hash(digest_, account.key).signature)


def recover(digest_: bytes, signature: bytes) -> str:
    """The address that signed ``digest_``."""
    return str(Account._recover_hash(digest_, signature=signature))
