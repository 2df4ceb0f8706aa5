"""The trust root: the small published file an auditor checks every bundle against.

It names one deployment — chain id, genesis hash, contract addresses (with the keccak of their
runtime code), the validator set on a QBFT network (empty on the dev chain) and the compiler
settings the bytecode was built with. Its SHA-256 over RFC 8785 JSON (:func:`trust_root_hash`) is
what the explorer and every printed notice show, so an auditor can tell that the file they were
handed is the one the community published. A bundle made for another chain or deployment names
another hash and fails at the first step.

Pure (standard library + our canonical JSON): the verifier imports it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ledger_service.statements.canonical import canonical_bytes, sha256_hex

__all__ = [
    "TRUST_ROOT_FORMAT",
    "TrustRootError",
    "check_trust_root",
    "load_trust_root",
    "save_trust_root",
    "trust_root",
    "trust_root_bytes",
    "trust_root_hash",
]

TRUST_ROOT_FORMAT = "civic-ledger/trust-root@1"


class TrustRootError(ValueError):
    """The trust root file is malformed."""


def _address(value: str, what: str) -> str:
    if not (isinstance(value, str) and value.startswith("0x") and len(value) == 42):
        raise TrustRootError(f"{what} {value!r} is not a 0x-prefixed 20-byte address")
    int(value[2:], 16)
    return value.lower()


def trust_root(deployment: Any, validators: Sequence[str] = ()) -> dict[str, Any]:
    """The trust root of ``deployment`` (a ``chain.deploy.Deployment`` or its JSON).

    ``validators``: the QBFT validator addresses of a production network; leave empty on the dev
    chain, where headers are not sealed. Addresses are lowercased and validators sorted, so the
    same deployment always gives the same bytes and hash.
    """
    data = deployment.to_json() if hasattr(deployment, "to_json") else dict(deployment)
    contracts = {
        name: {
            "address": _address(c["address"], f"contract {name}"),
            "deployed_in_block": int(c["block_number"]),
            "runtime_code_hash": str(c["runtime_code_hash"]).lower(),
        }
        for name, c in sorted(data["contracts"].items())
    }
    vals = sorted({_address(v, "validator") for v in validators})
    return {
        "format": TRUST_ROOT_FORMAT,
        "chain_id": int(data["chain_id"]),
        "genesis_hash": str(data["genesis_hash"]).lower(),
        "contracts": contracts,
        "consensus": "qbft" if vals else "dev",
        "validators": vals,
        "compiler": data["compiler"],
    }


def check_trust_root(root: Mapping[str, Any]) -> None:
    """Raise :class:`TrustRootError` unless ``root`` has the trust-root shape."""
    if not isinstance(root, Mapping) or root.get("format") != TRUST_ROOT_FORMAT:
        raise TrustRootError(f"not a {TRUST_ROOT_FORMAT} document")
    if isinstance(root.get("chain_id"), bool) or not isinstance(root.get("chain_id"), int):
        raise TrustRootError("chain_id is not an integer")
    contracts = root.get("contracts")
    if not isinstance(contracts, Mapping) or not contracts:
        raise TrustRootError("contracts is empty")
    for name, c in contracts.items():
        if not isinstance(c, Mapping):
            raise TrustRootError(f"contract {name} is not an object")
        _address(c.get("address", ""), f"contract {name}")
    validators = root.get("validators")
    if not isinstance(validators, list):
        raise TrustRootError("validators is not a list")
    for v in validators:
        _address(v, "validator")
    if root.get("consensus") != ("qbft" if validators else "dev"):
        raise TrustRootError("consensus does not match the validator set (qbft with validators, dev without)")


def trust_root_bytes(root: Mapping[str, Any]) -> bytes:
    """The trust root's RFC 8785 canonical JSON: what is hashed and published."""
    return canonical_bytes(root)


def trust_root_hash(root: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical trust root, 64 lowercase hex digits (shown on notices)."""
    return sha256_hex(trust_root_bytes(root))


def save_trust_root(root: Mapping[str, Any], path: Path) -> str:
    """Write the canonical bytes to ``path`` and return their hash."""
    check_trust_root(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(trust_root_bytes(root))
    return trust_root_hash(root)


def load_trust_root(path: Path) -> dict[str, Any]:
    """Read a trust root file (any JSON spelling; the hash is over its canonical form)."""
    try:
        data = json.loads(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise TrustRootError(f"cannot read a trust root from {path}: {exc}") from None
    check_trust_root(data)
    return dict(data)
