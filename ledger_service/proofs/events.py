"""The contract events a proof depends on, written out so the verifier needs no build artifacts.

An auditor's verifier should not read ABI files shipped by the operator it is checking; the event
signatures are part of the published contracts, so they are spelled out here and a test checks
them against the committed ABIs (``tests/proofs/test_events.py``). Decoding is ``eth_abi`` (pure).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from eth_abi import decode as abi_decode

from ledger_service.proofs.eth import DecodedLog, keccak

__all__ = ["EVENTS", "EventSpec", "decode_log", "event_by_topic"]


@dataclass(frozen=True)
class EventSpec:
    contract: str
    name: str
    #: (name, canonical type, indexed)
    inputs: tuple[tuple[str, str, bool], ...]

    @property
    def signature(self) -> str:
        return f"{self.name}({','.join(t for _, t, _ in self.inputs)})"

    @property
    def topic(self) -> bytes:
        return _topic(self.signature)

    def decode(self, log: DecodedLog) -> dict[str, Any]:
        """``{field: value}`` from a log's topics (after topic 0) and data; raises ``ValueError``."""
        indexed = [(n, t) for n, t, i in self.inputs if i]
        plain = [(n, t) for n, t, i in self.inputs if not i]
        if len(log.topics) != 1 + len(indexed):
            raise ValueError(f"{self.name} has {len(indexed)} indexed fields, the log {len(log.topics) - 1}")
        out: dict[str, Any] = {}
        for (name, typ), topic in zip(indexed, log.topics[1:], strict=True):
            out[name] = abi_decode([typ], topic)[0]
        values = abi_decode([t for _, t in plain], log.data, strict=True)
        for (name, _), value in zip(plain, values, strict=True):
            out[name] = value
        return out


@cache
def _topic(signature: str) -> bytes:
    return keccak(signature.encode())


def _spec(contract: str, name: str, *inputs: str) -> EventSpec:
    parsed = []
    for item in inputs:
        words = item.split()
        parsed.append((words[-1], words[0], "indexed" in words))
    return EventSpec(contract, name, tuple(parsed))


EVENTS: tuple[EventSpec, ...] = (
    _spec(
        "RevenueLedger", "PolicyActivated",
        "bytes32 indexed community", "uint64 seq", "uint32 version", "uint32 effectiveDate",
        "bytes32[] buckets", "uint16[] bps", "bytes32 decisionHash",
    ),
    _spec(
        "RevenueLedger", "IncomeRecorded",
        "bytes32 indexed community", "uint64 seq", "bytes16 source", "uint64 amount", "uint32 businessDate",
        "bytes32 ref", "bytes32 evidenceHash", "uint32 policyVersion", "uint256[2] parts",
    ),
    _spec(
        "RevenueLedger", "Spent",
        "bytes32 indexed community", "uint64 seq", "bytes32 bucket", "uint64 amount", "uint32 businessDate",
        "bytes32 ref", "bytes32 evidenceHash",
    ),
    _spec(
        "RevenueLedger", "HeldReallocated",
        "bytes32 indexed community", "uint64 seq", "uint32 businessDate", "uint64 amount",
        "uint32 policyVersion", "uint256[2] parts",
    ),
    _spec(
        "RevenueLedger", "IncomeReversed",
        "bytes32 indexed community", "uint64 seq", "uint64 originalSeq", "uint32 businessDate",
        "uint64 amount", "uint32 policyVersion", "uint256[2] parts", "bytes32 reason",
    ),
    _spec(
        "RevenueLedger", "SpendReversed",
        "bytes32 indexed community", "uint64 seq", "uint64 originalSeq", "uint32 businessDate",
        "bytes32 bucket", "uint64 amount", "bytes32 reason",
    ),
    _spec(
        "RevenueLedger", "DepositReceived",
        "bytes32 indexed community", "uint64 seq", "uint64 amount", "uint32 businessDate",
        "bytes32 payerRef", "bytes32 ref", "bytes32 evidenceHash",
    ),
    _spec(
        "RevenueLedger", "DepositReturned",
        "bytes32 indexed community", "uint64 seq", "uint64 depositSeq", "uint64 amount",
        "uint32 businessDate", "bytes32 ref", "bytes32 evidenceHash",
    ),
    _spec(
        "RevenueLedger", "TransferredOut",
        "bytes32 indexed community", "uint64 seq", "bytes32 bucket", "uint64 amount", "uint32 businessDate",
        "address sink", "bytes32 ref", "bytes32 dataHash",
    ),
    _spec(
        "AuditAnchor", "StatementAnchored",
        "bytes32 indexed community", "bytes32 indexed periodKey", "bytes16 label", "uint32 fromDate",
        "uint32 toDate", "bytes32 statementHash", "bytes32 entriesRoot", "uint64 entryCount",
        "uint64 throughSeq", "uint64 asOfBlock", "bytes32 asOfBlockHash", "address by",
    ),
    _spec(
        "AuditAnchor", "StatementAttested",
        "bytes32 indexed community", "bytes32 indexed periodKey", "bytes32 statementHash",
        "bytes32 opinionHash", "address auditor",
    ),
    _spec(
        "CommunityRoles", "CommunityRegistered",
        "bytes32 indexed community", "string slug", "int16 utcOffsetMinutes", "address admin",
    ),
)  # fmt: skip

_BY_TOPIC = {(e.contract, e.topic): e for e in EVENTS}


def event_by_topic(contract: str, topic: bytes) -> EventSpec | None:
    """The event of ``contract`` whose topic 0 is ``topic``, if it is one a proof can use."""
    return _BY_TOPIC.get((contract, topic))


def decode_log(contract: str, log: DecodedLog) -> tuple[EventSpec, dict[str, Any]]:
    """Decode a log known to come from ``contract``; ``ValueError`` if it is no event we know."""
    if not log.topics:
        raise ValueError("the log has no topics (an anonymous event)")
    spec = event_by_topic(contract, log.topics[0])
    if spec is None:
        raise ValueError(f"topic 0x{log.topics[0].hex()[:16]}… is no {contract} event a proof uses")
    return spec, spec.decode(log)
