"""Proof bundles: one JSON file an auditor checks offline (``ledger_service.proofs.verify``).

Two scopes, one format (``civic-ledger/proof-bundle@1``)::

    format, scope ("entry" | "statement"), trust_root_sha256, chain_id, community, period
    headers       {"<block>": {"hash": "0x…", "rlp": "0x…"}}       raw header RLP, as hashed
    receipts      {"<block>/<tx index>": {"receipt": "0x…", "proof": ["0x…", …]}}
    transactions  {"<block>/<tx index>": {"raw": "0x…", "proof": […]}}   signed transaction bytes
    anchor        {"receipt": "<block>/<tx index>", "log": <position in that receipt>}
    attestations  [{"receipt": …, "log": …}]                      auditors' StatementAttested logs
    statement     the closed statement's canonical JSON text (its UTF-8 bytes are what was hashed)
    entries       statement scope: [{"index", "receipt", "log"}] — one per statement entry
                  entry scope:     [{"index", "receipt", "log", "entry": {…}, "inclusion": ["0x…"]}]
    context       {"community": log, "policies": {"<version>": log}, "incomes": {"<seq>": log},
                   "votes": [log, …] (statement scope: the published owners' votes, in order),
                   "decision_types": {"<type>": log} (a community's own types those votes use),
                   "objections": [{"filed": log, "answer": log, "period": log}, …] (published
                   objections, in order; answer and period when there are)}
    balances      [{"block", "account_proof", "storage": {"0x<slot>": [nodes]}, "buckets": {bucket: fen}}]

* Headers are the RLP the chain hashed, with the node's hash beside it (on QBFT the hash Besu
  gives a block: no commit seals, round 0; the seals stay in the RLP for the verifier to check).
* Receipts are the typed consensus encoding (``type || rlp(...)``) and transactions the raw signed
  bytes; their trie proofs run from the block's ``receiptsRoot`` / ``transactionsRoot`` along the
  key ``rlp(tx index)``. The proof's last node, the leaf holding the receipt or transaction, is
  left out: the verifier rebuilds it from the bytes beside the proof (saves shipping them twice).
* A log is named by its receipt and its position inside it, so the verifier decodes the event
  from proved bytes and compares it with the entry field by field.
* A **statement bundle** proves every entry at once: headers, receipts and transactions are
  shared, each entry's leaf is recomputed from the statement itself (so no per-entry inclusion
  proofs: the whole tree is rebuilt and compared with the anchored root), and every receipt of an
  entry's block up to the entry's transaction is included so block-level log indexes are exact.
* An **entry bundle** proves one entry against the anchored entries root with an RFC 6962
  inclusion proof whose tree size is the *anchored* entry count (never the bundle's). It always
  carries the entry's receipt and header and the anchor's receipt and header; then, while the
  file stays within 10 kB, the entry's transaction, the anchor's transaction, the context logs,
  the attestations and the statement text, in that order (:func:`fit_entry_bundle`). The verifier
  notes what a bundle left out (e.g. "bucket names not proved here"); the statement bundle proves
  all of it. An entry inside a batch cannot get under 10 kB: ``receiptsRoot`` commits to whole
  receipts, and a batch of 100 incomes has one ~38 kB receipt (~77 kB as hex, ~4 kB gzipped; the
  verifier reads ``.json.gz``).

Building reads the closed statement from SQL and everything else from the node over raw JSON-RPC,
and checks each piece against the node's own hashes and roots before it goes in. The ``derive_*``
function is pure: it cuts an entry bundle out of a statement bundle, so the explorer can offer
every entry's download from a stored statement bundle without touching the chain.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ledger_service.core.errors import LedgerError, NotFound
from ledger_service.core.hexutil import hex0x as _hex
from ledger_service.proofs.entries import BLOCK_DATED
from ledger_service.proofs.eth import (
    header_rlp_from_rpc,
    keccak,
    mapping_slot,
    mpt_proof,
    mpt_trie,
    receipt_from_rpc,
    transaction_from_rpc,
)
from ledger_service.proofs.trust_root import trust_root, trust_root_hash
from ledger_service.proofs.verify import BALANCE_WORDS_SLOT, BUCKET_IDS_SLOT, BUNDLE_FORMAT
from ledger_service.statements.merkle import entry_leaf_hashes, inclusion_proof_from_leaf_hashes

if TYPE_CHECKING:
    from ledger_service.service import LedgerService

__all__ = [
    "ENTRY_BUNDLE_LIMIT",
    "ChainReader",
    "BundleError",
    "bundle_bytes",
    "OPTIONAL_PIECES",
    "derive_entry_bundle",
    "entry_bundle",
    "fit_entry_bundle",
    "statement_bundle",
]

#: A community's own decision types are numbered from here (the statute's are 1..5).
_FIRST_CUSTOM_TYPE = 16
#: A single entry's bundle stays within this many bytes (compact JSON).
ENTRY_BUNDLE_LIMIT = 10_000
OWNERS_COMMON = "owners_common"


class BundleError(LedgerError):
    """A bundle cannot be built: the period is not closed, or the node's data does not check out."""

    status = 409
    code = "proof_bundle"


