"""The write journal: every accepted write is in SQL, numbered and signed, before it is sent.

Exactly-once rests on two facts. The contracts accept, per community, only the next sequence
number (``nextSeq``), so one sequence number is applied at most once whatever is re-sent. And
every accepted write is journaled with its number and its raw signed transaction, committed
before the transaction leaves the process, so after a crash at any point the journal knows what
may be on chain and can finish it (re-send the same bytes) or reconcile it (read the receipt).

A *stream* is ``(contract, community)``: its writes carry consecutive numbers. Rows move
``queued`` (accepted while the chain was unreachable; not signed) → ``signed`` (raw transaction
journaled, maybe not sent) → ``sent`` → ``mined`` | ``failed``; every change is committed at once.

Invariants that keep re-sending and re-signing safe:

- a row has at most one transaction that can still be mined (its current ``tx_hash``): a row is
  signed again only when its previous transaction is dead (mined and reverted, or its nonce was
  taken by another transaction);
- a row signed again keeps its number, or gets a *lower* one (renumbering after a failure), never
  one held by another live row, so no two live transactions of a stream compete for a number.

Typical use::

    journal = Journal(db, sender, deployment, keys.account)
    journal.recover()                       # at start-up, and whenever the node comes back
    entry = journal.submit(Write.of("RevenueLedger", community, "postIncome",
                                    source, amount, day, ref, evidence, signer=accountant))
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_utils import is_hex_address, to_checksum_address
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ledger_service.chain.abi import FunctionAbi, contract_abi, error_table
from ledger_service.chain.compile import DEPLOYABLE
from ledger_service.chain.deploy import Deployment
from ledger_service.chain.errors import decode_revert
from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.chain.sender import (
    NonceTooLow,
    Receipt,
    ReceiptTimeout,
    RevertedCall,
    Sender,
    SignedTx,
    TransactionRejected,
)
from ledger_service.core.errors import (
    ChainUnavailable,
    Conflict,
    ContractRejected,
    InvalidInput,
    LedgerError,
    NotFound,
    TransactionFailed,
)
from ledger_service.db.session import Database

log = logging.getLogger(__name__)

QUEUED = "queued"
SIGNED = "signed"
SENT = "sent"
MINED = "mined"
FAILED = "failed"
#: Rows whose transaction may still land.
IN_FLIGHT = (SIGNED, SENT)
#: Rows that hold their sequence numbers.
HOLDING = (QUEUED, SIGNED, SENT, MINED)

Stream = tuple[str, str]

#: How far back ``recover`` checks that mined rows are still on chain (a node restarted without
#: its last seconds, or a reorg). Older blocks are taken as final.
RECENT_BLOCKS = 1024


# -- argument codec ---------------------------------------------------------------------------------

_ARRAY = re.compile(r"^(.*)\[(\d*)\]$")


def _split_tuple(typ: str) -> list[str]:
    """``(a,(b,c)[],d)`` → ``["a", "(b,c)[]", "d"]``."""
    inner = typ[1:-1]
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(inner):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:i])
            start = i + 1
    if inner:
        parts.append(inner[start:])
    return parts


def _hex_bytes(value: Any, typ: str) -> bytes:
    if isinstance(value, bytes | bytearray):
        raw = bytes(value)
    elif isinstance(value, str) and value[:2] in ("0x", "0X"):
        try:
            raw = bytes.fromhex(value[2:])
        except ValueError:
            raise InvalidInput(f"'{value}' is not hex for a {typ} argument") from None
    else:
        raise InvalidInput(f"a {typ} argument must be bytes or 0x-hex, got {value!r}")
    if typ != "bytes" and len(raw) != int(typ[5:]):
        raise InvalidInput(f"a {typ} argument must be {typ[5:]} bytes long, got {len(raw)}")
    return raw


def to_json_value(typ: str, value: Any) -> Any:
    """One ABI value as JSON: bytes as ``0x`` hex, arrays and tuples as lists, the rest as is."""
    m = _ARRAY.match(typ)
    if m:
        if not isinstance(value, list | tuple):
            raise InvalidInput(f"a {typ} argument must be a list, got {value!r}")
        if m.group(2) and len(value) != int(m.group(2)):
            raise InvalidInput(f"a {typ} argument must have {m.group(2)} items, got {len(value)}")
        return [to_json_value(m.group(1), v) for v in value]
    if typ.startswith("("):
        types = _split_tuple(typ)
        if not isinstance(value, list | tuple) or len(value) != len(types):
            raise InvalidInput(f"a {typ} argument must be a list of {len(types)} values, got {value!r}")
        return [to_json_value(t, v) for t, v in zip(types, value, strict=True)]
    if typ.startswith("bytes"):
        return "0x" + _hex_bytes(value, typ).hex()
    if typ.startswith(("uint", "int")):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"a {typ} argument must be an integer, got {value!r}")
        return value
    if typ == "bool":
        if not isinstance(value, bool):
            raise InvalidInput(f"a bool argument must be true or false, got {value!r}")
        return value
    if typ == "address":
        if not isinstance(value, str) or not is_hex_address(value):
            raise InvalidInput(f"'{value}' is not an address")
        return to_checksum_address(value)
    if typ == "string":
        if not isinstance(value, str):
            raise InvalidInput(f"a string argument must be text, got {value!r}")
        return value
    raise InvalidInput(f"arguments of ABI type {typ} cannot be journaled")


def from_json_value(typ: str, value: Any) -> Any:
    """The inverse of :func:`to_json_value`: the value ``eth_abi`` encodes for ``typ``."""
    m = _ARRAY.match(typ)
    if m:
        return [from_json_value(m.group(1), v) for v in value]
    if typ.startswith("("):
        return tuple(from_json_value(t, v) for t, v in zip(_split_tuple(typ), value, strict=True))
    if typ.startswith("bytes"):
        return _hex_bytes(value, typ)
    return value


def encode_args(types: Sequence[str], args: Sequence[Any]) -> list[Any]:
    """Call arguments (Python values, bytes as bytes) → the JSON-able list a journal row keeps."""
    if len(types) != len(args):
        raise InvalidInput(f"expected {len(types)} arguments ({', '.join(types)}), got {len(args)}")
    return [to_json_value(t, a) for t, a in zip(types, args, strict=True)]


def decode_args(types: Sequence[str], args: Sequence[Any]) -> list[Any]:
    """A journal row's JSON arguments → the values to ABI-encode (hex strings back to bytes)."""
    if len(types) != len(args):
        raise InvalidInput(f"expected {len(types)} arguments ({', '.join(types)}), got {len(args)}")
    return [from_json_value(t, a) for t, a in zip(types, args, strict=True)]


