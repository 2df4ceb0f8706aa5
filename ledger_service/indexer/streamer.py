"""The indexer's streamer: chain logs in, SQL rows out, with the cursor in the same transaction.

Why it is shaped this way (DESIGN.md "Data and scale", STYLE.md "The indexer"):

- SQL is a rebuildable index of the chain, so every range of blocks is applied in ONE SQL
  transaction together with the cursor (block number and hash) that says it was applied: a crash
  can never leave rows without their cursor or a cursor without its rows, and re-running a range
  is harmless because ``Batch.flush`` ignores rows that are already there.
- Logs are read with raw ``eth_getLogs`` in bounded block ranges (real nodes cap ranges; Besu at
  5,000 blocks) and decoded with ``eth_abi`` tuple decoders built once per event: web3's per-log
  ``process_log`` was measured at a fraction of that speed (TOOLCHAIN.md).
- Headers are read raw over JSON-RPC (``eth_getBlockByNumber``, one batch request for many blocks),
  never through web3's formatters or the POA middleware, so the hashes we keep are the node's.
- Reorganisations are found by hashes, as Ponder does: a range's first block must have the
  cursor's block as its parent, and every log must come from the header we fetched for its block.
  When the chain moved under us we roll back to the newest block whose stored hash the node still
  has, delete everything derived from the blocks above it, and index forward again.

Only standard JSON-RPC is used, so the same code follows the embedded anvil and a Besu/QBFT network.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, cast

from eth_abi.abi import default_codec
from sqlalchemy import column, delete, select, table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from web3 import Web3

from ledger_service.chain.abi import EventAbi, contract_abi
from ledger_service.chain.deploy import Deployment
from ledger_service.chain.node import connect
from ledger_service.chain.rpc import RawRpc, RpcError
from ledger_service.core.errors import ChainUnavailable, ConfigError
from ledger_service.db.base import INDEXED_TABLES, Base, utcnow
from ledger_service.db.session import Database
from ledger_service.indexer.registry import Batch, Handler, Log, Registry
from ledger_service.indexer.registry import registry as default_registry
from ledger_service.indexer.tables import IndexedBlock, IndexerCursor

log = logging.getLogger(__name__)

#: Blocks per ``eth_getLogs`` call. Besu caps ranges at 5,000 by default; anvil has no cap.
DEFAULT_RANGE_SIZE = 2000
#: Headers asked for in one JSON-RPC batch (geth refuses batches above 1,000 calls).
HEADER_BATCH = 500
#: How many times a range is re-read when the chain changes while we read it, before giving up.
MAX_RANGE_RETRIES = 10
#: Longest pause between attempts while the node is down.
MAX_BACKOFF = 5.0

#: Progress callback: ``progress(done_block, target_block)`` after every committed range.
Progress = Callable[[int, int], None]
#: A block as the indexer remembers it: (number, hash).
BlockRef = tuple[int, str]

_POSITION = itemgetter(0, 1)
_DYNAMIC_SUFFIXES = ("]",)


@dataclass(frozen=True, slots=True)
class Header:
    """The fields of a block header the indexer keeps (hashes exactly as the node sent them)."""

    number: int
    hash: str
    parent_hash: str
    timestamp: int

    @classmethod
    def from_rpc(cls, raw: dict[str, Any]) -> Header:
        return cls(int(raw["number"], 16), raw["hash"], raw["parentHash"], int(raw["timestamp"], 16))


class _ChainMoved(Exception):
    """The chain changed while a range was being read (headers and logs disagree): read it again."""


class _Reorganised(Exception):
    """What we indexed is no longer on the node's chain: roll back to the common ancestor."""


def _topic_type(abi_type: str) -> str:
    """An indexed dynamic value (string, bytes, array, tuple) is stored as its keccak hash."""
    if abi_type in ("string", "bytes") or abi_type.endswith(_DYNAMIC_SUFFIXES) or abi_type.startswith("("):
        return "bytes32"
    return abi_type


def _tuple_decoder(types: Sequence[str]) -> Callable[[Any], tuple[Any, ...]] | None:
    """An ``eth_abi`` decoder for ``types`` in a row, built once.

    For an all-static tuple (most events) the element decoders are run in sequence: eth_abi's
    tuple decoder first walks the whole head to validate pointers, which for static elements means
    decoding every field twice; there are no pointers to validate, and each field's own decoder
    still checks its padding and range.
    """
    if not types:
        return None
    decoder = default_codec._registry.get_tuple_decoder(*types)
    if getattr(decoder, "is_dynamic", True):
        return cast(Callable[[Any], tuple[Any, ...]], decoder)
    fields = tuple(decoder.decoders or ())

    def decode_static(stream: Any) -> tuple[Any, ...]:
        return tuple([field(stream) for field in fields])

    return decode_static