def bundle_bytes(bundle: Mapping[str, Any]) -> bytes:
    """The bundle as compact UTF-8 JSON (what is written to disk and measured against 10 kB)."""
    return json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _qty(v: Any) -> int:
    return int(v, 16) if isinstance(v, str) else int(v)


# -- reading the chain -------------------------------------------------------------------------------


@dataclass
class _Block:
    header: dict[str, str]
    receipts_json: list[dict[str, Any]]
    receipts: list[bytes]
    receipt_trie: Any
    #: block-level log index -> (tx index, position in receipt)
    logs: dict[int, tuple[int, int]]
    tx_hashes: list[str]
    transactions_root: str
    txs: list[bytes] | None = None
    tx_trie: Any = None


class ChainReader:
    """Reads blocks over raw JSON-RPC and turns them into checked bytes, once per block."""

    def __init__(self, w3: Any, *, sealed: bool = False) -> None:
        self.w3 = w3
        self.sealed = sealed
        self.blocks: dict[int, _Block] = {}

    def rpc(self, method: str, params: list[Any]) -> Any:
        answer = self.w3.provider.make_request(method, params)
        if "error" in answer:
            raise BundleError(f"{method} failed: {answer['error']}")
        return answer["result"]

    def _block_hash(self, raw: bytes) -> bytes:
        if self.sealed:
            from ledger_service.proofs import qbft

            fn = getattr(qbft, "block_hash", None)
            if fn is not None:
                return bytes(fn(raw))
        return keccak(raw)

    def block(self, number: int) -> _Block:
        if number in self.blocks:
            return self.blocks[number]
        raw_block = self.rpc("eth_getBlockByNumber", [hex(number), False])
        if raw_block is None:
            raise BundleError(f"the node has no block {number}")
        header_rlp = header_rlp_from_rpc(raw_block)
        if _hex(self._block_hash(header_rlp)) != raw_block["hash"].lower():
            raise BundleError(f"block {number}: the rebuilt header does not hash to {raw_block['hash']}")
        receipts_json = self.rpc("eth_getBlockReceipts", [hex(number)]) or []
        receipts_json.sort(key=lambda r: _qty(r["transactionIndex"]))
        if len(receipts_json) != len(raw_block["transactions"]):
            raise BundleError(
                f"block {number}: {len(receipts_json)} receipts for {len(raw_block['transactions'])} txs"
            )
        receipts = [receipt_from_rpc(r) for r in receipts_json]
        t = mpt_trie(receipts)
        if _hex(t.root_hash) != raw_block["receiptsRoot"].lower():
            raise BundleError(f"block {number}: the rebuilt receipt trie does not match receiptsRoot")
        logs = {
            _qty(log["logIndex"]): (i, k)
            for i, r in enumerate(receipts_json)
            for k, log in enumerate(r["logs"])
        }
        header = {"hash": raw_block["hash"].lower(), "rlp": _hex(header_rlp)}
        block = _Block(
            header,
            receipts_json,
            receipts,
            t,
            logs,
            [h.lower() for h in raw_block["transactions"]],
            raw_block["transactionsRoot"].lower(),
        )
        self.blocks[number] = block
        return block

    def _raw_tx(self, tx_hash: str) -> bytes:
        raw: bytes | None = None
        try:
            got = self.rpc("eth_getRawTransactionByHash", [tx_hash])
            raw = bytes.fromhex(got[2:]) if got else None
        except BundleError:
            raw = None
        if raw is None or _hex(keccak(raw)) != tx_hash:
            raw = transaction_from_rpc(self.rpc("eth_getTransactionByHash", [tx_hash]))
        if _hex(keccak(raw)) != tx_hash:
            raise BundleError(f"transaction {tx_hash}: the raw bytes do not hash to it")
        return raw

    def transactions(self, number: int) -> _Block:
        block = self.block(number)
        if block.txs is None:
            block.txs = [self._raw_tx(h) for h in block.tx_hashes]
            block.tx_trie = mpt_trie(block.txs)
            if _hex(block.tx_trie.root_hash) != block.transactions_root:
                raise BundleError(
                    f"block {number}: the rebuilt transaction trie does not match transactionsRoot"
                )
        return block

    def locate(self, number: int, log_index: int) -> tuple[int, int]:
        block = self.block(number)
        if log_index not in block.logs:
            raise BundleError(f"block {number} has no log {log_index}")
        return block.logs[log_index]


