"""Meta-tests that keep the conventions honest: every contract event has a decoder and a table
(or a stated reason it is not indexed) and a line in the README; every custom error has a
readable message."""

from __future__ import annotations

from pathlib import Path

import ledger_service.contexts  # noqa: F401
from ledger_service.chain.abi import contract_abi
from ledger_service.chain.compile import DEPLOYABLE
from ledger_service.chain.errors import MESSAGES
from ledger_service.indexer.registry import registry

README = Path(__file__).resolve().parents[1] / "README.md"

#: Events deliberately not indexed into SQL, and why.
NOT_INDEXED = {
    ("Oversight", "OversightGovernanceSet"): "wiring, set by the operator",
    ("Oversight", "OwnershipTransferStarted"): "operator key rotation",
    ("Oversight", "OwnershipTransferred"): "operator key rotation",
    ("RevenueLedger", "ClosedThrough"): "follows from StatementAnchored (anchors table)",
    ("RevenueLedger", "CommunityPauseSet"): "operational; visible on chain, not in statements",
    ("RevenueLedger", "GovernanceSet"): "wiring, set by the operator",
    ("RevenueLedger", "SinkSet"): "wiring, set by the operator",
    ("RevenueLedger", "Paused"): "operator's global pause; visible on chain",
    ("RevenueLedger", "Unpaused"): "operator's global pause; visible on chain",
    ("CommunityRoles", "OwnershipTransferStarted"): "operator key rotation",
    ("CommunityRoles", "OwnershipTransferred"): "operator key rotation",
    ("RevenueLedger", "OwnershipTransferStarted"): "operator key rotation",
    ("RevenueLedger", "OwnershipTransferred"): "operator key rotation",
    ("TimeBank", "CommunityPauseSet"): "operational; visible on chain, not in statements",
    ("TimeBank", "Paused"): "operator's global pause; visible on chain",
    ("TimeBank", "Unpaused"): "operator's global pause; visible on chain",
    ("TimeBank", "OwnershipTransferStarted"): "operator key rotation",
    ("TimeBank", "OwnershipTransferred"): "operator key rotation",
    ("TimeBank", "EIP712DomainChanged"): "never emitted (the domain is fixed)",
    ("TimeBank", "GovernanceSet"): "wiring, set by the operator",
    ("Governance", "LinkSet"): "wiring, set by the operator",
    ("Governance", "OwnershipTransferStarted"): "operator key rotation",
    ("Governance", "OwnershipTransferred"): "operator key rotation",
    ("Governance", "EIP712DomainChanged"): "never emitted (the domain is fixed)",
    ("Funds", "FundsGovernanceSet"): "wiring, set by the operator",
    ("Funds", "Paused"): "operator's global pause; visible on chain",
    ("Funds", "Unpaused"): "operator's global pause; visible on chain",
    ("Funds", "OwnershipTransferStarted"): "operator key rotation",
    ("Funds", "OwnershipTransferred"): "operator key rotation",
    ("Goods", "Paused"): "operator's global pause; visible on chain",
    ("Goods", "Unpaused"): "operator's global pause; visible on chain",
    ("Goods", "OwnershipTransferStarted"): "operator key rotation",
    ("Goods", "OwnershipTransferred"): "operator key rotation",
}


def _events() -> list[tuple[str, str]]:
    return [(c, e) for c in DEPLOYABLE for e in contract_abi(c).events]


def test_everyEvent_isIndexedOrExplainedWhyNot() -> None:
    for key in _events():
        assert key in registry.handlers or key in NOT_INDEXED, f"{key} has no handler and no reason"
    for key in registry.handlers:
        assert key in _events(), f"handler for {key}, which no deployed contract emits"


def test_everyEvent_hasALineInTheReadme() -> None:
    text = README.read_text(encoding="utf-8")
    for contract, event in _events():
        assert f"`{event}`" in text, f"README does not document {contract}.{event}"


def test_everyCustomError_hasAReadableMessage() -> None:
    for contract in DEPLOYABLE:
        for name in contract_abi(contract).errors:
            if name.startswith(("Ownable", "ECDSA", "SafeCast")):
                continue
            assert name in MESSAGES, f"{contract}.{name} would reach users as a bare error name"
