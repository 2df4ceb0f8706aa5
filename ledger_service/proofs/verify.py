"""Check a proof bundle offline, trusting neither the operator nor its node.

``verify_bundle(bundle, trust_root)`` walks a fixed list of named steps and stops at the first one
that fails, so the verdict says exactly which step failed and why:

1. the bundle's format, and that it was made for this trust root (its SHA-256 and chain id);
2. every block header: decodes, has its number, hashes to the hash the bundle gives;
3. seals: the validators' commit seals on each header (QBFT), or "unsealed" on the dev chain;
4. every transaction and receipt: in its block's ``transactionsRoot`` / ``receiptsRoot`` (Merkle
   Patricia proof), the transaction signed for this chain;
5. the anchor: a ``StatementAnchored`` log from the trust root's AuditAnchor, naming the community
   and period; attestations likewise;
6. the statement (when carried): SHA-256 equals the anchored hash, it matches its anchor and the
   trust root, and its totals follow from its entries;
7. context logs (the community's registration, policies, reversed incomes) an entry depends on;
   and each owners' vote the statement publishes, rebuilt from its ``VoteRecorded`` log;
8. every entry: its log is the right event from the trust root's RevenueLedger, TimeBank, Funds
   or Goods at the entry's block, transaction and log index (a goods transfer to this community
   is its "received" entry); the decoded event equals the entry; and (entry bundles) its
   RFC 6962 inclusion proof against the anchored entries root, tree size from the anchor;
9. balances: EIP-1186 account and storage proofs against a header's ``stateRoot``.

The bundle format is documented in ``ledger_service/proofs/bundle.py``.

Pure: this module imports neither the database, nor the node, sender or web3 (a test checks
``sys.modules``). ``python -m ledger_service.proofs.verify BUNDLE --trust-root FILE`` prints each
step and exits 0 when every step passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rlp

from ledger_service.proofs.common import block_local_date
from ledger_service.proofs.entries import (
    ENTRY_CONTRACTS,
    EntryContext,
    MissingContext,
    entry_differences,
    expected_entry,
    read_text,
    recompute_statement,
)
from ledger_service.proofs.eth import (
    DecodedHeader,
    DecodedLog,
    DecodedReceipt,
    DecodedTransaction,
    ProofError,
    account_from_proof,
    decode_header,
    decode_receipt,
    decode_transaction,
    keccak,
    mapping_slot,
    mpt_verify,
    storage_from_proof,
)
from ledger_service.proofs.events import EventSpec, decode_log
from ledger_service.proofs.governance import describe_rule, vote_json
from ledger_service.proofs.oversight import Located, objection_flags, objection_json
from ledger_service.proofs.trust_root import TrustRootError, check_trust_root, trust_root_hash
from ledger_service.statements.merkle import entry_leaf, leaf_hash, verify_inclusion
from ledger_service.statements.periods import day_number, parse_period

__all__ = [
    "BUNDLE_FORMAT",
    "BALANCE_WORDS_SLOT",
    "BUCKET_IDS_SLOT",
    "Step",
    "Verdict",
    "main",
    "verify_bundle",
]

BUNDLE_FORMAT = "civic-ledger/proof-bundle@1"
#: RevenueLedger storage layout (solc ``storageLayout``; checked by tests/proofs/test_layout.py).
BALANCE_WORDS_SLOT = 6  # mapping(bytes32 community => mapping(uint256 word => uint256))
BUCKET_IDS_SLOT = 7  # mapping(bytes32 community => mapping(bytes32 slug => uint256 idPlusOne))
OWNERS_COMMON = "owners_common"

PASS, FAIL, NOTE = "pass", "fail", "note"


@dataclass(frozen=True)
class Step:
    """One named check. ``check`` is a stable id (``header.hash``); ``name`` the human title."""

    check: str
    name: str
    status: str  # "pass" | "fail" | "note"
    detail: str = ""

    def to_json(self) -> dict[str, str]:
        return {"check": self.check, "name": self.name, "status": self.status, "detail": self.detail}


@dataclass
class Verdict:
    """The steps taken, in order; verification stops at the first failure."""

    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.steps) and all(s.status != FAIL for s in self.steps)

    @property
    def failed(self) -> Step | None:
        return next((s for s in self.steps if s.status == FAIL), None)

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "steps": [s.to_json() for s in self.steps]}


class _Stop(Exception):
    pass


class _Fail(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _hex_bytes(value: Any, what: str, size: int | None = None) -> bytes:
    if not isinstance(value, str) or not value.startswith("0x"):
        raise _Fail(f"{what} is not a 0x-prefixed hex string")
    try:
        out = bytes.fromhex(value[2:])
    except ValueError:
        raise _Fail(f"{what} is not valid hex") from None
    if size is not None and len(out) != size:
        raise _Fail(f"{what} is {len(out)} bytes, not {size}")
    return out


def _plain_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Fail(f"{what} is not an integer")
    return value


def _short(b: bytes | str, n: int = 10) -> str:
    h = b if isinstance(b, str) else "0x" + b.hex()
    return h[: n + 2] + "…" if len(h) > n + 2 else h


def _ref(value: Any, what: str) -> tuple[int, int]:
    """A receipt/transaction reference ``"<block>/<tx index>"``."""
    if not isinstance(value, str) or value.count("/") != 1:
        raise _Fail(f"{what} {value!r} is not '<block>/<index>'")
    block, index = value.split("/")
    if not (block.isdigit() and index.isdigit()) or str(int(block)) != block or str(int(index)) != index:
        raise _Fail(f"{what} {value!r} is not '<block>/<index>'")
    return int(block), int(index)


@dataclass
class _ProvedLog:
    ref: str
    position: int  # within the receipt
    contract: str
    spec: EventSpec
    args: dict[str, Any]
    log: DecodedLog


class _Verifier:
    def __init__(
        self, bundle: Mapping[str, Any], root: Mapping[str, Any], statement_file: bytes | None
    ) -> None:
        self.b = bundle
        self.root = root
        self.statement_file = statement_file
        self.verdict = Verdict()
        self.headers: dict[int, DecodedHeader] = {}
        self.header_hashes: dict[int, bytes] = {}
        self.receipts: dict[str, DecodedReceipt] = {}
        self.txs: dict[str, tuple[DecodedTransaction, bytes]] = {}
        self.addresses: dict[str, str] = {}
        self.anchor: dict[str, Any] = {}
        self.statement: dict[str, Any] | None = None
        self.ctx = EntryContext()
        self.community_id = b""

    # -- step machinery ------------------------------------------------------------------------

    def record(self, check: str, name: str, status: str, detail: str = "") -> None:
        self.verdict.steps.append(Step(check, name, status, detail))
        if status == FAIL:
            raise _Stop

    @contextmanager
    def step(self, check: str, name: str) -> Iterator[list[str]]:
        """Run a check; the block appends its pass detail to the yielded list. Any error inside is
        this step's failure, with the reason."""
        detail: list[str] = []
        try:
            yield detail
        except _Stop:
            raise
        except _Fail as f:
            self.record(check, name, FAIL, f.detail)
        except ProofError as e:
            self.record(check, name, FAIL, str(e))
        except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError) as e:
            self.record(check, name, FAIL, f"malformed: {type(e).__name__}: {e}")
        else:
            self.record(check, name, PASS, "; ".join(detail))

    def note(self, check: str, name: str, detail: str) -> None:
        self.record(check, name, NOTE, detail)

    # -- the walk ------------------------------------------------------------------------------

    def run(self) -> Verdict:
        try:
            self.check_format()
            self.check_trust_root()
            self.check_headers()
            self.check_seals()
            self.check_transactions()
            self.check_receipts()
            self.check_anchor()
            self.check_attestations()
            self.check_statement_file()
            self.check_statement()
            self.check_context()
            self.check_votes()
            self.check_objections()
            self.check_entries()
            self.check_balances()
        except _Stop:
            pass
        return self.verdict

    def check_format(self) -> None:
        with self.step("bundle.format", "bundle: format") as d:
            if self.b.get("format") != BUNDLE_FORMAT:
                raise _Fail(f"format is {self.b.get('format')!r}, not {BUNDLE_FORMAT}")
            if self.b.get("scope") not in ("entry", "statement"):
                raise _Fail(f"scope is {self.b.get('scope')!r}, not 'entry' or 'statement'")
            d.append(f"{BUNDLE_FORMAT}, one {self.b['scope']}")

    def check_trust_root(self) -> None:
        with self.step("trust_root.match", "trust root: the bundle was made for this trust root") as d:
            try:
                check_trust_root(self.root)
            except TrustRootError as e:
                raise _Fail(f"the trust root is malformed: {e}") from None
            h = trust_root_hash(self.root)
            if self.b.get("trust_root_sha256") != h:
                raise _Fail(
                    f"the bundle names trust root {self.b.get('trust_root_sha256')}, this one is {h} "
                    "(another chain or deployment)"
                )
            d.append(f"sha256 {h}")
        with self.step("trust_root.chain_id", "trust root: chain id matches") as d:
            if self.b.get("chain_id") != self.root["chain_id"]:
                raise _Fail(
                    f"the bundle is for chain {self.b.get('chain_id')}, "
                    f"the trust root for chain {self.root['chain_id']}"
                )
            self.addresses = {n: c["address"].lower() for n, c in self.root["contracts"].items()}
            for needed in ("RevenueLedger", "AuditAnchor"):
                if needed not in self.addresses:
                    raise _Fail(f"the trust root names no {needed}")
            d.append(f"chain {self.root['chain_id']}")

    def _sealed(self) -> bool:
        return bool(self.root.get("validators"))

    def _block_hash(self, raw: bytes) -> bytes:
        """keccak(header RLP) — except on QBFT, where the block hash leaves out the commit seals
        and the seal module (``proofs/qbft.py``) computes it when it offers ``block_hash``."""
        if self._sealed():
            fn: Callable[[bytes], bytes] | None = getattr(_qbft(), "block_hash", None)
            if fn is not None:
                return bytes(fn(raw))
        return keccak(raw)

    def check_headers(self) -> None:
        headers = self.b.get("headers")
        with self.step("bundle.format", "bundle: headers") as d:
            if not isinstance(headers, Mapping) or not headers:
                raise _Fail("the bundle has no headers")
            for key in headers:
                if not (isinstance(key, str) and key.isdigit() and str(int(key)) == key):
                    raise _Fail(f"header key {key!r} is not a block number")
            d.append(f"{len(headers)} header(s)")
        for key in sorted(headers, key=int):
            n = int(key)
            with self.step("header.hash", f"header {n}: hash") as d:
                h = headers[key]
                raw = _hex_bytes(h["rlp"], f"header {n} rlp")
                stated = _hex_bytes(h["hash"], f"header {n} hash", 32)
                header = decode_header(raw)
                if header.number != n:
                    raise _Fail(f"the header is block {header.number}, not {n}")
                computed = self._block_hash(raw)
                if computed != stated:
                    raise _Fail(f"the header hashes to 0x{computed.hex()}, not 0x{stated.hex()}")
                self.headers[n] = header
                self.header_hashes[n] = stated
                d.append(f"0x{stated.hex()}")

    def check_seals(self) -> None:
        validators = list(self.root.get("validators") or [])
        if not validators:
            self.note(
                "seals",
                "seals: unsealed (dev chain)",
                "the trust root lists no validators: headers are as the operator's node reported them",
            )
            return
        for n, header in sorted(self.headers.items()):
            with self.step("seals", f"header {n}: QBFT seals") as d:
                verdict = _qbft().verify_seals(header.raw, validators)
                ok = getattr(verdict, "ok", None)
                reason = str(getattr(verdict, "reason", "") or verdict)
                if ok is not True:  # fail closed on anything but an explicit pass
                    raise _Fail(reason or "the seals do not verify")
                d.append(reason)

    def _header_for(self, block: int, what: str) -> DecodedHeader:
        if block not in self.headers:
            raise _Fail(f"{what}: block {block} has no header in the bundle")
        return self.headers[block]

    def check_transactions(self) -> None:
        txs = self.b.get("transactions", {})
        with self.step("bundle.format", "bundle: transactions") as d:
            if not isinstance(txs, Mapping):
                raise _Fail("transactions is not an object")
            for key in txs:
                _ref(key, "transaction")
            d.append(f"{len(txs)} transaction(s)")
        for key in sorted(txs, key=lambda k: _ref(k, "transaction")):
            block, index = _ref(key, "transaction")
            with self.step("tx.in_root", f"transaction {key}: in transactionsRoot of block {block}") as d:
                tx = txs[key]
                raw = _hex_bytes(tx["raw"], f"transaction {key}")
                nodes = [_hex_bytes(p, f"transaction {key} proof node") for p in tx["proof"]]
                header = self._header_for(block, f"transaction {key}")
                mpt_verify(header.transactions_root, rlp.encode(index), nodes, raw)
                d.append(f"0x{keccak(raw).hex()}")
            with self.step("tx.signature", f"transaction {key}: signed for this chain") as d:
                decoded = decode_transaction(raw)
                if decoded.chain_id != self.root["chain_id"]:
                    raise _Fail(f"signed for chain {decoded.chain_id}, not {self.root['chain_id']}")
                self.txs[key] = (decoded, keccak(raw))
                d.append(f"from {decoded.sender} to {decoded.to}")

    def check_receipts(self) -> None:
        receipts = self.b.get("receipts")
        with self.step("bundle.format", "bundle: receipts") as d:
            if not isinstance(receipts, Mapping) or not receipts:
                raise _Fail("the bundle has no receipts")
            for key in receipts:
                _ref(key, "receipt")
            d.append(f"{len(receipts)} receipt(s)")
        for key in sorted(receipts, key=lambda k: _ref(k, "receipt")):
            block, index = _ref(key, "receipt")
            with self.step("receipt.in_root", f"receipt {key}: in receiptsRoot of block {block}") as d:
                r = receipts[key]
                raw = _hex_bytes(r["receipt"], f"receipt {key}")
                nodes = [_hex_bytes(p, f"receipt {key} proof node") for p in r["proof"]]
                header = self._header_for(block, f"receipt {key}")
                mpt_verify(header.receipts_root, rlp.encode(index), nodes, raw)
                decoded = decode_receipt(raw)
                if not decoded.succeeded:
                    raise _Fail("the transaction failed (status 0)")
                self.receipts[key] = decoded
                d.append(f"{len(decoded.logs)} log(s), status 1")

    def _log(self, where: Any, contract: str | tuple[str, ...], what: str) -> _ProvedLog:
        """The proved log a bundle reference points at, decoded as an event of ``contract`` (or
        of whichever of several contracts emitted it)."""
        if not isinstance(where, Mapping):
            raise _Fail(f"{what} is not a log reference")
        ref = where.get("receipt")
        _ref(ref, what)
        position = _plain_int(where.get("log"), f"{what} log")
        if ref not in self.receipts:
            raise _Fail(f"{what}: receipt {ref} is not in the bundle")
        logs = self.receipts[ref].logs
        if not 0 <= position < len(logs):
            raise _Fail(f"{what}: receipt {ref} has no log {position}")
        log = logs[position]
        address = "0x" + log.address.hex()
        names = (contract,) if isinstance(contract, str) else contract
        emitter = next((n for n in names if self.addresses.get(n) == address), None)
        if emitter is None:
            raise _Fail(
                f"{what}: log {position} of {ref} comes from {address}, "
                f"not the trust root's {' or '.join(names)}"
            )
        contract = emitter
        try:
            spec, args = decode_log(contract, log)
        except Exception as e:  # eth_abi raises its own DecodingError family
            raise _Fail(f"{what}: log {position} of {ref} does not decode: {e}") from None
        return _ProvedLog(ref, position, contract, spec, args, log)

    def check_anchor(self) -> None:
        with self.step(
            "anchor.log", "anchor: StatementAnchored from AuditAnchor at the trust root's address"
        ) as d:
            proved = self._log(self.b.get("anchor"), "AuditAnchor", "anchor")
            if proved.spec.name != "StatementAnchored":
                raise _Fail(f"the log is {proved.spec.name}, not StatementAnchored")
            a = proved.args
            self.anchor = {
                "ref": proved.ref,
                "community": a["community"],
                "period_key": a["periodKey"],
                "label": read_text(a["label"]),
                "from": a["fromDate"],
                "to": a["toDate"],
                "statement_hash": a["statementHash"].hex(),
                "entries_root": a["entriesRoot"],
                "entry_count": int(a["entryCount"]),
                "as_of_block": int(a["asOfBlock"]),
                "as_of_hash": a["asOfBlockHash"],
                "by": a["by"],
            }
            d.append(
                f"receipt {proved.ref} log {proved.position}: sha256 {self.anchor['statement_hash']}, "
                f"entries root 0x{a['entriesRoot'].hex()}, {a['entryCount']} entries, "
                f"as of block {a['asOfBlock']}, "
                f"by {a['by']}"
            )
        with self.step("anchor.names", "anchor: names this community and period") as d:
            slug, label = self.b.get("community"), self.b.get("period")
            if not isinstance(slug, str) or keccak(slug.encode()) != self.anchor["community"]:
                raise _Fail(f"the anchor's community is not keccak({slug!r})")
            period = parse_period(label) if isinstance(label, str) else None
            if period is None or period.label != self.anchor["label"]:
                raise _Fail(f"the anchor is for period {self.anchor['label']!r}, the bundle says {label!r}")
            if (day_number(period.start), day_number(period.end)) != (self.anchor["from"], self.anchor["to"]):
                raise _Fail("the anchored dates are not the period's")
            key = keccak(
                self.anchor["community"]
                + self.anchor["from"].to_bytes(32, "big")
                + self.anchor["to"].to_bytes(32, "big")
            )
            if key != self.anchor["period_key"]:
                raise _Fail("the anchored period key is not keccak(community, from, to)")
            self.community_id = self.anchor["community"]
            self.ctx.community = self.community_id
            d.append(f"{slug} {period.label} ({period.start}..{period.end})")
        as_of = self.anchor["as_of_block"]
        if as_of in self.header_hashes:
            with self.step("anchor.as_of", f"header {as_of}: is the as-of block anchored on chain") as d:
                if self.header_hashes[as_of] != self.anchor["as_of_hash"]:
                    raise _Fail(f"the anchor says block {as_of} is 0x{self.anchor['as_of_hash'].hex()}")
                d.append("the contract checked this hash with BLOCKHASH when anchoring")

    def check_attestations(self) -> None:
        for i, where in enumerate(self.b.get("attestations") or []):
            with self.step("attestation", f"attestation {i + 1}: StatementAttested by an auditor") as d:
                proved = self._log(where, "AuditAnchor", f"attestation {i + 1}")
                a = proved.args
                if proved.spec.name != "StatementAttested":
                    raise _Fail(f"the log is {proved.spec.name}, not StatementAttested")
                if a["community"] != self.anchor["community"] or a["periodKey"] != self.anchor["period_key"]:
                    raise _Fail("it attests another community or period")
                if a["statementHash"].hex() != self.anchor["statement_hash"]:
                    raise _Fail("it attests another statement hash")
                d.append(f"auditor {a['auditor']}, opinion 0x{a['opinionHash'].hex()}")

    def check_statement_file(self) -> None:
        if self.statement_file is None:
            return
        with self.step("statement.file", "statement file: sha256 equals anchored hash") as d:
            digest = hashlib.sha256(self.statement_file).hexdigest()
            if digest != self.anchor["statement_hash"]:
                raise _Fail(f"the file hashes to {digest}, the anchor says {self.anchor['statement_hash']}")
            d.append(f"{digest} ({len(self.statement_file):,} bytes)")

    def check_statement(self) -> None:
        text = self.b.get("statement")
        scope = self.b.get("scope")
        if text is None:
            if scope == "statement":
                self.record("statement.sha256", "statement: sha256 equals anchored hash", FAIL,
                            "a statement bundle must carry the statement")  # fmt: skip
            self.note(
                "statement.sha256",
                "statement: not in this entry bundle",
                "it would make the bundle larger than 10 kB; the entry is checked against the anchored "
                "entries root and entry count instead, and the statement bundle checks the statement's "
                "hash and totals",
            )
            return
        with self.step("statement.sha256", "statement: sha256 equals anchored hash") as d:
            if not isinstance(text, str):
                raise _Fail("statement is not a string of canonical JSON")
            body = text.encode("utf-8")
            digest = hashlib.sha256(body).hexdigest()
            if digest != self.anchor["statement_hash"]:
                raise _Fail(
                    f"the statement hashes to {digest}, the anchor says {self.anchor['statement_hash']}"
                )
            d.append(f"{digest} ({len(body):,} bytes)")
        with self.step("statement.anchor", "statement: matches its anchor") as d:
            s = json.loads(text)
            if not isinstance(s, dict):
                raise _Fail("the statement is not a JSON object")
            checks = [
                ("format", s.get("format"), "civic-ledger/statement@1"),
                ("status", s.get("status"), "closed"),
                ("community", s.get("community"), self.b.get("community")),
                ("period.label", s["period"].get("label"), self.anchor["label"]),
                ("entries_root", s.get("entries_root"), self.anchor["entries_root"].hex()),
                ("number of entries", len(s["entries"]), self.anchor["entry_count"]),
                ("chain.to_block", s["chain"].get("to_block"), self.anchor["as_of_block"]),
                (
                    "chain.to_block_hash",
                    s["chain"].get("to_block_hash"),
                    "0x" + self.anchor["as_of_hash"].hex(),
                ),
            ]
            for what, got, want in checks:
                if got != want:
                    raise _Fail(f"{what} is {got!r}, the anchor says {want!r}")
            self.statement = s
            d.append(f"{len(s['entries'])} entries, as of block {s['chain']['to_block']}")
        with self.step("statement.trust_root", "statement: chain id and contracts equal the trust root") as d:
            chain = self.statement["chain"]
            if chain.get("chain_id") != self.root["chain_id"]:
                raise _Fail(f"the statement is for chain {chain.get('chain_id')}")
            named = {k: str(v).lower() for k, v in chain.get("contracts", {}).items()}
            if named != self.addresses:
                raise _Fail(f"the statement names contracts {named}, the trust root {self.addresses}")
            d.append(", ".join(f"{k} {v}" for k, v in sorted(named.items())))
        with self.step("statement.totals", "statement: totals recomputed from entries") as d:
            problems = recompute_statement(self.statement)
            if problems:
                raise _Fail(
                    "; ".join(problems[:5])
                    + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
                )
            d.append(
                "income, allocations, spending, reallocations, balances, awaiting decision, deposits, "
                "time-bank minutes, fund and goods movements, sources, grants, project payments "
                "and flags follow from the entries; entries_root recomputed"
            )

    def check_context(self) -> None:
        ctx = self.b.get("context") or {}
        with self.step("bundle.format", "bundle: context") as d:
            if not isinstance(ctx, Mapping):
                raise _Fail("context is not an object")
            d.append(", ".join(sorted(ctx)) or "none")
        if "community" in ctx:
            with self.step("context.community", "context: the community's registration") as d:
                proved = self._log(ctx["community"], "CommunityRoles", "community registration")
                a = proved.args
                if proved.spec.name != "CommunityRegistered":
                    raise _Fail(f"the log is {proved.spec.name}, not CommunityRegistered")
                if a["community"] != self.community_id or a["slug"] != self.b.get("community"):
                    raise _Fail(f"it registers {a['slug']!r}, not this community")
                self.ctx.utc_offset_minutes = int(a["utcOffsetMinutes"])
                d.append(f"{a['slug']}, UTC{int(a['utcOffsetMinutes']) / 60:+g}, admin {a['admin']}")
        for version, where in sorted((ctx.get("policies") or {}).items()):
            with self.step("context.policy", f"context: policy version {version}") as d:
                proved = self._log(where, "RevenueLedger", f"policy {version}")
                a = proved.args
                if proved.spec.name != "PolicyActivated" or a["community"] != self.community_id:
                    raise _Fail(f"the log is not this community's PolicyActivated ({proved.spec.name})")
                if str(a["version"]) != version:
                    raise _Fail(f"the log activates version {a['version']}, not {version}")
                self.ctx.policies[int(a["version"])] = [read_text(b) for b in a["buckets"]]
                d.append(
                    ", ".join(
                        f"{read_text(b)} {p / 100:g}%" for b, p in zip(a["buckets"], a["bps"], strict=True)
                    )
                )
        for seq, where in sorted((ctx.get("incomes") or {}).items()):
            with self.step("context.income", f"context: income #{seq}") as d:
                proved = self._log(where, "RevenueLedger", f"income {seq}")
                a = proved.args
                if proved.spec.name != "IncomeRecorded" or a["community"] != self.community_id:
                    raise _Fail(f"the log is not this community's IncomeRecorded ({proved.spec.name})")
                if str(a["seq"]) != seq:
                    raise _Fail(f"the log is income #{a['seq']}, not #{seq}")
                self.ctx.income_sources[int(a["seq"])] = read_text(a["source"])
                d.append(f"source {read_text(a['source'])}")

    def check_votes(self) -> None:
        """The owners' votes a statement publishes, each rebuilt from its proved ``VoteRecorded``
        log (``proofs/governance.py``); the community's own decision types from their
        ``DecisionTypeDefined`` logs."""
        ctx = self.b.get("context") or {}
        names: dict[int, str] = {}
        for key, where in sorted((ctx.get("decision_types") or {}).items()):
            with self.step("context.decision_type", f"context: decision type {key}") as d:
                proved = self._log(where, "Governance", f"decision type {key}")
                a = proved.args
                if proved.spec.name != "DecisionTypeDefined" or a["community"] != self.community_id:
                    raise _Fail(f"the log is not this community's DecisionTypeDefined ({proved.spec.name})")
                if str(a["decisionType"]) != key:
                    raise _Fail(f"the log defines type {a['decisionType']}, not {key}")
                if _ref(proved.ref, "decision type")[0] > self.anchor["as_of_block"]:
                    raise _Fail("it was defined after the statement's as-of block")
                names[int(a["decisionType"])] = read_text(a["label"])
                d.append(f"{read_text(a['label'])}: {describe_rule(a['rule'])}")
        logs = ctx.get("votes") or []
        if self.statement is None or self.b.get("scope") != "statement":
            return  # an entry bundle proves one entry, not the statement's governance part
        published = (self.statement.get("governance") or {}).get("votes") or []
        with self.step("statement.votes", "statement: each owners' vote it publishes has its log") as d:
            if not isinstance(logs, list) or len(logs) != len(published):
                raise _Fail(
                    f"the statement publishes {len(published)} vote(s), "
                    f"the bundle proves {len(logs) if isinstance(logs, list) else 'no list of'} log(s)"
                )
            d.append(f"{len(published)} vote(s)")
        start, end = str(self.statement["period"]["from"]), str(self.statement["period"]["to"])
        used: set[tuple[str, int]] = set()
        for i, (where, vote) in enumerate(zip(logs, published, strict=True)):
            label = f"owners' vote {i + 1} (proposal {vote.get('proposal_id')})"
            with self.step("context.vote", f"{label}: equals its VoteRecorded log") as d:
                proved = self._log(where, "Governance", label)
                if (proved.ref, proved.position) in used:
                    raise _Fail(f"log {proved.position} of {proved.ref} already proves another vote")
                used.add((proved.ref, proved.position))
                a = proved.args
                if proved.spec.name != "VoteRecorded" or a["community"] != self.community_id:
                    raise _Fail(f"the log is not this community's VoteRecorded ({proved.spec.name})")
                block = _ref(proved.ref, label)[0]
                if block > self.anchor["as_of_block"]:
                    raise _Fail(f"block {block} is after the statement's as-of block")
                notes: list[str] = []
                try:
                    day = block_local_date(self.ctx, self._header_for(block, label).timestamp, vote, notes)
                    want = vote_json(a, names, day)
                except MissingContext as e:
                    raise _Fail(f"cannot rebuild the vote: {e}") from None
                if not start <= day <= end:
                    raise _Fail(f"the vote was recorded on {day}, outside the period")
                diffs = entry_differences(want, vote)
                if diffs:
                    raise _Fail("; ".join(diffs))
                d.append(
                    f"{want['decision_type']}: turnout {want['turnout_area']} of area / "
                    f"{want['turnout_units']} of units, yes {want['yes_area_share']} / "
                    f"{want['yes_units_share']}, {'passed' if want['passed'] else 'failed'}"
                )
                d.extend(notes)

    def _located(self, proved: _ProvedLog, what: str) -> Located:
        """A proved log with its transaction hash and block-level log index, which need its
        transaction and every earlier receipt of its block in the bundle."""
        block, tx_index = _ref(proved.ref, what)
        if block > self.anchor["as_of_block"]:
            raise _Fail(f"{what}: block {block} is after the statement's as-of block")
        first = self._first_log_index(block, tx_index)
        if proved.ref not in self.txs or first is None:
            raise _Fail(
                f"{what}: its transaction or an earlier receipt of block {block} is not in the bundle"
            )
        return (
            proved.spec.name,
            proved.args,
            "0x" + self.txs[proved.ref][1].hex(),
            block,
            first + proved.position,
        )

    def check_objections(self) -> None:
        """The residents' objections a statement publishes, each rebuilt from its filing, its
        answer and its period's close note (``proofs/oversight.py``), and the flags they decide."""
        if self.statement is None or self.b.get("scope") != "statement":
            return
        ctx = self.b.get("context") or {}
        logs = ctx.get("objections") or []
        published = self.statement.get("objections") or []
        with self.step("statement.objections", "statement: each objection it publishes has its logs") as d:
            if not isinstance(logs, list) or len(logs) != len(published):
                raise _Fail(
                    f"the statement publishes {len(published)} objection(s), the bundle proves "
                    f"{len(logs) if isinstance(logs, list) else 'no list of'}"
                )
            d.append(f"{len(published)} objection(s)")
        end = str(self.statement["period"]["to"])
        start = str(self.statement["period"]["from"])
        flags = set(self.statement.get("flags") or [])
        decided: set[str] = set()
        for where, item in zip(logs, published, strict=True):
            label = f"objection {item.get('objection_id')}"
            with self.step("context.objection", f"{label}: equals its logs") as d:
                if not isinstance(where, Mapping) or "filed" not in where:
                    raise _Fail("no ObjectionFiled log")
                filed = self._log(where["filed"], "Oversight", f"{label} filing")
                fa = filed.args
                if filed.spec.name != "ObjectionFiled" or fa["community"] != self.community_id:
                    raise _Fail(f"the filing log is not this community's ObjectionFiled ({filed.spec.name})")
                answer = period = None
                if "answer" in where:
                    proved = self._log(where["answer"], "Oversight", f"{label} answer")
                    if proved.spec.name not in ("ObjectionCorrected", "ObjectionRejected") or (
                        proved.args["community"] != self.community_id
                        or proved.args["objectionId"] != fa["objectionId"]
                    ):
                        raise _Fail("the answer log does not answer this objection")
                    answer = self._located(proved, f"{label} answer")
                if "period" in where:
                    proved = self._log(where["period"], "Oversight", f"{label} period")
                    if proved.spec.name != "PeriodCloseNoted" or (
                        proved.args["community"] != self.community_id
                        or proved.args["periodKey"] != fa["periodKey"]
                    ):
                        raise _Fail("the close note is not of the period objected to")
                    period = self._located(proved, f"{label} period")
                want = objection_json(self._located(filed, label), answer, period)
                if want["filed_on"] > end:
                    raise _Fail(f"filed on {want['filed_on']}, after the period")
                if want["answer"] is not None and want["answer"]["answered_on"] > end:
                    raise _Fail("its answer is dated after the period: the statement cannot show it")
                if (
                    want["filed_on"] < start
                    and want["answer"] is not None
                    and want["answer"]["answered_on"] < start
                ):
                    raise _Fail("filed and answered before the period: it belongs to earlier statements")
                diffs = entry_differences(want, item)
                if diffs:
                    raise _Fail("; ".join(diffs))
                decided |= objection_flags(want, end)
                d.append(
                    f"filed {want['filed_on']}, "
                    + (
                        f"{want['answer']['kind']} {want['answer']['answered_on']}"
                        if want["answer"]
                        else "open"
                    )
                )
        if published:
            with self.step("statement.objection_flags", "statement: objection flags follow from them") as d:
                ours = {
                    f for f in flags if f.split(":")[0] in ("objection_unanswered", "objection_answered_late")
                }
                if ours != decided:
                    raise _Fail(f"the flags are {sorted(ours)}, the objections give {sorted(decided)}")
                d.append(", ".join(sorted(decided)) or "none")

    def _first_log_index(self, block: int, index: int) -> int | None:
        """The block-level index of the first log of transaction ``index``, when every earlier
        receipt of the block is in the bundle (else ``None``)."""
        total = 0
        for j in range(index):
            r = self.receipts.get(f"{block}/{j}")
            if r is None:
                return None
            total += len(r.logs)
        return total

    def check_entries(self) -> None:
        scope = self.b["scope"]
        items = self.b.get("entries")
        with self.step("bundle.format", "bundle: entries") as d:
            if not isinstance(items, list) or not items:
                raise _Fail("the bundle has no entries")
            if scope == "entry" and len(items) != 1:
                raise _Fail("an entry bundle proves one entry")
            d.append(f"{len(items)} entr{'y' if len(items) == 1 else 'ies'}")
        proved_logs: list[tuple[dict[str, Any], _ProvedLog, int]] = []
        # First pass: locate and decode every entry's log, so policies and incomes proved as
        # entries serve as context for the others.
        for k, item in enumerate(items):
            label = f"entry {k + 1}"
            with self.step("entry.log", f"{label}: its log") as d:
                index = _plain_int(item.get("index"), f"{label} index")
                if scope == "statement":
                    assert self.statement is not None
                    if not 0 <= index < len(self.statement["entries"]):
                        raise _Fail(f"index {index} is outside the statement's entries")
                    entry = self.statement["entries"][index]
                else:
                    entry = item.get("entry")
                    if not isinstance(entry, dict):
                        raise _Fail(f"{label} has no entry")
                label = f"entry #{entry.get('seq')}"
                proved = self._log(item, ENTRY_CONTRACTS, label)
                block, tx_index = _ref(proved.ref, label)
                received = proved.spec.name == "GoodsTransferred" and proved.args["to"] == self.community_id
                if proved.log.topics[1:2] != (self.community_id,) and not received:
                    raise _Fail("the event is another community's")
                if entry.get("block_number") != block:
                    raise _Fail(
                        f"the entry says block {entry.get('block_number')}, the log is in block {block}"
                    )
                if block > self.anchor["as_of_block"]:
                    raise _Fail(
                        f"block {block} is after the statement's as-of block {self.anchor['as_of_block']}"
                    )
                caveats: list[str] = []
                if proved.ref in self.txs:
                    tx_hash = "0x" + self.txs[proved.ref][1].hex()
                    if entry.get("tx_hash") != tx_hash:
                        raise _Fail(
                            f"the entry says transaction {entry.get('tx_hash')}, the block has {tx_hash}"
                        )
                else:
                    caveats.append("transaction hash not checked: the transaction is not in this bundle")
                first = self._first_log_index(block, tx_index)
                if first is not None:
                    if entry.get("log_index") != first + proved.position:
                        raise _Fail(
                            f"the entry says log index {entry.get('log_index')}, "
                            f"the log is {first + proved.position}"
                        )
                else:
                    if not isinstance(entry.get("log_index"), int) or entry["log_index"] < proved.position:
                        raise _Fail(
                            f"log index {entry.get('log_index')} cannot be "
                            f"log {proved.position} of its transaction"
                        )
                    caveats.append(
                        "block-level log index not checked: "
                        "earlier receipts of the block are not in the bundle"
                    )
                if proved.spec.name == "PolicyActivated":
                    self.ctx.policies.setdefault(
                        int(proved.args["version"]), [read_text(b) for b in proved.args["buckets"]]
                    )
                elif proved.spec.name == "IncomeRecorded":
                    self.ctx.income_sources.setdefault(
                        int(proved.args["seq"]), read_text(proved.args["source"])
                    )
                proved_logs.append((entry, proved, index))
                d.append(
                    f"{proved.spec.name}, log {proved.position} of receipt {proved.ref}"
                    + (f" ({'; '.join(caveats)})" if caveats else "")
                )
        for (entry, proved, index), item in zip(proved_logs, items, strict=True):
            label = f"entry #{entry.get('seq')}"
            block = int(proved.ref.split("/")[0])
            with self.step("entry.event", f"{label}: decoded event equals the statement entry") as d:
                notes: list[str] = []
                try:
                    want = expected_entry(
                        proved.spec.name,
                        proved.args,
                        self.ctx,
                        tx_hash=str(entry.get("tx_hash")),
                        block_number=block,
                        log_index=entry.get("log_index"),  # type: ignore[arg-type]
                        timestamp=self.headers[block].timestamp,
                        # An entry bundle may leave context out to stay small; a statement bundle
                        # must prove every fact an entry depends on.
                        given=entry if scope == "entry" else None,
                        notes=notes,
                        contract=proved.contract,
                    )
                except MissingContext as e:
                    raise _Fail(f"cannot rebuild the entry: {e}") from None
                diffs = entry_differences(want, entry)
                if diffs:
                    raise _Fail("; ".join(diffs))
                d.append(f"{entry['kind']} {entry['amount']} ({entry['business_date']})")
                d.extend(notes)
            if scope == "entry":
                self._check_inclusion(entry, item, index, label)
        if scope == "statement":
            with self.step("statement.covered", "statement: every entry is proved by its log") as d:
                assert self.statement is not None
                indices = sorted(i for _, _, i in proved_logs)
                if indices != list(range(len(self.statement["entries"]))):
                    raise _Fail(
                        f"the bundle proves entries {indices[:10]}…, "
                        f"not each of 0..{len(self.statement['entries']) - 1} once"
                    )
                d.append(f"{len(indices)} of {len(indices)}")

    def _check_inclusion(
        self, entry: dict[str, Any], item: Mapping[str, Any], index: int, label: str
    ) -> None:
        size = self.anchor["entry_count"]
        with self.step(
            "entry.inclusion",
            f"{label}: inclusion proof against anchored entries root (tree size from the anchor)",
        ) as d:
            proof = [_hex_bytes(p, f"{label} inclusion proof node", 32) for p in item.get("inclusion", [])]
            leaf = leaf_hash(entry_leaf(entry))
            if not verify_inclusion(leaf, index, size, proof, self.anchor["entries_root"]):
                raise _Fail(f"the proof does not lead from leaf {index} of {size} to the anchored root")
            if self.statement is not None and self.statement["entries"][index] != entry:
                raise _Fail(f"the statement's entry {index} is not this entry")
            d.append(f"leaf {index} of {size}, {len(proof)} hashes")

    def check_balances(self) -> None:
        address = self.addresses["RevenueLedger"]
        code_hash = str(self.root["contracts"]["RevenueLedger"].get("runtime_code_hash", "")).lower()
        for item in self.b.get("balances") or []:
            block = item.get("block") if isinstance(item, Mapping) else None
            buckets = item.get("buckets", {}) if isinstance(item, Mapping) else {}
            with self.step("balance", f"balances at block {block}: RevenueLedger account in stateRoot") as d:
                header = self._header_for(_plain_int(block, "balance block"), "balances")
                nodes = [_hex_bytes(p, "account proof node") for p in item["account_proof"]]
                account = account_from_proof(header.state_root, bytes.fromhex(address[2:]), nodes)
                if account is None:
                    raise _Fail("the proof shows no RevenueLedger account")
                if "0x" + account.code_hash.hex() != code_hash:
                    raise _Fail(
                        f"the account's code hash 0x{account.code_hash.hex()} "
                        f"is not the trust root's {code_hash}"
                    )
                slots = {
                    k: [_hex_bytes(p, "storage proof node") for p in v] for k, v in item["storage"].items()
                }
                d.append(f"code hash {code_hash[:12]}… as in the trust root")
            for bucket, fen in sorted(buckets.items()):
                with self.step("balance", f"balance {bucket} at block {block}: storage proof") as d:
                    value = self._bucket_balance(account.storage_root, bucket, slots)
                    if fen != value:
                        raise _Fail(f"the bundle says {fen} fen, the proof gives {value}")
                    d.append(f"{value} fen")
                    if self.statement is not None and block == self.statement["chain"]["to_block"]:
                        closing = self.statement["balances"].get(bucket, {}).get("closing")
                        d.append(
                            "equals the statement's closing balance"
                            if closing == value
                            else f"the statement's closing is {closing}: "
                            "the chain also holds writes dated after the period"
                        )

    def _bucket_balance(self, storage_root: bytes, bucket: str, slots: Mapping[str, list[bytes]]) -> int:
        def word(slot: bytes) -> int:
            key = "0x" + slot.hex()
            if key not in slots:
                raise _Fail(f"no storage proof for slot {key}")
            return storage_from_proof(storage_root, slot, slots[key])

        c = self.community_id
        if bucket == OWNERS_COMMON:
            bucket_id = 0
        else:
            raw = bucket.encode("utf-8")
            if len(raw) > 32:
                raise _Fail(f"bucket {bucket!r} is longer than 32 bytes")
            id_plus_one = word(
                mapping_slot(raw.ljust(32, b"\0"), int.from_bytes(mapping_slot(c, BUCKET_IDS_SLOT), "big"))
            )
            if id_plus_one == 0:
                raise _Fail(f"the ledger has no bucket {bucket!r}")
            bucket_id = id_plus_one - 1
        packed = word(
            mapping_slot(
                (bucket_id // 4).to_bytes(32, "big"),
                int.from_bytes(mapping_slot(c, BALANCE_WORDS_SLOT), "big"),
            )
        )
        return (packed >> (64 * (bucket_id % 4))) & 0xFFFF_FFFF_FFFF_FFFF


def _qbft() -> Any:
    """The QBFT seal checker, imported only when a trust root lists validators."""
    try:
        from ledger_service.proofs import qbft
    except ImportError as exc:
        raise _Fail(f"the trust root lists validators but QBFT seal checking is unavailable: {exc}") from None
    return qbft


def verify_bundle(
    bundle: Mapping[str, Any], trust_root: Mapping[str, Any], *, statement_file: bytes | None = None
) -> Verdict:
    """Verify ``bundle`` against ``trust_root``, offline; see the module docstring for the steps.

    ``statement_file``: the bytes of a statement file handed over separately (e.g. the export's
    ``statement.json``); its SHA-256 must be the anchored hash.
    """
    if not isinstance(bundle, Mapping):
        return Verdict([Step("bundle.format", "bundle: format", FAIL, "the bundle is not a JSON object")])
    if not isinstance(trust_root, Mapping):
        return Verdict([Step("trust_root.match", "trust root", FAIL, "the trust root is not a JSON object")])
    return _Verifier(bundle, trust_root, statement_file).run()


# -- command line ------------------------------------------------------------------------------------

_MARK = {PASS: "✓", FAIL: "✗", NOTE: "·"}
_ENTRY_CHECKS = (
    "entry.log",
    "entry.event",
    "entry.inclusion",
    "receipt.in_root",
    "tx.in_root",
    "tx.signature",
)


def render(verdict: Verdict, *, verbose: bool = False) -> list[str]:
    """The verdict as lines of text: every step, or for big bundles the non-repetitive steps
    plus one summary line per repeated check (``verbose`` prints all)."""
    lines = []
    counts: dict[str, int] = {}
    many = len(verdict.steps) > 60 and not verbose
    for s in verdict.steps:
        if many and s.status == PASS and s.check in _ENTRY_CHECKS:
            counts[s.check] = counts.get(s.check, 0) + 1
            continue
        lines.append(
            f"{_MARK[s.status]} {s.status.upper():4} {s.name}" + (f" — {s.detail}" if s.detail else "")
        )
    for check, n in counts.items():
        lines.append(f"✓ PASS {check}: {n} checks passed (use --verbose to list them)")
    failed = verdict.failed
    if failed is not None:
        lines.append(f"FAILED at step '{failed.name}' [{failed.check}]: {failed.detail}")
    else:
        lines.append(f"VERIFIED: {sum(s.status == PASS for s in verdict.steps)} checks passed")
    return lines


def _read(path: Path) -> bytes:
    """A bundle file, gzip-compressed or not (a batch entry's bundle shrinks ~20x)."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        import gzip

        return gzip.decompress(raw)
    return raw


def main(argv: list[str] | None = None) -> int:
    """``python -m ledger_service.proofs.verify BUNDLE --trust-root FILE``: exit 0 when verified."""
    parser = argparse.ArgumentParser(
        prog="python -m ledger_service.proofs.verify",
        description="Verify a Civic Ledger proof bundle offline against a trust root.",
    )
    parser.add_argument("bundle", type=Path, help="the bundle JSON file")
    parser.add_argument("--trust-root", type=Path, required=True, help="the published trust root JSON")
    parser.add_argument(
        "--expect-trust-root-sha256",
        default=None,
        help="the trust root hash printed on the community's notice; refuse a trust root file with another",
    )
    parser.add_argument(
        "--statement",
        type=Path,
        default=None,
        help="a statement JSON file to check against the anchored hash",
    )
    parser.add_argument("--json", action="store_true", help="print the verdict as JSON")
    parser.add_argument("--verbose", action="store_true", help="list every step, also for big bundles")
    args = parser.parse_args(argv)
    out = sys.stdout
    try:
        bundle = json.loads(_read(args.bundle))
        root = json.loads(args.trust_root.read_bytes())
        statement_file = args.statement.read_bytes() if args.statement is not None else None
    except (OSError, ValueError) as e:
        out.write(f"✗ cannot read the input: {e}\n")
        return 1
    if args.expect_trust_root_sha256 is not None:
        try:
            actual = trust_root_hash(root)
        except (ValueError, TypeError) as e:
            actual = f"(unreadable: {e})"
        if actual != args.expect_trust_root_sha256.lower().removeprefix("0x"):
            out.write(
                f"✗ FAIL trust root: the file's sha256 is {actual}, "
                f"the notice says {args.expect_trust_root_sha256}\n"
            )
            return 1
    verdict = verify_bundle(bundle, root, statement_file=statement_file)
    if args.json:
        out.write(json.dumps(verdict.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write("\n".join(render(verdict, verbose=args.verbose)) + "\n")
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