# -- collecting a bundle ------------------------------------------------------------------------------


@dataclass
class _Parts:
    reader: ChainReader
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    receipts: dict[str, dict[str, Any]] = field(default_factory=dict)
    transactions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def header(self, number: int) -> None:
        self.headers.setdefault(str(number), self.reader.block(number).header)

    def receipt(self, number: int, index: int) -> str:
        ref = f"{number}/{index}"
        if ref not in self.receipts:
            block = self.reader.block(number)
            self.header(number)
            self.receipts[ref] = {
                "receipt": _hex(block.receipts[index]),
                "proof": [_hex(n) for n in mpt_proof(block.receipt_trie, block.receipts, index)],
            }
        return ref

    def log(self, number: int, log_index: int) -> dict[str, Any]:
        index, position = self.reader.locate(number, log_index)
        return {"receipt": self.receipt(number, index), "log": position}

    def transaction(self, number: int, index: int) -> None:
        ref = f"{number}/{index}"
        if ref in self.transactions:
            return
        block = self.reader.transactions(number)
        assert block.txs is not None
        raw = block.txs[index]
        self.header(number)
        self.transactions[ref] = {
            "raw": _hex(raw),
            "proof": [_hex(n) for n in mpt_proof(block.tx_trie, block.txs, index)],
        }


@dataclass
class _Closed:
    slug: str
    label: str
    community_id: str
    statement: dict[str, Any]
    text: str
    anchor_block: int
    anchor_log_index: int
    attestations: list[tuple[int, int]]
    community_at: tuple[int, int]
    policies_at: dict[int, tuple[int, int]]
    incomes_at: dict[int, tuple[int, int]]
    #: the owners' votes the statement publishes, in its order, and the community's own decision
    #: types they use (type -> the log that defined it)
    votes_at: list[tuple[int, int]] = field(default_factory=list)
    decision_types_at: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: per published objection: its filing, its published answer (if any), its period's close note
    objections_at: list[dict[str, tuple[int, int]]] = field(default_factory=list)