class _Route:
    """One (contract address, topic0): its handler and ``eth_abi`` decoders built once.

    ``EventAbi.decode`` looks decoders up per field and per call; building them once (and skipping
    the redundant pointer walk of static tuples) halves decoding, the largest part of the hot path.
    """

    __slots__ = ("contract", "event", "handler", "names", "n_topics", "_topic_decoder", "_data_decoder")

    def __init__(self, event: EventAbi, handler: Handler) -> None:
        self.contract = event.contract
        self.event = event.name
        self.handler = handler
        self.names = tuple(n for n, _ in event.indexed) + tuple(n for n, _ in event.data)
        self.n_topics = 1 + len(event.indexed)
        self._topic_decoder = _tuple_decoder([_topic_type(t) for _, t in event.indexed])
        self._data_decoder = _tuple_decoder([t for _, t in event.data])

    def decode(self, topics: Sequence[str], data: str) -> dict[str, Any]:
        """``{field: value}`` of a raw log (hex topics and data as the node sent them)."""
        if len(topics) != self.n_topics:
            raise ValueError(
                f"{self.contract}.{self.event} has {self.n_topics - 1} indexed fields, "
                f"the log has {len(topics) - 1} topics after topic 0"
            )
        stream = default_codec.stream_class
        values: tuple[Any, ...] = ()
        if self._topic_decoder is not None:
            values = self._topic_decoder(stream(bytes.fromhex("".join(t[2:] for t in topics[1:]))))
        if self._data_decoder is not None:
            values = values + self._data_decoder(stream(bytes.fromhex(data[2:])))
        elif len(data) > 2:
            raise ValueError(f"{self.contract}.{self.event} carries no data, the log has {data[:18]}...")
        return dict(zip(self.names, values, strict=True))


def _indexed_tables() -> list[str]:
    """``INDEXED_TABLES`` once each, dependants first, so deletes never trip a foreign key."""
    order = {t.name: i for i, t in enumerate(reversed(Base.metadata.sorted_tables))}
    return sorted(dict.fromkeys(INDEXED_TABLES), key=lambda name: order.get(name, -1))


def _insert(conn: Connection, tbl: Any) -> Any:
    """The dialect's INSERT, which has ``on_conflict_*`` (SQLite and PostgreSQL are supported)."""
    return sqlite.insert(tbl) if conn.dialect.name == "sqlite" else postgresql.insert(tbl)