def journaled_function(contract: str, function: str) -> FunctionAbi:
    """The ABI of ``contract.function``, checked to take ``(bytes32 community, uint64 seq, ...)``."""
    try:
        abi = contract_abi(contract)
    except Exception as e:  # no such artifact
        raise InvalidInput(f"there is no compiled contract {contract}: {e}") from None
    fn = abi.functions.get(function)
    if fn is None:
        raise InvalidInput(f"contract {contract} has no function {function}")
    if fn.input_types[:2] != ("bytes32", "uint64"):
        raise InvalidInput(
            f"{contract}.{function} does not take (community, seq) first, so it cannot be journaled"
        )
    if "nextSeq" not in abi.functions:
        raise InvalidInput(f"contract {contract} has no nextSeq(community), so it cannot be journaled")
    return fn


def _community_hex(community: str | bytes) -> str:
    if isinstance(community, bytes | bytearray):
        raw = bytes(community)
    else:
        text = community.lower()
        if not text.startswith("0x"):
            raise InvalidInput(f"a community id is 0x-hex bytes32, got {community!r}")
        try:
            raw = bytes.fromhex(text[2:])
        except ValueError:
            raise InvalidInput(f"a community id is 0x-hex bytes32, got {community!r}") from None
    if len(raw) != 32:
        raise InvalidInput(f"a community id is 32 bytes, got {len(raw)}")
    return "0x" + raw.hex()


@dataclass(frozen=True)
class Write:
    """One write to journal: ``contract.function(community, seq, *args)``, signed by ``signer``.

    ``args`` are the arguments after ``(community, seq)`` in JSON form (bytes as ``0x`` hex);
    build them from Python values with :meth:`of`, get them back with :meth:`call_args`.
    ``seq_count`` is how many sequence numbers the write consumes (n for a batch of n incomes).
    ``client_key``: an idempotency key; submitting it again returns the entry already journaled.
    """

    contract: str
    community: str
    function: str
    args: tuple[Any, ...]
    signer: str
    seq_count: int = 1
    client_key: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "community", _community_hex(self.community))
        object.__setattr__(self, "args", tuple(self.args))
        if not is_hex_address(self.signer):
            raise InvalidInput(f"'{self.signer}' is not a signer address")
        object.__setattr__(self, "signer", to_checksum_address(self.signer))
        if isinstance(self.seq_count, bool) or not isinstance(self.seq_count, int) or self.seq_count < 1:
            raise InvalidInput(f"seq_count must be a positive integer, got {self.seq_count!r}")
        if self.client_key is not None and not (0 < len(self.client_key) <= 128):
            raise InvalidInput("a client key is 1 to 128 characters")

    @classmethod
    def of(
        cls,
        contract: str,
        community: str | bytes,
        function: str,
        *args: Any,
        signer: str,
        seq_count: int = 1,
        client_key: str | None = None,
    ) -> Write:
        """A write from Python call arguments (after community and seq); bytes become hex."""
        fn = journaled_function(contract, function)
        return cls(
            contract, _community_hex(community), function, tuple(encode_args(fn.input_types[2:], args)),
            signer, seq_count, client_key,
        )  # fmt: skip

    def abi(self) -> FunctionAbi:
        return journaled_function(self.contract, self.function)

    def call_args(self) -> list[Any]:
        """The arguments after (community, seq) as ``eth_abi`` encodes them."""
        return decode_args(self.abi().input_types[2:], self.args)

    def payload(self) -> str:
        return json.dumps(list(self.args), separators=(",", ":"))

    def call_data(self, seq: int) -> bytes:
        return self.abi().encode(bytes.fromhex(self.community[2:]), seq, *self.call_args())