def _load_closed(svc: LedgerService, slug: str, label: str) -> _Closed:
    """The closed statement and the chain positions of its anchor and context, from SQL."""
    from sqlalchemy import select

    from ledger_service.audit.tables import Anchor, Attestation
    from ledger_service.communities.tables import Community
    from ledger_service.revenue.tables import RevenueEntry, RevenuePolicy
    from ledger_service.statements.periods import parse_period
    from ledger_service.statements.store import get_statement

    period = parse_period(label)
    with svc.db.begin() as conn:
        served = get_statement(conn, slug, period.label)
        if not served.closed:
            raise BundleError(f"{slug} {period.label} is not closed yet; close the period first")
        community = conn.execute(select(Community.__table__).where(Community.slug == slug)).one()
        anchor = conn.execute(
            select(Anchor.__table__).where(Anchor.community == community.id, Anchor.label == period.label)
        ).one()
        attestations = conn.execute(
            select(Attestation.block_number, Attestation.log_index)
            .where(Attestation.community == community.id, Attestation.period_key == anchor.period_key)
            .order_by(Attestation.block_number, Attestation.log_index)
        ).all()
        versions = {
            e["policy_version"]
            for e in served.statement["entries"]
            if e.get("policy_version") and e["kind"] != "policy"
        }
        policies = {
            r.version: (r.block_number, r.log_index)
            for r in conn.execute(
                select(RevenuePolicy.version, RevenuePolicy.block_number, RevenuePolicy.log_index).where(
                    RevenuePolicy.community == community.id, RevenuePolicy.version.in_(versions or {-1})
                )
            )
        }
        originals = {e["corrects"] for e in served.statement["entries"] if e.get("reverses") == "income"}
        incomes = {
            r.seq: (r.block_number, r.log_index)
            for r in conn.execute(
                select(RevenueEntry.seq, RevenueEntry.block_number, RevenueEntry.log_index).where(
                    RevenueEntry.community == community.id,
                    RevenueEntry.kind == "income",
                    RevenueEntry.seq.in_(originals or {-1}),
                )
            )
        }
        votes_at, types_at = _governance_at(conn, community.id, served.statement, anchor.as_of_block)
        objections_at = _objections_at(conn, community.id, served.statement, anchor.as_of_block)
    return _Closed(
        slug,
        period.label,
        community.id,
        served.statement,
        served.body.decode("utf-8"),
        anchor.block_number,
        anchor.log_index,
        [(a.block_number, a.log_index) for a in attestations],
        (community.block_number, community.log_index),
        policies,
        incomes,
        votes_at,
        types_at,
        objections_at,
    )


def _objections_at(
    conn: Any, community_id: str, statement: Mapping[str, Any], as_of_block: int
) -> list[dict[str, tuple[int, int]]]:
    """Chain positions behind each published objection: its filing and answer (both in the
    statement item) and the close note of the period it objects to."""
    from sqlalchemy import select

    from ledger_service.oversight.tables import OversightObjection, OversightPeriodClose

    published = statement.get("objections") or []
    if not published:
        return []
    keys = {
        int(r.objection_id): r.period_key
        for r in conn.execute(
            select(OversightObjection.objection_id, OversightObjection.period_key).where(
                OversightObjection.community == community_id, OversightObjection.block_number <= as_of_block
            )
        )
    }
    closes = {
        r.period_key: (r.block_number, r.log_index)
        for r in conn.execute(
            select(OversightPeriodClose.__table__).where(
                OversightPeriodClose.community == community_id,
                OversightPeriodClose.block_number <= as_of_block,
            )
        )
    }
    out = []
    for item in published:
        at = {"filed": (item["block_number"], item["log_index"])}
        if item.get("answer"):
            at["answer"] = (item["answer"]["block_number"], item["answer"]["log_index"])
        close = closes.get(keys.get(int(item["objection_id"]), ""))
        if close is not None:
            at["period"] = close
        out.append(at)
    return out