class Indexer:
    """Follows one deployment's contracts on one node and keeps the SQL index in step.

    ``rpc`` is a ``Web3`` (its provider is used raw) or a node URL. ``registry`` says which events
    to read and who turns them into rows; it must be complete when the indexer is built, since
    the address/topic routes are computed once. ``range_size`` bounds every ``eth_getLogs`` call.
    ``progress(done_block, target_block)`` is called after every committed range.
    """

    def __init__(
        self,
        db: Database,
        rpc: Web3 | str,
        deployment: Deployment,
        registry: Registry = default_registry,
        *,
        range_size: int = DEFAULT_RANGE_SIZE,
        progress: Progress | None = None,
    ) -> None:
        if range_size < 1:
            raise ConfigError(f"range_size must be at least 1 block, got {range_size}")
        self.db = db
        self.w3 = connect(rpc) if isinstance(rpc, str) else rpc
        self.deployment = deployment
        self.registry = registry
        self.range_size = range_size
        self.progress = progress
        self.chain_id = deployment.chain_id
        self._provider = self.w3.provider
        self.rpc = RawRpc(self.w3.provider)
        self._chain_checked = False
        self._stop: threading.Event | None = None
        self.routes = self._build_routes()
        #: Addresses asked for in ``eth_getLogs``: only contracts that have a handler.
        self.addresses = sorted({address for address, _ in self.routes})
        self.topics = sorted({topic for _, topic in self.routes})

    def _build_routes(self) -> dict[tuple[str, str], _Route]:
        """(lowercase address, topic0 hex) -> route. Keyed by address too, because two contracts may
        emit the same signature (OpenZeppelin's ``Paused(address)``) with different meanings."""
        routes: dict[tuple[str, str], _Route] = {}
        for (contract, event), handler in self.registry.handlers.items():
            if contract not in self.deployment.contracts:
                # An older deployment without that contract simply has none of its events.
                log.warning(
                    "%s.%s has a handler but the deployment has no %s; skipped", contract, event, contract
                )
                continue
            abi = contract_abi(contract).event(event)
            address = self.deployment.address(contract).lower()
            routes[(address, "0x" + abi.topic.hex())] = _Route(abi, handler)
        return routes

    # -- JSON-RPC -----------------------------------------------------------------------------------

    def _rpc(self, method: str, params: list[Any]) -> Any:
        return self.rpc.call(method, params)

    def _rpc_batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        return self.rpc.batch(calls)

    def _headers(self, numbers: Iterable[int]) -> dict[int, Header | None]:
        """Headers by number, raw, in batch requests; ``None`` for blocks the node does not have."""
        wanted = sorted(set(numbers))
        out: dict[int, Header | None] = {}
        for i in range(0, len(wanted), HEADER_BATCH):
            chunk = wanted[i : i + HEADER_BATCH]
            results = self._rpc_batch([("eth_getBlockByNumber", [hex(n), False]) for n in chunk])
            for n, raw in zip(chunk, results, strict=True):
                out[n] = Header.from_rpc(raw) if raw else None
        return out

    def _get_logs(self, start: int, end: int) -> list[dict[str, Any]]:
        """Our contracts' logs in [start, end]; halves the range when the node refuses it as too big."""
        if not self.addresses:
            return []
        params = {
            "fromBlock": hex(start),
            "toBlock": hex(end),
            "address": self.addresses,
            "topics": [self.topics],
        }
        try:
            return cast(list[dict[str, Any]], self._rpc("eth_getLogs", [params]))
        except RpcError as e:
            if end <= start:
                raise
            mid = (start + end) // 2
            # Real nodes cap ranges and result sizes differently; remember the smaller range.
            new_size = max(1, mid - start + 1)
            if new_size < self.range_size:
                log.info(
                    "the node refused eth_getLogs over %d blocks (%s); using %d-block ranges",
                    end - start + 1,
                    e.rpc_message,
                    new_size,
                )
                self.range_size = new_size
            return self._get_logs(start, mid) + self._get_logs(mid + 1, end)

    def _check_chain(self) -> None:
        """Refuse to index a node that is not the deployment's chain (once per indexer)."""
        if self._chain_checked:
            return
        chain_id, genesis = self._rpc_batch([("eth_chainId", []), ("eth_getBlockByNumber", ["0x0", False])])
        if int(chain_id, 16) != self.chain_id:
            raise ConfigError(
                f"the node at {self.rpc.endpoint()} is chain {int(chain_id, 16)}, "
                f"the deployment is on chain {self.chain_id}"
            )
        if (
            genesis
            and self.deployment.genesis_hash
            and genesis["hash"] != self.deployment.genesis_hash.lower()
        ):
            raise ConfigError(
                f"the node at {self.rpc.endpoint()} has genesis {genesis['hash']}, "
                f"the deployment was made on genesis {self.deployment.genesis_hash}"
            )
        self._chain_checked = True

    # -- public helpers -----------------------------------------------------------------------------

    def head(self) -> BlockRef | None:
        """The node's newest block as (number, hash), or ``None`` if it has none to show."""
        raw = self._rpc("eth_getBlockByNumber", ["latest", False])
        return (int(raw["number"], 16), raw["hash"]) if raw else None

    def cursor(self) -> BlockRef | None:
        """The last block fully indexed as (number, hash), or ``None`` before the first range."""
        with self.db.engine.connect() as conn:
            row = conn.execute(
                select(IndexerCursor.block_number, IndexerCursor.block_hash).where(
                    IndexerCursor.chain_id == self.chain_id
                )
            ).first()
        return (int(row[0]), str(row[1])) if row is not None else None

    def _head_number(self) -> int:
        return int(self._rpc("eth_blockNumber", []), 16)

    # -- the loop -----------------------------------------------------------------------------------

    def run_once(self, to_block: int | None = None) -> int:
        """Index from the cursor up to the node's head (or ``to_block``); return the logs handled.

        Each range is one SQL transaction with its cursor. A parent-hash mismatch, or a node whose
        head is below the cursor, rolls back to the common ancestor first and then goes on.
        """
        self._check_chain()
        processed = 0
        retries = 0
        cursor = self.cursor()
        head = self._head_number()
        while self._stop is None or not self._stop.is_set():
            if cursor is not None and head < cursor[0]:
                cursor = self._roll_back(
                    cursor, head, f"the node's head {head} is below the cursor {cursor[0]}"
                )
                continue
            start = cursor[0] + 1 if cursor is not None else self.deployment.first_block
            target = head if to_block is None else min(head, to_block)
            if start > target:
                # Nothing new: still make sure what we hold is on the node's chain (a reorg that
                # kept the height, e.g. ``anvil_reorg``, shows only here until a new block comes).
                if cursor is not None:
                    node = self._headers([cursor[0]])[cursor[0]]
                    if node is None or node.hash != cursor[1]:
                        cursor = self._roll_back(cursor, head, f"block {cursor[0]} changed on the node")
                        head = self._head_number()
                        continue
                break
            end = min(start + self.range_size - 1, target)
            try:
                count, cursor = self._index_range(start, end, cursor)
            except _Reorganised as e:
                assert cursor is not None
                cursor = self._roll_back(cursor, head, str(e))
                head = self._head_number()
                continue
            except _ChainMoved as e:
                retries += 1
                if retries > MAX_RANGE_RETRIES:
                    raise ChainUnavailable(
                        f"blocks {start}-{end} kept changing while they were read ({e}); giving up for now"
                    ) from e
                log.info("blocks %d-%d changed while being read (%s); reading them again", start, end, e)
                time.sleep(0.02 * retries)
                head = self._head_number()
                continue
            retries = 0
            processed += count
            if self.progress is not None:
                self.progress(end, target)
        return processed

    def _index_range(self, start: int, end: int, cursor: BlockRef | None) -> tuple[int, BlockRef]:
        """Read, check and apply blocks [start, end] in one SQL transaction; return (logs, cursor)."""
        # Headers of the range's ends first: the parent check, and a fixed point (``end``) that must
        # still be the same after the logs are read, or the chain moved in between.
        before = self._headers([start, end] if cursor is not None else [end])
        first, last = before.get(start), before[end]
        if last is None or (cursor is not None and first is None):
            raise _ChainMoved(f"the node no longer has block {end if last is None else start}")
        if cursor is not None:
            assert first is not None
            if first.parent_hash != cursor[1]:
                raise _Reorganised(
                    f"block {start}'s parent is {first.parent_hash}, "
                    f"the cursor holds {cursor[1]} for block {cursor[0]}"
                )

        routes = self.routes
        items: list[tuple[int, int, _Route, dict[str, Any]]] = []
        for raw in self._get_logs(start, end):
            topics = raw["topics"]
            if not topics or raw.get("removed"):
                continue
            route = routes.get((raw["address"].lower(), topics[0].lower()))
            if route is not None:
                items.append((int(raw["blockNumber"], 16), int(raw["logIndex"], 16), route, raw))
        items.sort(key=_POSITION)

        headers = self._headers({bn for bn, _, _, _ in items} | {end})
        if headers[end] != last:
            raise _ChainMoved(
                f"block {end} changed from {last.hash} to {getattr(headers[end], 'hash', None)}"
            )
        for bn, li, _, raw in items:
            header = headers[bn]
            if header is None or raw["blockHash"] != header.hash:
                raise _ChainMoved(
                    f"log {bn}/{li} is from block {raw['blockHash']}, the node now has "
                    f"{getattr(header, 'hash', None)}"
                )
        if first is not None:
            headers[start] = first

        chain_id = self.chain_id
        with self.db.begin() as conn:
            batch = Batch(conn, chain_id)
            for bn, li, route, raw in items:
                header = cast(Header, headers[bn])
                try:
                    entry = Log(
                        route.contract,
                        route.event,
                        route.decode(raw["topics"], raw["data"]),
                        chain_id,
                        bn,
                        header.hash,
                        raw["transactionHash"],
                        li,
                        header.timestamp,
                    )
                    route.handler(entry, batch)
                except Exception as e:  # the transaction rolls back; say which log broke it
                    e.add_note(
                        f"while indexing {route.contract}.{route.event} at block {bn}, log {li} "
                        f"(tx {raw['transactionHash']})"
                    )
                    raise
            batch.flush()
            for hook in self.registry.after_batch:
                hook(batch, end)
            batch.flush()  # rows a hook buffered instead of writing
            self._store_blocks(conn, [h for h in headers.values() if h is not None])
            self._store_cursor(conn, (end, last.hash))
        return len(items), (end, last.hash)

    def _store_blocks(self, conn: Connection, headers: list[Header]) -> None:
        tbl = IndexedBlock.__table__
        stmt = _insert(conn, tbl)
        stmt = stmt.on_conflict_do_update(
            index_elements=[tbl.c.chain_id, tbl.c.number],
            set_={
                "hash": stmt.excluded.hash,
                "parent_hash": stmt.excluded.parent_hash,
                "timestamp": stmt.excluded.timestamp,
            },
        )
        conn.execute(
            stmt,
            [
                {
                    "chain_id": self.chain_id,
                    "number": h.number,
                    "hash": h.hash,
                    "parent_hash": h.parent_hash,
                    "timestamp": h.timestamp,
                }
                for h in headers
            ],
        )

    def _store_cursor(self, conn: Connection, ref: BlockRef) -> None:
        tbl = IndexerCursor.__table__
        now = utcnow()
        stmt = _insert(conn, tbl).values(
            chain_id=self.chain_id, block_number=ref[0], block_hash=ref[1], updated_at=now
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[tbl.c.chain_id],
                set_={"block_number": ref[0], "block_hash": ref[1], "updated_at": now},
            )
        )

    # -- reorganisations ----------------------------------------------------------------------------

    def _common_ancestor(self, head: int) -> BlockRef | None:
        """The newest stored block whose hash the node still has at that number, or ``None``.

        Stored blocks are walked newest first, in pages whose node hashes are fetched in one batch;
        pages grow so a shallow reorg costs one round-trip and a deep one a few.
        """
        page = 16
        below: int | None = None
        while True:
            query = (
                select(IndexedBlock.number, IndexedBlock.hash)
                .where(IndexedBlock.chain_id == self.chain_id)
                .order_by(IndexedBlock.number.desc())
                .limit(page)
            )
            if below is not None:
                query = query.where(IndexedBlock.number < below)
            with self.db.engine.connect() as conn:
                stored = [(int(n), str(h)) for n, h in conn.execute(query)]
            if not stored:
                return None
            node = self._headers(n for n, _ in stored if n <= head)
            for number, block_hash in stored:
                header = node.get(number)
                if header is not None and header.hash == block_hash:
                    return number, block_hash
            below = stored[-1][0]
            page = min(page * 4, 4096)

    def _roll_back(self, cursor: BlockRef, head: int, why: str) -> BlockRef | None:
        """Delete what was derived from blocks after the common ancestor, in one transaction.

        Returns the new cursor; ``None`` when nothing we stored is still on the chain, so indexing
        starts again at the deployment's first block.
        """
        ancestor = self._common_ancestor(head)
        keep = ancestor[0] if ancestor is not None else self.deployment.first_block - 1
        removed = 0
        with self.db.begin() as conn:
            for name in _indexed_tables():
                t = table(name, column("block_number"))
                removed += conn.execute(delete(t).where(t.c.block_number > keep)).rowcount or 0
            conn.execute(
                delete(IndexedBlock).where(IndexedBlock.chain_id == self.chain_id, IndexedBlock.number > keep)
            )
            if ancestor is not None:
                self._store_cursor(conn, ancestor)
            else:
                conn.execute(delete(IndexerCursor).where(IndexerCursor.chain_id == self.chain_id))
        log.warning(
            "chain reorganisation on chain %d: %s. Rolled back from block %d (%s) to block %d, "
            "removing %d indexed rows; indexing forward again",
            self.chain_id,
            why,
            cursor[0],
            cursor[1],
            keep,
            removed,
        )
        return ancestor

    # -- rebuild and service loop -------------------------------------------------------------------

    def rebuild(self) -> int:
        """Empty every chain-derived table, the stored headers and the cursor in one transaction, then
        index again from the deployment's first block. SQL is only an index: this must reproduce it."""
        self._check_chain()
        with self.db.begin() as conn:
            for name in _indexed_tables():
                conn.execute(delete(table(name)))
            conn.execute(delete(IndexedBlock).where(IndexedBlock.chain_id == self.chain_id))
            conn.execute(delete(IndexerCursor).where(IndexerCursor.chain_id == self.chain_id))
        log.info(
            "index emptied for chain %d; rebuilding from block %d", self.chain_id, self.deployment.first_block
        )
        return self.run_once()

    def run_forever(self, stop: threading.Event, poll_interval: float = 0.2) -> None:
        """Follow the chain until ``stop`` is set. A node that is down is waited for (with a growing
        pause, logged once per outage), since accepted writes stay journaled and the chain is the
        source of truth; any other error propagates so a bug is not retried forever in silence."""
        self._stop = stop
        backoff = poll_interval
        down_since: float | None = None
        try:
            while not stop.is_set():
                try:
                    self.run_once()
                except ChainUnavailable as e:
                    if down_since is None:
                        down_since = time.monotonic()
                        log.warning("indexer: %s; retrying until it answers", e)
                    stop.wait(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF)
                    continue
                if down_since is not None:
                    log.info("indexer: the node answers again after %.1f s", time.monotonic() - down_since)
                    down_since = None
                    backoff = poll_interval
                stop.wait(poll_interval)
        finally:
            self._stop = None


__all__ = ["Header", "Indexer", "DEFAULT_RANGE_SIZE"]