def _row_write(row: JournalEntry) -> Write:
    return Write(
        row.contract, row.community, row.function, tuple(json.loads(row.payload)), row.signer,
        row.seq_count, row.client_key,
    )  # fmt: skip


# -- the journal --------------------------------------------------------------------------------------


@dataclass
class Recovery:
    """What :meth:`Journal.recover` did, by journal id."""

    confirmed: list[int] = field(default_factory=list)  #: receipts found and recorded
    resent: list[int] = field(default_factory=list)  #: the same raw bytes sent again
    resigned: list[int] = field(default_factory=list)  #: signed again (new nonce, maybe renumbered)
    lost: list[int] = field(default_factory=list)  #: were mined, then gone from the chain
    failed: list[int] = field(default_factory=list)  #: found refused
    drained: list[int] = field(default_factory=list)  #: queued rows sent by the final drain


def _norm(h: str) -> str:
    h = h.lower()
    return h if h.startswith("0x") else "0x" + h


def _int(v: Any) -> int:
    return int(v, 16) if isinstance(v, str) else int(v)


class Journal:
    """Numbers, journals, sends and reconciles the writes of every (contract, community) stream.

    ``keys(address)`` gives the ``LocalAccount`` that signs for ``address``.
    ``receipt_timeout`` bounds how long :meth:`submit` (and :meth:`wait`) wait for the chain; a
    write still in flight then is returned as ``sent`` and finished by :meth:`recover`.
    Thread-safe: writes of one stream are numbered and signed one at a time.
    """

    def __init__(
        self,
        db: Database,
        sender: Sender,
        deployment: Deployment,
        keys: Callable[[str], LocalAccount],
        *,
        receipt_timeout: float = 30.0,
        recent_blocks: int = RECENT_BLOCKS,
    ) -> None:
        self.db = db
        self.sender = sender
        self.deployment = deployment
        self.keys = keys
        self.receipt_timeout = receipt_timeout
        self.recent_blocks = recent_blocks
        self._locks: dict[Stream, threading.RLock] = {}
        self._locks_guard = threading.Lock()
        #: Decoded refusals of rows failed by this process, raised again by ``submit``.
        self._errors: dict[int, LedgerError] = {}

    # -- public -----------------------------------------------------------------------------------

    def submit(self, write: Write, *, wait: bool = True) -> JournalEntry:
        """Number, simulate, journal, send and (with ``wait``) confirm one write.

        A write the contract would refuse raises the decoded ``ContractRejected`` and journals
        nothing. With the chain unreachable the write is journaled ``queued`` and returned (the
        API answers 202); :meth:`drain` sends it later. A write refused when mined is marked
        ``failed`` and its reason raised. ``client_key`` seen before: the existing entry.
        """
        write.call_args()  # validates the arguments against the ABI before anything else
        stream = (write.contract, write.community)
        with self._lock(stream):
            if write.client_key is not None:
                existing = self._by_client_key(write.client_key)
                if existing is not None:
                    return self._replayed(existing, write, wait)
            if self._has(stream, (QUEUED,)):
                # Earlier writes of this stream wait for the chain: they go first, this one after.
                try:
                    self._drain_stream(stream)
                except ChainUnavailable:
                    pass
                if self._has(stream, (QUEUED,)):
                    return self._insert_queued(write)
            try:
                seq, signed = self._number_and_sign(stream, write)
            except ChainUnavailable:
                return self._insert_queued(write)
            entry = self._insert_signed(write, seq, signed)
            try:
                entry = self._send_new(entry, signed)
            except ChainUnavailable:
                return entry  # journaled; recover() sends it
        if not wait or entry.status not in IN_FLIGHT:
            return self._raise_if_failed(entry) if wait else entry
        [entry] = self.wait([entry.id])
        return self._raise_if_failed(entry)

    def drain(self, *, wait: bool = True) -> list[JournalEntry]:
        """Send every ``queued`` row, stream by stream in order; returns them as they ended.

        Each is simulated first: one the contract would now refuse is marked ``failed`` with the
        reason, and the later queued rows of its stream are renumbered to stay consecutive.
        ``ChainUnavailable`` if the node is still down (what was sent stays sent).
        """
        ids: list[int] = []
        for stream in self._streams((QUEUED,)):
            with self._lock(stream):
                ids += self._drain_stream(stream)
        return self.wait(ids) if wait else self._load(ids)

    def recover(self) -> Recovery:
        """Finish or reconcile every journaled write; run at start-up and when the node returns.

        1. Mined rows of the last ``recent_blocks`` blocks whose receipt is gone (the node came
           back without its last seconds, or a reorg) go back to ``sent``; moved ones get their
           new block.
        2. In-flight rows the node does not know are re-sent as the same bytes, in (signer,
           nonce) order; signers' nonces are then reloaded.
        3. Each stream is settled: receipts recorded, refused writes marked ``failed``, the
           writes after them renumbered and signed again, a transaction whose nonce was taken
           signed again with the same number (or marked ``failed`` if its number was taken).
        4. :meth:`drain`.

        Idempotent: running it again changes nothing. ``ChainUnavailable`` while the node is down.
        """
        report = Recovery()
        deadline = time.monotonic() + self.receipt_timeout
        self._check_recent_mined(report)
        self._resend_unknown(report)
        while True:
            pending: list[str] = []
            for stream in self._streams(IN_FLIGHT):
                pending += self._settle_stream(stream, report)
            if not pending or time.monotonic() > deadline:
                break
            try:
                self.sender.wait(pending, timeout=max(0.1, deadline - time.monotonic()))
            except ReceiptTimeout:
                pass
        report.drained = [e.id for e in self.drain()]
        return report

    def wait(self, ids: Iterable[int], timeout: float | None = None) -> list[JournalEntry]:
        """Wait until the rows ``ids`` are ``mined`` or ``failed`` (settling their streams).

        Returns the rows as they are at the end; one still in flight after ``timeout`` (or with
        the node down) is returned as it is. Failures are recorded, not raised.
        """
        ids = list(ids)
        deadline = time.monotonic() + (self.receipt_timeout if timeout is None else timeout)
        first = True
        while True:
            rows = self._load(ids)
            live = [r for r in rows if r.status in IN_FLIGHT]
            if not live:
                return rows
            if first and all(r.status == SENT for r in live):
                pending = [r.tx_hash for r in live if r.tx_hash]  # just sent: straight to the pool
            else:
                pending = []
                try:
                    for stream in dict.fromkeys((r.contract, r.community) for r in live):
                        pending += self._settle_stream(stream)
                except ChainUnavailable:
                    return self._load(ids)
                rows = self._load(ids)
                if not any(r.status in IN_FLIGHT for r in rows) or not pending:
                    return rows
            first = False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return rows
            try:
                self.sender.wait(pending, timeout=remaining)
            except ReceiptTimeout:
                pass
            except ChainUnavailable:
                return self._load(ids)

    def status(self, entry_id: int) -> JournalEntry:
        """One journal row; ``NotFound`` if there is none."""
        with self.db.session() as s:
            row = s.get(JournalEntry, entry_id)
        if row is None:
            raise NotFound(f"there is no journal entry {entry_id}", id=entry_id)
        return row

    def pending_count(self) -> int:
        """Rows accepted but not yet settled (queued, signed or sent)."""
        with self.db.session() as s:
            n = s.scalar(
                select(func.count())
                .select_from(JournalEntry)
                .where(JournalEntry.status.in_((QUEUED, *IN_FLIGHT)))
            )
        return int(n or 0)

    def next_seq(self, contract: str, community: str | bytes) -> int:
        """The number the stream's next write would get: after the journal's, or the chain's if ahead.

        With the chain unreachable, the journal's alone (``ChainUnavailable`` if it has none).
        """
        stream = (contract, _community_hex(community))
        journal_next = self._journal_next(stream, HOLDING)
        try:
            chain_next = self._chain_next(stream, "pending")
        except ChainUnavailable:
            if journal_next is None:
                raise
            return journal_next
        return max(journal_next or 0, chain_next)

    # -- numbering and signing --------------------------------------------------------------------

    def _lock(self, stream: Stream) -> threading.RLock:
        with self._locks_guard:
            lock = self._locks.get(stream)
            if lock is None:
                lock = self._locks[stream] = threading.RLock()
            return lock

    def _journal_next(self, stream: Stream, statuses: Sequence[str]) -> int | None:
        with self.db.session() as s:
            value = s.scalar(
                select(func.max(JournalEntry.seq + JournalEntry.seq_count)).where(
                    JournalEntry.contract == stream[0],
                    JournalEntry.community == stream[1],
                    JournalEntry.status.in_(statuses),
                    JournalEntry.seq.is_not(None),
                )
            )
        return None if value is None else int(value)

    def _chain_next(self, stream: Stream, block: str = "latest") -> int:
        """The contract's ``nextSeq(community)`` (``pending`` counts what is in the pool)."""
        fn = contract_abi(stream[0]).functions["nextSeq"]
        call = {
            "to": self.deployment.address(stream[0]),
            "data": "0x" + fn.encode(bytes.fromhex(stream[1][2:])).hex(),
        }
        out = self.sender.rpc.call("eth_call", [call, block])
        return int(fn.decode_output(bytes.fromhex(out[2:]))[0])

    def _allocate(self, stream: Stream) -> int:
        journal_next = self._journal_next(stream, (SIGNED, SENT, MINED))
        return max(journal_next or 0, self._chain_next(stream, "pending"))

    def _error_tables(self, contract: str) -> Any:
        # Every deployed contract's errors: a write's revert may come from a contract it calls
        # (the ledger asks governance before a spend; a sink refuses a transfer).
        return error_table(tuple(dict.fromkeys((contract, *DEPLOYABLE))))

    def _decode(self, contract: str, data: bytes) -> LedgerError:
        decoded = decode_revert(data, self._error_tables(contract))
        if decoded is not None:
            return decoded
        return TransactionFailed(
            f"the contract refused the write ({'0x' + data.hex() if data else 'no reason given'})"
        )

    def _sign(self, write: Write, seq: int) -> SignedTx:
        """Simulate (gas estimate) and sign; a refusal raises the decoded error, consuming nothing."""
        account = self.keys(write.signer)
        if to_checksum_address(account.address) != write.signer:
            raise InvalidInput(f"the key given for {write.signer} is the key of {account.address}")
        try:
            return self.sender.build_and_sign(
                account, self.deployment.address(write.contract), write.call_data(seq)
            )
        except RevertedCall as e:
            raise self._decode(write.contract, e.revert_data) from None

    def _number_and_sign(self, stream: Stream, write: Write) -> tuple[int, SignedTx]:
        """The stream's next number, and the write signed with it.

        A wrong-sequence refusal means the journal is ahead of what the node has (a write lost
        by the node, one not sent yet, or the writes after a failure): settle the stream and try
        again, so the caller only sees refusals that are about the write itself.
        """
        for attempt in range(3):
            seq = self._allocate(stream)
            try:
                return seq, self._sign(write, seq)
            except ContractRejected as e:
                if not _is_wrong_sequence(e) or attempt == 2:
                    raise
                log.info(
                    "stream %s: the chain expects #%s, the journal #%s; settling", stream, e.error_args, seq
                )
                self._check_stream_lost(stream)
                pending = self._settle_stream(stream)
                if pending:
                    try:
                        self.sender.wait(pending, timeout=self.receipt_timeout)
                    except ReceiptTimeout:
                        pass
                    self._settle_stream(stream)
        raise AssertionError("unreachable")  # pragma: no cover

    # -- rows -------------------------------------------------------------------------------------

    def _by_client_key(self, key: str) -> JournalEntry | None:
        with self.db.session() as s:
            return s.scalars(select(JournalEntry).where(JournalEntry.client_key == key)).first()

    def _replayed(self, existing: JournalEntry, write: Write, wait: bool) -> JournalEntry:
        same = (existing.contract, existing.community, existing.function, existing.signer) == (
            write.contract, write.community, write.function, write.signer,
        ) and json.loads(existing.payload) == json.loads(write.payload())  # fmt: skip
        if not same:
            raise Conflict(
                f"client key '{write.client_key}' was already used for another write (journal entry "
                f"{existing.id})",
                id=existing.id,
            )
        if wait and existing.status in IN_FLIGHT:
            [existing] = self.wait([existing.id])
        return existing

    def _has(self, stream: Stream, statuses: Sequence[str]) -> bool:
        with self.db.session() as s:
            return (
                s.scalar(
                    select(JournalEntry.id)
                    .where(
                        JournalEntry.contract == stream[0],
                        JournalEntry.community == stream[1],
                        JournalEntry.status.in_(statuses),
                    )
                    .limit(1)
                )
                is not None
            )

    def _rows(self, stream: Stream, statuses: Sequence[str], *, by_seq: bool = True) -> list[JournalEntry]:
        with self.db.session() as s:
            order = (JournalEntry.seq, JournalEntry.id) if by_seq else (JournalEntry.id,)
            return list(
                s.scalars(
                    select(JournalEntry)
                    .where(
                        JournalEntry.contract == stream[0],
                        JournalEntry.community == stream[1],
                        JournalEntry.status.in_(statuses),
                    )
                    .order_by(*order)
                )
            )

    def _streams(self, statuses: Sequence[str]) -> list[Stream]:
        with self.db.session() as s:
            rows = s.execute(
                select(
                    JournalEntry.contract, JournalEntry.community, func.min(JournalEntry.id).label("first")
                )
                .where(JournalEntry.status.in_(statuses))
                .group_by(JournalEntry.contract, JournalEntry.community)
                .order_by("first")
            ).all()
        return [(r[0], r[1]) for r in rows]

    def _load(self, ids: Sequence[int]) -> list[JournalEntry]:
        if not ids:
            return []
        with self.db.session() as s:
            found = {r.id: r for r in s.scalars(select(JournalEntry).where(JournalEntry.id.in_(ids)))}
        return [found[i] for i in ids]

    def _update(self, entry_id: int, **values: Any) -> JournalEntry:
        """Change one row and commit at once (durability is the point)."""
        with self.db.session() as s:
            row = s.get(JournalEntry, entry_id)
            if row is None:  # pragma: no cover - rows are never deleted
                raise NotFound(f"there is no journal entry {entry_id}", id=entry_id)
            for k, v in values.items():
                setattr(row, k, v)
        return row

    def _new_row(self, write: Write, **values: Any) -> JournalEntry:
        row = JournalEntry(
            contract=write.contract,
            community=write.community,
            function=write.function,
            payload=write.payload(),
            seq_count=write.seq_count,
            signer=write.signer,
            client_key=write.client_key,
            **values,
        )
        with self.db.session() as s:
            s.add(row)
        return row

    def _insert_queued(self, write: Write) -> JournalEntry:
        """Accepted while the chain is unreachable: numbered after the journal (if it knows how)."""
        stream = (write.contract, write.community)
        seq = None
        if not self._has(stream, (QUEUED,)) or not self._has_unnumbered_queue(stream):
            seq = self._journal_next(stream, HOLDING)
        try:
            row = self._new_row(write, status=QUEUED, seq=seq)
        except IntegrityError:  # the same client key, journaled meanwhile by another process
            existing = self._by_client_key(write.client_key or "")
            if existing is None:
                raise
            return self._replayed(existing, write, wait=False)
        log.info("journal %s queued (%s.%s, #%s): the chain is unreachable", row.id, write.contract,
                 write.function, seq)  # fmt: skip
        return row

    def _has_unnumbered_queue(self, stream: Stream) -> bool:
        with self.db.session() as s:
            return (
                s.scalar(
                    select(JournalEntry.id)
                    .where(
                        JournalEntry.contract == stream[0],
                        JournalEntry.community == stream[1],
                        JournalEntry.status == QUEUED,
                        JournalEntry.seq.is_(None),
                    )
                    .limit(1)
                )
                is not None
            )

    def _insert_signed(self, write: Write, seq: int, signed: SignedTx) -> JournalEntry:
        """Journal the raw transaction and commit, before it is sent."""
        try:
            return self._new_row(
                write, status=SIGNED, seq=seq, nonce=signed.nonce, raw_tx=signed.raw, tx_hash=signed.hash
            )
        except BaseException as e:
            # Never sent: give the nonce back (if nothing was signed after it) so no gap is left.
            self.sender._release_nonce(signed.sender, signed.nonce)
            if isinstance(e, IntegrityError) and write.client_key is not None:
                existing = self._by_client_key(write.client_key)
                if existing is not None:
                    return self._replayed(existing, write, wait=False)
            raise

    def _mark_mined(self, row: JournalEntry, receipt: Receipt) -> JournalEntry:
        return self._update(
            row.id,
            status=MINED,
            block_number=_int(receipt["blockNumber"]),
            block_hash=_norm(receipt["blockHash"]),
            error=None,
        )

    def _mark_failed(self, row: JournalEntry, error: LedgerError, **values: Any) -> JournalEntry:
        self._errors[row.id] = error
        log.warning("journal %s (%s.%s #%s) failed: %s", row.id, row.contract, row.function,
                    values.get("seq", row.seq), error.message)  # fmt: skip
        return self._update(row.id, status=FAILED, error=error.message, **values)

    def _raise_if_failed(self, entry: JournalEntry) -> JournalEntry:
        if entry.status == FAILED:
            raise self._errors.get(entry.id) or TransactionFailed(
                entry.error or "the write failed", id=entry.id
            )
        return entry

    # -- sending ----------------------------------------------------------------------------------

    def _signed_of(self, row: JournalEntry) -> SignedTx:
        assert row.raw_tx is not None and row.tx_hash is not None and row.nonce is not None
        return SignedTx(raw=bytes(row.raw_tx), hash=row.tx_hash, nonce=row.nonce, sender=row.signer)

    def _send_new(self, row: JournalEntry, signed: SignedTx) -> JournalEntry:
        """Send a just-journaled transaction; a nonce taken meanwhile means: sign it again."""
        try:
            self.sender.send_raw(signed)
        except NonceTooLow:
            self.sender.resync(row.signer)
            return self._resign(row, row.seq or 0)
        except TransactionRejected as e:
            return self._mark_failed(row, e)
        return self._update(row.id, status=SENT)

    def _resign(self, row: JournalEntry, seq: int, report: Recovery | None = None) -> JournalEntry:
        """Sign ``row`` again with ``seq`` and a fresh nonce, journal it, send it.

        Only for a row whose current transaction can no longer be mined. A refusal in simulation
        marks it ``failed`` (a wrong-sequence refusal leaves it for the next settling instead).
        """
        write = _row_write(row)
        for _attempt in range(2):
            try:
                signed = self._sign(write, seq)
            except ContractRejected as e:
                if _is_wrong_sequence(e):
                    log.info("journal %s: #%s is not next yet (%s); later", row.id, seq, e.message)
                    return row
                if report is not None:
                    report.failed.append(row.id)
                return self._mark_failed(row, e, seq=seq)
            except TransactionFailed as e:
                if report is not None:
                    report.failed.append(row.id)
                return self._mark_failed(row, e, seq=seq)
            row = self._update(
                row.id, status=SIGNED, seq=seq, nonce=signed.nonce, raw_tx=signed.raw, tx_hash=signed.hash,
                block_number=None, block_hash=None, error=None,
            )  # fmt: skip
            if report is not None and row.id not in report.resigned:
                report.resigned.append(row.id)
            log.info("journal %s signed again as #%s (nonce %s, %s)", row.id, seq, signed.nonce, signed.hash)
            try:
                self.sender.send_raw(signed)
            except NonceTooLow:
                self.sender.resync(row.signer)
                continue
            except TransactionRejected as e:
                return self._mark_failed(row, e)
            return self._update(row.id, status=SENT)
        return row

    def _resend(self, row: JournalEntry, report: Recovery | None = None) -> JournalEntry:
        """Send the journaled bytes again (idempotent); reconcile a nonce taken by another transaction."""
        try:
            self.sender.send_raw(self._signed_of(row))
        except NonceTooLow:
            assert row.seq is not None
            chain_next = self._chain_next((row.contract, row.community), "latest")
            if chain_next > row.seq:
                # send_raw found no receipt of ours: someone else's transaction used the number.
                error = TransactionFailed(
                    f"write #{row.seq} of community {row.community} was not applied: nonce {row.nonce} of "
                    f"{row.signer} was used by another transaction and sequence number #{row.seq} "
                    f"was consumed by another write (the contract now expects #{chain_next}); "
                    "check that write and submit this one again if it is still needed",
                    id=row.id,
                )
                if report is not None:
                    report.failed.append(row.id)
                return self._mark_failed(row, error)
            self.sender.resync(row.signer)
            return self._resign(row, row.seq, report)
        except TransactionRejected as e:
            if report is not None:
                report.failed.append(row.id)
            return self._mark_failed(row, e)
        if report is not None and row.id not in report.resent:
            report.resent.append(row.id)
        return self._update(row.id, status=SENT) if row.status != SENT else row

    # -- settling ---------------------------------------------------------------------------------

    def _receipts(self, hashes: Sequence[str]) -> dict[str, Receipt]:
        found: dict[str, Receipt] = {}
        for start in range(0, len(hashes), 200):
            chunk = [_norm(h) for h in hashes[start : start + 200]]
            results = self.sender.rpc.batch([("eth_getTransactionReceipt", [h]) for h in chunk])
            for h, receipt in zip(chunk, results, strict=True):
                if receipt is not None and receipt.get("blockHash") is not None:
                    found[h] = receipt
        return found

    def _known(self, tx_hash: str) -> bool:
        """The node has the transaction (in its pool, or mined)."""
        return self.sender.rpc.call("eth_getTransactionByHash", [_norm(tx_hash)]) is not None

    def _why(self, row: JournalEntry) -> LedgerError | None:
        """Why ``row``'s mined transaction reverted: the decoded error, ``None`` if replay says nothing."""
        assert row.tx_hash is not None
        data = self.sender.replay_revert_data(row.tx_hash)
        return self._decode(row.contract, data) if data else None

    def _settle_stream(self, stream: Stream, report: Recovery | None = None) -> list[str]:
        """Bring a stream's in-flight rows up to date with the chain; returns hashes to wait for.

        Rows are taken in sequence order. Mined ones are recorded; one refused on its merits is
        ``failed``; one refused only because an earlier number did not land (or reverted without a
        reason) is renumbered to the next free number and signed again, as are those after it.
        A row the node does not know is re-sent as the same bytes. Once a row is waiting in the
        pool (or was just re-sent), the later rows are only recorded when mined or re-sent when
        unknown; one that reverted is judged after the earlier ones are mined.
        """
        with self._lock(stream):
            rows = self._rows(stream, IN_FLIGHT)
            if not rows:
                return []
            receipts = self._receipts([r.tx_hash for r in rows if r.tx_hash])
            pending: list[str] = []
            expected: int | None = None  # next free number, once a renumbering started
            waiting = False  # an earlier row of the stream is not mined yet
            for row in rows:
                assert row.tx_hash is not None and row.seq is not None
                receipt = receipts.get(_norm(row.tx_hash))
                if receipt is None:
                    if row.status == SENT and self._known(row.tx_hash):
                        pending.append(row.tx_hash)  # in the pool
                        waiting = True
                        continue
                    row = self._resend(row, report)
                    if row.status in IN_FLIGHT:
                        pending.append(row.tx_hash or "")
                        waiting = True
                    continue
                if _int(receipt["status"]) == 1:
                    self._mark_mined(row, receipt)
                    if report is not None:
                        report.confirmed.append(row.id)
                    continue
                if waiting:
                    break  # reverted, maybe only because an earlier number is still in the pool
                reason = self._why(row)
                if isinstance(reason, ContractRejected) and _is_wrong_sequence(reason):
                    want, given = _sequence_args(reason)
                    if want > given:
                        if report is not None:
                            report.failed.append(row.id)
                        self._mark_failed(row, _taken(row, want))
                        continue
                elif reason is not None:
                    if report is not None:
                        report.failed.append(row.id)
                    self._mark_failed(row, reason)
                    continue
                # A victim: an earlier number did not land (or the revert left no reason).
                assert row.seq is not None
                if expected is None:
                    expected = self._chain_next(stream, "latest")
                if expected > row.seq:
                    # Never move a write to a higher number: another live row may hold it.
                    if report is not None:
                        report.failed.append(row.id)
                    self._mark_failed(row, _taken(row, expected))
                    continue
                dead_hash = row.tx_hash
                row = self._resign(row, expected, report)
                if row.status in IN_FLIGHT:
                    if row.tx_hash == dead_hash:  # could not be numbered yet: look again later
                        break
                    expected += row.seq_count
                    pending.append(row.tx_hash or "")
            return [h for h in pending if h]

    def _check_stream_lost(self, stream: Stream) -> None:
        """Mined rows of ``stream`` whose numbers the chain has not consumed: lost, back to ``sent``."""
        chain_next = self._chain_next(stream, "latest")
        with self.db.session() as s:
            suspects = list(
                s.scalars(
                    select(JournalEntry).where(
                        JournalEntry.contract == stream[0],
                        JournalEntry.community == stream[1],
                        JournalEntry.status == MINED,
                        JournalEntry.seq >= chain_next,
                    )
                )
            )
        self._recheck_mined(suspects, None)

    def _recheck_mined(self, rows: Sequence[JournalEntry], report: Recovery | None) -> None:
        receipts = self._receipts([r.tx_hash for r in rows if r.tx_hash])
        for row in rows:
            assert row.tx_hash is not None
            receipt = receipts.get(_norm(row.tx_hash))
            if receipt is None:
                log.warning("journal %s was mined in block %s, which the node no longer has: sending again",
                            row.id, row.block_number)  # fmt: skip
                self._update(row.id, status=SENT, block_number=None, block_hash=None)
                if report is not None:
                    report.lost.append(row.id)
            elif _norm(receipt["blockHash"]) != (row.block_hash or ""):
                if _int(receipt["status"]) == 1:
                    self._mark_mined(row, receipt)
                else:
                    self._update(row.id, status=SENT, block_number=None, block_hash=None)
                if report is not None:
                    report.lost.append(row.id)

    def _check_recent_mined(self, report: Recovery) -> None:
        head = _int(self.sender.rpc.call("eth_blockNumber", []))
        with self.db.session() as s:
            rows = list(
                s.scalars(
                    select(JournalEntry)
                    .where(
                        JournalEntry.status == MINED,
                        or_(
                            JournalEntry.block_number > head - self.recent_blocks,
                            JournalEntry.block_number.is_(None),
                        ),
                    )
                    .order_by(JournalEntry.id)
                )
            )
        self._recheck_mined(rows, report)

    def _resend_unknown(self, report: Recovery) -> None:
        """Re-send, in (signer, nonce) order, the in-flight rows the node has no trace of."""
        with self.db.session() as s:
            rows = list(s.scalars(select(JournalEntry).where(JournalEntry.status.in_(IN_FLIGHT))))
        if not rows:
            return
        receipts = self._receipts([r.tx_hash for r in rows if r.tx_hash])
        unknown = [
            r for r in rows if r.tx_hash and _norm(r.tx_hash) not in receipts and not self._known(r.tx_hash)
        ]
        for row in sorted(unknown, key=lambda r: (r.signer, r.nonce or 0)):
            try:
                self.sender.send_raw(self._signed_of(row))
            except (NonceTooLow, TransactionRejected) as e:
                log.info("journal %s: re-send refused (%s); settled per stream", row.id, e.message)
                continue
            report.resent.append(row.id)
            if row.status != SENT:
                self._update(row.id, status=SENT)
        for signer in sorted({r.signer for r in rows}):
            self.sender.resync(signer)

    # -- draining ---------------------------------------------------------------------------------

    def _drain_stream(self, stream: Stream) -> list[int]:
        """Sign and send the stream's queued rows in order, numbering them consecutively."""
        ids: list[int] = []
        with self._lock(stream):
            queued = self._rows(stream, (QUEUED,), by_seq=False)
            if not queued:
                return ids
            base: int | None = None
            for row in queued:
                write = _row_write(row)
                signed: SignedTx | None = None
                for attempt in range(2):
                    if base is None:
                        base = self._allocate(stream)
                    try:
                        signed = self._sign(write, base)
                        break
                    except ContractRejected as e:
                        if _is_wrong_sequence(e) and attempt == 0:
                            self._check_stream_lost(stream)
                            self._settle_stream(stream)
                            base = None
                            continue
                        if _is_wrong_sequence(e):
                            log.warning("stream %s: cannot number queued writes yet (%s)", stream, e.message)
                            return ids
                        self._mark_failed(row, e, seq=base)  # later rows take its number
                        ids.append(row.id)
                        break
                    except TransactionFailed as e:
                        self._mark_failed(row, e, seq=base)
                        ids.append(row.id)
                        break
                if signed is None or base is None:
                    continue
                entry = self._update(
                    row.id,
                    status=SIGNED,
                    seq=base,
                    nonce=signed.nonce,
                    raw_tx=signed.raw,
                    tx_hash=signed.hash,
                )
                ids.append(row.id)
                base += row.seq_count
                entry = self._send_new(entry, signed)  # ChainUnavailable: stays signed, recover sends it
                if entry.status == FAILED:
                    base = None  # its number is free again
        return ids


def _is_wrong_sequence(e: LedgerError) -> bool:
    return isinstance(e, ContractRejected) and e.error_name.endswith("WrongSequence")


def _sequence_args(e: ContractRejected) -> tuple[int, int]:
    return int(e.error_args.get("expected", 0)), int(e.error_args.get("given", 0))


def _taken(row: JournalEntry, chain_next: int) -> TransactionFailed:
    return TransactionFailed(
        f"write #{row.seq} of community {row.community} was not applied: sequence number #{row.seq} was "
        f"consumed by another transaction (the contract now expects #{chain_next}); check that write "
        "and submit this one again if it is still needed",
        id=row.id,
    )


__all__ = [
    "Journal",
    "Recovery",
    "Write",
    "decode_args",
    "encode_args",
    "from_json_value",
    "journaled_function",
    "to_json_value",
]