def _governance_at(
    conn: Any, community_id: str, statement: Mapping[str, Any], as_of_block: int
) -> tuple[list[tuple[int, int]], dict[int, tuple[int, int]]]:
    """Chain positions of the owners' votes the statement publishes (in its order) and of the
    definitions of the community's own decision types among them."""
    from sqlalchemy import select

    from ledger_service.governance.tables import GovernanceDecisionType, GovernanceVote

    published = (statement.get("governance") or {}).get("votes") or []
    if not published:
        return [], {}
    rows = {
        int(r.proposal_id): r
        for r in conn.execute(
            select(GovernanceVote.__table__).where(
                GovernanceVote.community == community_id,
                GovernanceVote.block_number <= as_of_block,
                GovernanceVote.proposal_id.in_([int(v["proposal_id"]) for v in published]),
            )
        )
    }
    missing = [v["proposal_id"] for v in published if int(v["proposal_id"]) not in rows]
    if missing:
        raise BundleError(f"the index has no vote for proposals {missing}; rebuild the index")
    votes = [rows[int(v["proposal_id"])] for v in published]
    custom = {int(r.decision_type) for r in votes if int(r.decision_type) >= _FIRST_CUSTOM_TYPE}
    types = {
        int(r.decision_type): (r.block_number, r.log_index)
        for r in conn.execute(
            select(GovernanceDecisionType.__table__)
            .where(
                GovernanceDecisionType.community == community_id,
                GovernanceDecisionType.block_number <= as_of_block,
                GovernanceDecisionType.decision_type.in_(custom or {-1}),
            )
            .order_by(GovernanceDecisionType.block_number, GovernanceDecisionType.log_index)
        )
    }  # the latest definition of each type as of the statement wins, as in the statement
    return [(r.block_number, r.log_index) for r in votes], types


def _envelope(svc: LedgerService, closed: _Closed, scope: str, validators: Sequence[str]) -> dict[str, Any]:
    root = trust_root(svc.deployment, validators)
    return {
        "format": BUNDLE_FORMAT,
        "scope": scope,
        "trust_root_sha256": trust_root_hash(root),
        "chain_id": root["chain_id"],
        "community": closed.slug,
        "period": closed.label,
    }


def _context(
    parts: _Parts,
    closed: _Closed,
    entries: Iterable[Mapping[str, Any]],
    *,
    in_bundle: set[tuple[int, int]],
    community: bool,
) -> dict[str, Any]:
    """Context logs the given entries depend on and that are not themselves proved entries: the
    community's registration (its time zone dates policies and funds and goods set-ups), the
    policies whose bucket names a split uses, and the incomes a reversal takes its source from."""
    entries = list(entries)
    ctx: dict[str, Any] = {}
    if community:
        ctx["community"] = parts.log(*closed.community_at)
    in_statement = {
        (e["kind"], e.get("policy_version") if e["kind"] == "policy" else e["seq"]): e
        for e in closed.statement["entries"]
    }
    policies: dict[str, Any] = {}
    incomes: dict[str, Any] = {}
    for e in entries:
        version = e.get("policy_version")
        if version and e["kind"] != "policy" and str(version) not in policies:
            own = in_statement.get(("policy", version))
            if own is not None and (own["block_number"], own["log_index"]) in in_bundle:
                continue
            at = (own["block_number"], own["log_index"]) if own else closed.policies_at[version]
            policies[str(version)] = parts.log(*at)
        if e.get("reverses") == "income" and str(e["corrects"]) not in incomes:
            own = in_statement.get(("income", e["corrects"]))
            if own is not None and (own["block_number"], own["log_index"]) in in_bundle:
                continue
            at = (own["block_number"], own["log_index"]) if own else closed.incomes_at[e["corrects"]]
            incomes[str(e["corrects"])] = parts.log(*at)
    if policies:
        ctx["policies"] = policies
    if incomes:
        ctx["incomes"] = incomes
    return ctx


def _pad_key(key: str) -> str:
    """A storage key as 32 bytes of lowercase hex (nodes may answer with leading zeros dropped)."""
    return "0x" + key[2:].lower().rjust(64, "0")


