"""Governance writes: committee set-up, proposals, members' signatures (relayed), vote tallies,
policy enactment.

Members' keys are theirs: the service never holds them. A member signs the EIP-712 approval in
their own wallet (``approval_request`` gives the typed data) or from their own keystore file
(``sign_with_keystore``, run on their side of the command line), and the service only relays the
signature (``relay_signature``), which the contract verifies. Everything the contract checks
(membership, M of N, the proposer not approving, thresholds, tallies) is left to the contract;
the checks here only turn obvious mistakes into one clear sentence before anything is sent.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import is_hex_address, keccak, to_checksum_address

import ledger_service.governance.errors  # noqa: F401  (registers readable messages)
from ledger_service.chain import direct
from ledger_service.chain.abi import contract_abi
from ledger_service.chain.direct import call
from ledger_service.chain.journal import Write
from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.core.errors import ContractRejected, InvalidInput
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.governance.rules import COMMITTEE_ONLY, Rule
from ledger_service.governance.signing import (
    Approval,
    Domain,
    approval_typed_data,
    recover_signer,
    sign_approval,
)
from ledger_service.revenue.encoding import OWNERS_COMMON, check_amount, day_number, evidence_hash, fixed_text

if TYPE_CHECKING:
    from ledger_service.service import LedgerService

CONTRACT = "Governance"
DAY = 86_400
#: How long a proposal stays open unless told otherwise.
DEFAULT_LIFETIME_DAYS = 60


@dataclass(frozen=True)
class Tally:
    """A vote's reconciled count: floor area in 0.01 m², units one per unit (专有部分); paper
    ballots are part of the participating counts."""

    total_area: int
    participating_area: int
    yes_area: int
    total_units: int
    participating_units: int
    yes_units: int
    paper_area: int = 0
    paper_units: int = 0

    def as_abi(self) -> tuple[int, ...]:
        return (
            self.total_area, self.participating_area, self.yes_area, self.paper_area,
            self.total_units, self.participating_units, self.yes_units, self.paper_units,
        )  # fmt: skip

    def validated(self) -> Tally:
        for name, v in vars(self).items():
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise InvalidInput(f"{name.replace('_', ' ')} must be a whole number, 0 or more")
        if self.participating_area > self.total_area or self.participating_units > self.total_units:
            raise InvalidInput("more owners participated than there are")
        if self.yes_area > self.participating_area or self.yes_units > self.participating_units:
            raise InvalidInput("there are more yes votes than participating owners")
        if self.paper_area > self.participating_area or self.paper_units > self.participating_units:
            raise InvalidInput("there are more paper ballots than participating owners")
        return self


def transact(svc: LedgerService, account: Any, function: str, *args: Any) -> dict[str, Any]:
    """Send ``Governance.function(*args)`` and wait; a refusal raises the contract's error as one
    readable sentence (Governance's own errors included)."""
    return direct.transact(svc.sender, account, CONTRACT, _address(svc), function, *args)


def _cid(svc: LedgerService, slug: str) -> bytes:
    return bytes.fromhex(svc.community_id(slug)[2:])


def _address(svc: LedgerService) -> str:
    return svc.deployment.address(CONTRACT)


def _send(svc: LedgerService, signer: str, function: str, *args: Any) -> dict[str, Any]:
    return transact(svc, svc.account(signer), function, *args)


def _read(svc: LedgerService, function: str, *args: Any) -> tuple[Any, ...]:
    return call(svc.sender, CONTRACT, _address(svc), function, *args)


def _members(addresses: list[str]) -> list[str]:
    out: list[str] = []
    for a in addresses:
        if not is_hex_address(a):
            raise InvalidInput(f"'{a}' is not an address (a member's own key, 0x and 40 hex digits)")
        out.append(to_checksum_address(a))
    if len(set(out)) != len(out):
        raise InvalidInput("a member is listed twice")
    return out


def _check_committee(members: list[str], threshold: int) -> None:
    if not 1 <= len(members) <= 15:
        raise InvalidInput("a committee has 1 to 15 members")
    if not 1 <= threshold <= len(members):
        raise InvalidInput(f"approvals needed must be between 1 and {len(members)} (the members)")


def domain(svc: LedgerService) -> Domain:
    """The EIP-712 domain members sign in (this chain, this Governance contract)."""
    return Domain(svc.deployment.chain_id, _address(svc))


def chain_now(svc: LedgerService) -> int:
    """The chain's clock (unix seconds): deadlines and expiries are checked against it."""
    return int(svc.w3.eth.get_block("latest")["timestamp"])


# -- committee ----------------------------------------------------------------------------------------


def set_up_committee(
    svc: LedgerService,
    slug: str,
    members: list[str],
    threshold: int,
    *,
    spend_threshold: int,
    maintenance_bucket: str = "maintenance",
    signer: str,
) -> dict[str, Any]:
    """The community admin sets the first committee (members' own addresses, M of N), the spending
    threshold (fen) and the maintenance fund's bucket. Once only: later changes are proposals."""
    addresses = _members(members)
    _check_committee(addresses, threshold)
    if spend_threshold < 0 or spend_threshold >= 2**64:
        raise InvalidInput("the spending threshold must be 0 or more fen")
    return _send(
        svc, signer, "setUpCommittee", _cid(svc, slug), addresses, threshold, spend_threshold,
        fixed_text(maintenance_bucket, 32, "maintenance bucket"),
    )  # fmt: skip


def committee(svc: LedgerService, slug: str) -> tuple[int, list[str], int]:
    """(epoch, members, M) as the contract has them now (epoch 0: never set up)."""
    epoch, members, threshold = _read(svc, "committee", _cid(svc, slug))
    return int(epoch), [to_checksum_address(m) for m in members], int(threshold)


def settings(svc: LedgerService, slug: str) -> dict[str, Any]:
    threshold, bucket, policy_type, maintenance_type = _read(svc, "settings", _cid(svc, slug))
    return {
        "spend_threshold": int(threshold),
        "maintenance_bucket": bytes(bucket).rstrip(b"\0").decode(),
        "policy_type": int(policy_type),
        "maintenance_policy_type": int(maintenance_type),
    }


# -- action hashes (the same as the contracts compute) ------------------------------------------------


def spend_action_hash(cid: bytes, bucket: str, amount: int, ref: str, evidence: str | bytes | None) -> bytes:
    """``RevenueLedger.spendActionHash`` of the spend `revenue.commands.spend` would send."""
    return keccak(
        abi_encode(
            ["bytes32", "bytes32", "bytes32", "uint64", "bytes32", "bytes32"],
            [
                keccak(text="civic.action.spend"),
                cid,
                fixed_text(bucket, 32, "bucket"),
                check_amount(amount),
                fixed_text(ref, 32, "reference"),
                evidence_hash(evidence),
            ],
        )
    )


def _policy_args(buckets: dict[str, int]) -> tuple[list[bytes], list[int]]:
    if not buckets:
        raise InvalidInput("a policy needs at least one bucket")
    if OWNERS_COMMON in buckets:
        raise InvalidInput("owners_common is the account awaiting decision; it cannot be a policy bucket")
    if sum(buckets.values()) != 10_000:
        raise InvalidInput(f"basis points must add up to 10,000; these add up to {sum(buckets.values()):,}")
    return [fixed_text(b, 32, "bucket name") for b in buckets], list(buckets.values())


def policy_action_hash(cid: bytes, buckets: dict[str, int], effective: dt.date) -> bytes:
    names, bps = _policy_args(buckets)
    return keccak(
        abi_encode(
            ["bytes32", "bytes32", "bytes32[]", "uint16[]", "uint32"],
            [keccak(text="civic.action.policy"), cid, names, bps, day_number(effective)],
        )
    )


def committee_action_hash(cid: bytes, members: list[str], threshold: int) -> bytes:
    return keccak(
        abi_encode(
            ["bytes32", "bytes32", "address[]", "uint8"],
            [keccak(text="civic.action.committee"), cid, _members(members), threshold],
        )
    )


def decision_type_action_hash(cid: bytes, decision_type: int, label: str, rule: Rule) -> bytes:
    return keccak(
        abi_encode(
            ["bytes32", "bytes32", "uint8", "bytes32", "(uint8,uint8,uint8,uint8,bool,bool,bool,bool)"],
            [
                keccak(text="civic.action.decision_type"),
                cid,
                decision_type,
                fixed_text(label, 32, "label"),
                rule.as_abi(),
            ],
        )
    )


def policy_decision_type(svc: LedgerService, slug: str, buckets: dict[str, int]) -> int:
    """The decision type the contract will demand for this policy (its maintenance policy type
    when a bucket is the maintenance fund: raising it, 3/4, by default)."""
    s = settings(svc, slug)
    return s["maintenance_policy_type"] if s["maintenance_bucket"] in buckets else s["policy_type"]


# -- proposals ----------------------------------------------------------------------------------------


def propose(
    svc: LedgerService,
    slug: str,
    action_hash: bytes,
    *,
    decision_type: int = COMMITTEE_ONLY,
    document: str | bytes | None = None,
    notice: str | bytes | None = None,
    label: str = "proposal",
    lifetime_days: int = DEFAULT_LIFETIME_DAYS,
    signer: str,
) -> int:
    """Publish a proposal for one action; returns its number. The proposer (``signer``, who must
    hold a role in the community) can never approve it."""
    if not 1 <= lifetime_days <= 366:
        raise InvalidInput("a proposal stays open 1 to 366 days")
    cid = _cid(svc, slug)
    deadline = chain_now(svc) + lifetime_days * DAY
    for attempt in range(2):
        pid = int(_read(svc, "nextProposalId", cid)[0])
        try:
            _send(
                svc, signer, "propose", cid, pid, decision_type, action_hash, evidence_hash(document),
                evidence_hash(notice), deadline, fixed_text(label, 32, "label"),
            )  # fmt: skip
            return pid
        except ContractRejected as e:
            if e.error_name != "GovernanceWrongProposalId" or attempt == 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def propose_spend(
    svc: LedgerService,
    slug: str,
    bucket: str,
    amount: int,
    ref: str,
    *,
    evidence: str | bytes | None = None,
    decision_type: int = COMMITTEE_ONLY,
    notice: str | bytes | None = None,
    document: str | bytes | None = None,
    lifetime_days: int = DEFAULT_LIFETIME_DAYS,
    signer: str,
) -> int:
    """Propose paying ``amount`` from ``bucket`` (exactly the spend that will be posted with this
    reference and evidence). From the maintenance fund: ``decision_type`` maintenance_use (the
    owners vote), or a public ``notice`` for the emergency procedure of art. 281."""
    action = spend_action_hash(_cid(svc, slug), bucket, amount, ref, evidence)
    label = f"spend {bucket} {amount // 100}"
    return propose(
        svc, slug, action, decision_type=decision_type,
        document=document if document is not None else evidence,
        notice=notice, label=label[:32], lifetime_days=lifetime_days, signer=signer,
    )  # fmt: skip


def propose_policy(
    svc: LedgerService,
    slug: str,
    buckets: dict[str, int],
    effective: dt.date,
    *,
    document: str | bytes | None = None,
    lifetime_days: int = DEFAULT_LIFETIME_DAYS,
    signer: str,
) -> tuple[int, int]:
    """Propose an allocation policy; returns (proposal number, the owners' decision type it needs)."""
    action = policy_action_hash(_cid(svc, slug), buckets, effective)
    decision_type = policy_decision_type(svc, slug, buckets)
    shares = "/".join(str(v // 100) for v in buckets.values())
    pid = propose(
        svc, slug, action, decision_type=decision_type, document=document, label=f"policy {shares}"[:32],
        lifetime_days=lifetime_days, signer=signer,
    )  # fmt: skip
    return pid, decision_type


def propose_committee(
    svc: LedgerService,
    slug: str,
    members: list[str],
    threshold: int,
    *,
    document: str | bytes | None = None,
    signer: str,
) -> int:
    """Propose a new committee (members rotate: a member who leaves stops counting at once when
    it is applied)."""
    addresses = _members(members)
    _check_committee(addresses, threshold)
    action = committee_action_hash(_cid(svc, slug), addresses, threshold)
    return propose(
        svc,
        slug,
        action,
        document=document,
        label=f"committee {threshold} of {len(addresses)}",
        signer=signer,
    )


def propose_decision_type(
    svc: LedgerService, slug: str, decision_type: int, label: str, rule: Rule, *, signer: str
) -> int:
    """Propose a community's own decision type (16-255), e.g. "2/3 of all households consent"."""
    if not 16 <= decision_type <= 255:
        raise InvalidInput("a community's own decision types are numbered 16 to 255")
    action = decision_type_action_hash(_cid(svc, slug), decision_type, label, rule.validated())
    return propose(svc, slug, action, label=f"decision type {decision_type}", signer=signer)


def proposal(svc: LedgerService, slug: str, proposal_id: int) -> dict[str, Any]:
    """The proposal as the contract has it now, with approvals by current members."""
    p, approvals, rejections = _read(svc, "proposal", _cid(svc, slug), proposal_id)
    return {
        "proposal_id": proposal_id,
        "proposer": to_checksum_address(p[0]),
        "deadline": int(p[1]),
        "decision_type": int(p[2]),
        "status": ("", "open", "used", "failed", "rejected", "expired")[int(p[3])],
        "vote": ("none", "passed", "failed")[int(p[4])],
        "emergency": bool(p[5]),
        "action_hash": _hex(p[6]),
        "document_hash": _hex(p[7]),
        "approvals": int(approvals),
        "rejections": int(rejections),
    }


# -- members' signatures ------------------------------------------------------------------------------


def approval_request(
    svc: LedgerService, slug: str, proposal_id: int, *, approve: bool = True, valid_days: int = 7
) -> Approval:
    """What a member is asked to sign (show it with ``approval_typed_data`` in their wallet)."""
    p = proposal(svc, slug, proposal_id)
    return Approval(
        _cid(svc, slug),
        proposal_id,
        bytes.fromhex(p["action_hash"][2:]),
        bytes.fromhex(p["document_hash"][2:]),
        approve,
        chain_now(svc) + valid_days * DAY,
    )


def typed_data(svc: LedgerService, approval: Approval) -> dict[str, Any]:
    """The ``eth_signTypedData_v4`` request for any wallet that signs EIP-712 typed data."""
    return approval_typed_data(domain(svc), approval)


def sign_with_keystore(
    keystore: Path, password: str, svc_domain: Domain, approval: Approval
) -> tuple[str, bytes]:
    """Sign with the member's own keystore file (standard Ethereum V3 JSON): the key is unlocked
    here, used once and never stored. Returns (address, signature)."""
    try:
        data = json.loads(keystore.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InvalidInput(f"cannot read the keystore {keystore}: {e}") from None
    try:
        key = Account.decrypt(data, password)
    except ValueError:
        raise InvalidInput(f"the password does not open the keystore {keystore}") from None
    account = Account.from_key(key)
    return account.address, sign_approval(account, svc_domain, approval)


def new_member_keystore(path: Path, password: str) -> str:
    """Make a member's own key in a keystore file they keep (for members without a wallet)."""
    if path.exists():
        raise InvalidInput(f"{path} exists already; choose another file")
    if len(password) < 8:
        raise InvalidInput("the password must be at least 8 characters")
    account = Account.create()
    path.write_text(json.dumps(Account.encrypt(account.key, password)), encoding="utf-8")
    path.chmod(0o600)
    return str(account.address)


def relay_signature(
    svc: LedgerService,
    slug: str,
    approval: Approval,
    member: str,
    signature: bytes,
    *,
    relayer: str | None = None,
) -> dict[str, Any]:
    """Send a member's signature to the contract (the operator's key pays; it proves nothing
    itself). Refused here, before sending, when the signature is not the named member's."""
    if not is_hex_address(member):
        raise InvalidInput(f"'{member}' is not an address")
    try:
        signer = recover_signer(domain(svc), approval, signature)
    except Exception:
        raise InvalidInput("the signature is malformed (65 bytes r, s, v expected)") from None
    if signer.lower() != member.lower():
        raise InvalidInput(
            f"the signature is {signer}'s, not {to_checksum_address(member)}'s, over this "
            f"{'approval' if approval.approve else 'rejection'} of proposal #{approval.proposal_id} "
            f"expiring at {approval.expiry}: a wallet must sign exactly the request printed by "
            "`approve --request` (and --reject, if rejecting), passed back with the same --expiry"
        )
    account = svc.account(relayer) if relayer else svc.operator
    return transact(
        svc, account, "sign",
        approval.community, approval.proposal_id, to_checksum_address(member), approval.approve,
        approval.expiry, signature,
    )  # fmt: skip


# -- votes and execution ------------------------------------------------------------------------------


def record_vote(
    svc: LedgerService, slug: str, proposal_id: int, tally: Tally, ballot_record: str | bytes, *, signer: str
) -> dict[str, Any]:
    """Record the owners' reconciled tally (paper ballots included) and the ballot record's hash;
    the contract checks it against the proposal's decision type and records it, passed or failed."""
    if ballot_record is None or ballot_record == "" or ballot_record == b"":
        raise InvalidInput("the ballot record (file or its hash) is required")
    receipt = _send(
        svc,
        signer,
        "recordVote",
        _cid(svc, slug),
        proposal_id,
        tally.validated().as_abi(),
        evidence_hash(ballot_record),
    )
    event = contract_abi(CONTRACT).event("VoteRecorded")
    for log in receipt["logs"]:
        topics = [bytes.fromhex(t[2:]) for t in log["topics"]]
        if topics and topics[0] == event.topic:
            decoded = event.decode(topics[1:], bytes.fromhex(log["data"][2:]))
            return {
                "quorum_met": bool(decoded["quorumMet"]),
                "passed": bool(decoded["passed"]),
                "receipt": receipt,
            }
    raise AssertionError("recordVote emitted no VoteRecorded")  # pragma: no cover


def enact_policy(
    svc: LedgerService,
    slug: str,
    proposal_id: int,
    buckets: dict[str, int],
    effective: dt.date,
    *,
    signer: str,
) -> JournalEntry:
    """Activate the approved policy on the revenue ledger (journaled in the ledger's numbering)."""
    names, bps = _policy_args(buckets)
    account = svc.account(signer)
    return svc.journal.submit(
        Write(
            CONTRACT,
            svc.community_id(slug),
            "enactPolicy",
            (proposal_id, [_hex(n) for n in names], bps, day_number(effective)),
            signer=account.address,
        )
    )


def change_committee(
    svc: LedgerService, slug: str, proposal_id: int, members: list[str], threshold: int, *, signer: str
) -> dict[str, Any]:
    return _send(svc, signer, "changeCommittee", _cid(svc, slug), proposal_id, _members(members), threshold)


def define_decision_type(
    svc: LedgerService,
    slug: str,
    proposal_id: int,
    decision_type: int,
    label: str,
    rule: Rule,
    *,
    signer: str,
) -> dict[str, Any]:
    return _send(
        svc, signer, "defineDecisionType", _cid(svc, slug), proposal_id, decision_type,
        fixed_text(label, 32, "label"), rule.validated().as_abi(),
    )  # fmt: skip


def expire(svc: LedgerService, slug: str, proposal_id: int, *, signer: str | None = None) -> dict[str, Any]:
    """Mark a proposal past its deadline as expired (an event anyone can trigger)."""
    account = svc.account(signer) if signer else svc.operator
    return transact(svc, account, "expire", _cid(svc, slug), proposal_id)
