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


#: ``Governance.Rule`` and ``Governance.Tally`` as canonical ABI tuples.
_RULE = "(uint8,uint8,uint8,uint8,bool,bool,bool,bool)"
_TALLY = "(uint64,uint64,uint64,uint64,uint32,uint32,uint32,uint32)"

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
        "TimeBank", "ServiceMinted",
        "bytes32 indexed community", "uint64 seq", "uint64 recordRef", "address volunteer",
        "address beneficiary", "bytes16 serviceType", "uint64 amount", "uint32 serviceDate",
        "uint32 businessDate", "address attester", "bool bySignature",
    ),
    _spec(
        "TimeBank", "Redeemed",
        "bytes32 indexed community", "uint64 seq", "address holder", "address proxy", "bytes32 item",
        "bytes16 category", "bytes32 provider", "uint32 quantity", "uint64 amount", "uint32 businessDate",
    ),
    _spec(
        "TimeBank", "Donated",
        "bytes32 indexed community", "uint64 seq", "address holder", "address proxy", "uint64 amount",
        "uint32 businessDate",
    ),
    _spec(
        "TimeBank", "Granted",
        "bytes32 indexed community", "uint64 seq", "address resident", "uint64 amount",
        "uint32 businessDate", "address by",
    ),
    _spec(
        "TimeBank", "Rewarded",
        "bytes32 indexed community", "uint64 seq", "address holder", "uint64 amount", "bytes16 reason",
        "uint32 businessDate", "address by",
    ),
    _spec(
        "TimeBank", "Deducted",
        "bytes32 indexed community", "uint64 seq", "address holder", "uint64 amount", "bytes16 reason",
        "uint32 businessDate", "address by",
    ),
    _spec(
        "TimeBank", "CatalogItemSet",
        "bytes32 indexed community", "uint64 seq", "bytes32 item", "bytes16 category", "uint64 price",
        "bytes32 provider", "bool active", "uint32 businessDate", "address by",
    ),
    _spec(
        "TimeBank", "ProxySet",
        "bytes32 indexed community", "uint64 seq", "address principal", "address proxy", "bool active",
        "uint32 businessDate", "address by",
    ),
    _spec(
        "TimeBank", "ElderlySet",
        "bytes32 indexed community", "uint64 seq", "address resident", "bool registered",
        "uint32 businessDate", "address by",
    ),
    _spec(
        "TimeBank", "FeeTermsSet",
        "bytes32 indexed community", "uint64 seq", "bytes32 bucket", "uint64 ratePerHour",
        "uint64 capPerHolder", "uint64 capTotal", "uint8 periodMonths", "uint32 businessDate", "address by",
        "uint256 proposalId",
    ),
    _spec(
        "TimeBank", "FeeDiscountRedeemed",
        "bytes32 indexed community", "uint64 revenueSeq", "address holder", "address proxy",
        "uint64 amount", "uint64 fen", "bytes32 bucket", "uint32 businessDate",
    ),
    _spec(
        "Funds", "FundCreated",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed fund", "bytes16 kind",
        "uint64 ownersThreshold", "address by",
    ),
    _spec(
        "Funds", "EarmarkOpened",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed fund", "bytes32 earmark", "address by",
    ),
    _spec(
        "Funds", "ProjectOpened",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed project", "bytes32 fund",
        "bytes32 earmark", "uint64 budget", "uint8 acceptancesRequired", "address by",
    ),
    _spec(
        "Funds", "DonationReceived",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed receipt", "bytes32 fund",
        "bytes32 earmark", "bytes32 donor", "uint8 donorType", "uint64 amount", "uint32 businessDate",
        "uint32 source", "uint8 formulaKind", "uint64 formulaRate", "uint64 formulaUnits",
        "bytes32 campaign", "bytes16 rights", "string publicName",
    ),
    _spec(
        "Funds", "RevenueReceived",
        "bytes32 indexed community", "uint64 revenueSeq", "bytes32 indexed fund", "bytes32 earmark",
        "bytes32 bucket", "uint64 amount", "uint32 businessDate", "uint32 source",
    ),
    _spec(
        "Funds", "Disbursed",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed project", "bytes32 fund",
        "bytes32 earmark", "uint64 amount", "bool isFinal", "uint32 businessDate", "bytes32 ref",
        "bytes32 evidenceHash", "uint256 proposalId", "uint8 decisionType", "address by",
    ),
    _spec(
        "Funds", "ProjectAccepted",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed project", "uint8 acceptances",
        "bytes32 evidenceHash", "uint32 businessDate", "address by",
    ),
    _spec(
        "Funds", "UnspentReturned",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed project", "bytes32 fund",
        "bytes32 earmark", "uint64 amount", "uint32 businessDate", "bytes32 evidenceHash",
        "uint256 proposalId", "uint32 source", "address by",
    ),
    _spec(
        "Funds", "DonorRefunded",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed receipt", "bytes32 fund",
        "bytes32 earmark", "uint64 amount", "uint32 businessDate", "bytes32 evidenceHash",
        "uint256 proposalId", "address by",
    ),
    _spec(
        "Goods", "GoodsItemRegistered",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed item", "bytes16 unit", "address by",
    ),
    _spec(
        "Goods", "GoodsDonated",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed receipt", "bytes32 item",
        "uint64 quantity", "bytes32 donor", "uint8 donorType", "uint32 businessDate", "string publicName",
    ),
    _spec(
        "Goods", "GoodsRequested",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed request", "bytes32 from",
        "bytes32 item", "uint64 quantity", "uint32 businessDate", "address by",
    ),
    _spec(
        "Goods", "GoodsTransferred",
        "bytes32 indexed community", "uint64 seq", "bytes32 indexed request", "bytes32 to", "bytes32 item",
        "uint64 quantity", "uint32 businessDate", "bytes32 evidenceHash", "address by",
    ),
    _spec(
        "Goods", "GoodsDistributed",
        "bytes32 indexed community", "uint64 seq", "bytes32 item", "uint64 quantity", "bytes32 purpose",
        "uint32 businessDate", "bytes32 evidenceHash", "address by",
    ),
    _spec(
        "Governance", "VoteRecorded",
        "bytes32 indexed community", "uint256 proposalId", "uint8 decisionType", f"{_RULE} rule",
        f"{_TALLY} tally", "bytes32 ballotHash", "bool quorumMet", "bool passed", "address recorder",
    ),
    _spec(
        "Governance", "DecisionTypeDefined",
        "bytes32 indexed community", "uint8 decisionType", "bytes32 label", f"{_RULE} rule",
        "uint256 proposalId",
    ),
    _spec(
        "Oversight", "PeriodCloseNoted",
        "bytes32 indexed community", "bytes32 indexed periodKey", "uint32 fromDate", "uint32 toDate",
        "uint32 closeDay", "address by",
    ),
    _spec(
        "Oversight", "ObjectionFiled",
        "bytes32 indexed community", "uint32 objectionId", "bytes32 periodKey", "bytes32 objector",
        "uint64 entrySeq", "bytes32 evidenceHash", "uint32 filedDay", "bool late", "uint32 answerDueDay",
        "uint64 firstCorrectionSeq", "address by",
    ),
    _spec(
        "Oversight", "ObjectionCorrected",
        "bytes32 indexed community", "uint32 objectionId", "uint64 correctionSeq", "bytes32 noteHash",
        "uint32 answeredDay", "bool late", "address by",
    ),
    _spec(
        "Oversight", "ObjectionRejected",
        "bytes32 indexed community", "uint32 objectionId", "bytes32 reason", "bytes32 reasonHash",
        "uint32 answeredDay", "bool late", "address by",
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