def _balances(parts: _Parts, svc: LedgerService, closed: _Closed) -> list[dict[str, Any]]:
    """EIP-1186 proofs of every bucket's balance at the statement's as-of block, or nothing when
    the node no longer holds that state (Besu keeps ~512 blocks by default)."""
    block = int(closed.statement["chain"]["to_block"])
    address = svc.deployment.address("RevenueLedger")
    cid = bytes.fromhex(closed.community_id[2:])
    ids_base = int.from_bytes(mapping_slot(cid, BUCKET_IDS_SLOT), "big")
    words_base = int.from_bytes(mapping_slot(cid, BALANCE_WORDS_SLOT), "big")
    buckets = sorted(closed.statement["balances"])
    id_slots = {
        b: mapping_slot(b.encode("utf-8").ljust(32, b"\0"), ids_base) for b in buckets if b != OWNERS_COMMON
    }
    try:
        first = parts.reader.rpc("eth_getProof", [address, [_hex(s) for s in id_slots.values()], hex(block)])
    except BundleError:
        return []
    values = {_pad_key(p["key"]): _qty(p["value"]) for p in first["storageProof"]}
    ids = {b: values[_hex(s)] - 1 for b, s in id_slots.items() if values.get(_hex(s))}
    ids[OWNERS_COMMON] = 0
    word_slots = sorted({mapping_slot((i // 4).to_bytes(32, "big"), words_base) for i in ids.values()})
    second = parts.reader.rpc("eth_getProof", [address, [_hex(s) for s in word_slots], hex(block)])
    words = {_pad_key(p["key"]): _qty(p["value"]) for p in second["storageProof"]}
    storage = {_pad_key(p["key"]): p["proof"] for p in [*first["storageProof"], *second["storageProof"]]}
    balances = {}
    for bucket, i in sorted(ids.items()):
        word = words[_hex(mapping_slot((i // 4).to_bytes(32, "big"), words_base))]
        balances[bucket] = (word >> (64 * (i % 4))) & 0xFFFF_FFFF_FFFF_FFFF
    parts.header(block)
    return [{"block": block, "account_proof": first["accountProof"], "storage": storage, "buckets": balances}]


def _with_earlier_receipts(parts: _Parts, block: int, log_index: int) -> dict[str, Any]:
    """The log's reference, with every earlier receipt of its block in the bundle (so the
    verifier can check its block-level log index)."""
    where = parts.log(block, log_index)
    for j in range(int(where["receipt"].split("/")[1])):
        parts.receipt(block, j)
    return where


def statement_bundle(
    svc: LedgerService,
    slug: str,
    label: str,
    *,
    validators: Sequence[str] = (),
    balances: bool = True,
) -> dict[str, Any]:
    """The bundle proving every entry of ``slug``'s closed statement for ``label`` at once."""
    closed = _load_closed(svc, slug, label)
    parts = _Parts(ChainReader(svc.w3, sealed=bool(validators)))
    bundle = _envelope(svc, closed, "statement", validators)
    anchor = parts.log(closed.anchor_block, closed.anchor_log_index)
    entries = [
        {"index": index, **_with_earlier_receipts(parts, e["block_number"], e["log_index"])}
        for index, e in enumerate(closed.statement["entries"])
    ]
    in_bundle = {(e["block_number"], e["log_index"]) for e in closed.statement["entries"]}
    context = _context(parts, closed, closed.statement["entries"], in_bundle=in_bundle, community=True)
    if closed.votes_at:
        context["votes"] = [parts.log(b, i) for b, i in closed.votes_at]
    if closed.decision_types_at:
        types = sorted(closed.decision_types_at.items())
        context["decision_types"] = {str(t): parts.log(*at) for t, at in types}
    if closed.objections_at:  # located exactly: the items name their transaction and log index
        context["objections"] = [
            {k: _with_earlier_receipts(parts, *at) for k, at in sorted(o.items())}
            for o in closed.objections_at
        ]
    for ref in list(parts.receipts):
        parts.transaction(*map(int, ref.split("/")))
    attestations = [parts.log(b, i) for b, i in closed.attestations]
    state = _balances(parts, svc, closed) if balances else []
    bundle.update(
        headers=dict(sorted(parts.headers.items(), key=lambda kv: int(kv[0]))),
        receipts=parts.receipts,
        transactions=parts.transactions,
        anchor=anchor,
        attestations=attestations,
        statement=closed.text,
        entries=entries,
        context=context,
        balances=state,
    )
    return bundle


def entry_bundle(
    svc: LedgerService,
    slug: str,
    label: str,
    index: int,
    *,
    validators: Sequence[str] = (),
    limit: int | None = ENTRY_BUNDLE_LIMIT,
) -> dict[str, Any]:
    """The bundle proving entry ``index`` (its position in the statement's ``entries``) of a
    closed statement, within ``limit`` bytes where it can be (see :func:`fit_entry_bundle`;
    ``limit=None`` keeps every optional piece)."""
    closed = _load_closed(svc, slug, label)
    entries = closed.statement["entries"]
    if not 0 <= index < len(entries):
        raise NotFound(f"{slug} {closed.label} has {len(entries)} entries; there is no entry {index}")
    entry = entries[index]
    parts = _Parts(ChainReader(svc.w3, sealed=bool(validators)))
    anchor = parts.log(closed.anchor_block, closed.anchor_log_index)
    where = parts.log(entry["block_number"], entry["log_index"])
    for ref in {where["receipt"], anchor["receipt"]}:
        parts.transaction(*map(int, ref.split("/")))
    context = _context(
        parts,
        closed,
        [entry],
        in_bundle={(entry["block_number"], entry["log_index"])},
        community=entry["kind"] in BLOCK_DATED,
    )
    attestations = [parts.log(b, i) for b, i in closed.attestations]
    proof = inclusion_proof_from_leaf_hashes(index, entry_leaf_hashes(entries))
    candidate = _envelope(svc, closed, "entry", validators)
    candidate.update(
        headers=parts.headers,
        receipts=parts.receipts,
        transactions=parts.transactions,
        anchor=anchor,
        attestations=attestations,
        statement=closed.text,
        entries=[{"index": index, **where, "entry": entry, "inclusion": [_hex(p) for p in proof]}],
        context=context,
    )
    return fit_entry_bundle(candidate, limit)


#: Optional pieces of an entry bundle, most valuable first: the transactions the brief of a bundle
#: names (entry, then anchor), the context logs that prove bucket names / time zone / a reversed
#: income's source, auditors' attestations, and the statement text itself.
OPTIONAL_PIECES = ("entry_tx", "anchor_tx", "context", "attestations", "statement")


def _assemble(candidate: Mapping[str, Any], pieces: Sequence[str]) -> dict[str, Any]:
    item = candidate["entries"][0]
    refs = {candidate["anchor"]["receipt"], item["receipt"]}
    context = candidate.get("context") or {}
    if "context" in pieces:
        for key, value in context.items():
            refs |= {value["receipt"]} if key == "community" else {v["receipt"] for v in value.values()}
    attestations = list(candidate.get("attestations") or []) if "attestations" in pieces else []
    refs |= {a["receipt"] for a in attestations}
    all_txs = candidate.get("transactions") or {}
    tx_refs = [r for p, r in (("entry_tx", item["receipt"]), ("anchor_tx", candidate["anchor"]["receipt"]))
               if p in pieces and r in all_txs]  # fmt: skip
    blocks = {int(r.split("/")[0]) for r in [*refs, *tx_refs]}
    order = sorted(refs, key=lambda r: tuple(map(int, r.split("/"))))
    bundle = {
        k: candidate[k] for k in ("format", "scope", "trust_root_sha256", "chain_id", "community", "period")
    }
    bundle.update(
        headers={str(b): candidate["headers"][str(b)] for b in sorted(blocks)},
        receipts={r: candidate["receipts"][r] for r in order},
        transactions={
            r: all_txs[r] for r in sorted(set(tx_refs), key=lambda r: tuple(map(int, r.split("/"))))
        },
        anchor=candidate["anchor"],
        attestations=attestations,
        entries=[item],
        context=context if "context" in pieces else {},
    )
    if "statement" in pieces:
        bundle["statement"] = candidate["statement"]
    return bundle


def fit_entry_bundle(candidate: Mapping[str, Any], limit: int | None = ENTRY_BUNDLE_LIMIT) -> dict[str, Any]:
    """The entry bundle made from a full ``candidate``: what proves the entry (its receipt and
    header, the anchor's receipt and header, the inclusion proof) always, then each of
    :data:`OPTIONAL_PIECES` in turn if the bundle still fits in ``limit`` bytes.

    What is left out is reported by the verifier as a note, never silently: a missing transaction
    means the entry's ``tx_hash`` is not re-hashed, missing context means bucket names (or the
    time zone, or a reversed income's source) are not proved by this file, a missing statement
    means its hash and totals are checked by the statement bundle instead. The receipt of a
    batched transaction holds every log of the batch (100 incomes: ~40 kB of receipt) and is the
    smallest thing ``receiptsRoot`` commits to, so such an entry's bundle cannot reach 10 kB.
    """
    pieces: list[str] = []
    for piece in OPTIONAL_PIECES:
        trial = [*pieces, piece]
        if limit is None or len(bundle_bytes(_assemble(candidate, trial))) <= limit:
            pieces = trial
    return copy.deepcopy(_assemble(candidate, pieces))  # shares nothing with the candidate


# -- pure: an entry bundle cut out of a statement bundle ------------------------------------------------


def derive_entry_bundle(
    statement_bundle: Mapping[str, Any], index: int, *, limit: int | None = ENTRY_BUNDLE_LIMIT
) -> dict[str, Any]:
    """The entry bundle of entry ``index``, cut out of a statement bundle without any node or
    database — the same bundle :func:`entry_bundle` builds from the chain. For the explorer's
    per-entry downloads from a stored statement bundle."""
    sb = statement_bundle
    statement = json.loads(sb["statement"])
    entries = statement["entries"]
    if not 0 <= index < len(entries):
        raise NotFound(f"the statement has {len(entries)} entries; there is no entry {index}")
    entry = entries[index]
    located = {e["index"]: {"receipt": e["receipt"], "log": e["log"]} for e in sb["entries"]}
    where = located[index]

    def proved(kind: str, key: str, value: Any) -> dict[str, Any]:
        for i, e in enumerate(entries):
            if e["kind"] == kind and e.get(key) == value:
                return located[i]
        raise BundleError(f"the statement bundle does not prove the {kind} with {key} {value}")

    sb_context = sb.get("context") or {}
    context: dict[str, Any] = {}
    if entry["kind"] in BLOCK_DATED:  # dated by its block: the community's time zone
        context["community"] = sb_context["community"]
    version = entry.get("policy_version")
    if version and entry["kind"] != "policy":
        log = (sb_context.get("policies") or {}).get(str(version)) or proved(
            "policy", "policy_version", version
        )
        context["policies"] = {str(version): log}
    if entry.get("reverses") == "income":
        seq = entry["corrects"]
        log = (sb_context.get("incomes") or {}).get(str(seq)) or proved("income", "seq", seq)
        context["incomes"] = {str(seq): log}
    proof = inclusion_proof_from_leaf_hashes(index, entry_leaf_hashes(entries))
    candidate = {k: sb[k] for k in ("format", "trust_root_sha256", "chain_id", "community", "period")}
    candidate.update(
        scope="entry",
        headers=sb["headers"],
        receipts=sb["receipts"],
        transactions=sb.get("transactions") or {},
        anchor=sb["anchor"],
        attestations=sb.get("attestations") or [],
        statement=sb["statement"],
        entries=[{"index": index, **where, "entry": entry, "inclusion": [_hex(p) for p in proof]}],
        context=context,
    )
    return fit_entry_bundle(candidate, limit)
