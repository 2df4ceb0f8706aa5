"""Which contract events the indexer decodes, and who turns each into rows.

Each bounded context registers its handlers here (``registry.on("RevenueLedger",
"IncomeRecorded")``); the streamer decodes logs with precomputed topics and ``eth_abi``, calls
handlers in (block, log index) order, and bulk-inserts what they produced in the same
transaction as the cursor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ledger_service.chain.abi import EventAbi, contract_abi


@dataclass(frozen=True, slots=True)
class Log:
    """A decoded log with its position on chain."""

    contract: str
    event: str
    args: dict[str, Any]
    chain_id: int
    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int
    timestamp: int

    @property
    def position(self) -> dict[str, Any]:
        """The ``ChainPosition`` columns for a row derived from this log."""
        return {
            "chain_id": self.chain_id,
            "block_number": self.block_number,
            "block_hash": self.block_hash,
            "tx_hash": self.tx_hash,
            "log_index": self.log_index,
        }


@dataclass
class Batch:
    """What handlers write into during one indexing transaction."""

    conn: Connection
    chain_id: int
    rows: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)
    #: Scratch space shared by handlers within the batch (e.g. community offsets just registered).
    memo: dict[str, Any] = field(default_factory=dict)

    def add(self, table: Table | Any, row: dict[str, Any]) -> None:
        t: Table = table.__table__ if hasattr(table, "__table__") else table
        self.rows.setdefault(t, []).append(row)

    def flush(self) -> int:
        """Insert buffered rows, ignoring ones already present (idempotent re-delivery).

        Rows go to the driver as tuples through one prepared ``INSERT ... ON CONFLICT DO NOTHING``
        per table (``executemany``): SQLAlchemy's per-row parameter processing was the indexer's
        largest cost. Every row a handler adds to a table must have the same keys.
        """
        n = 0
        dialect = self.conn.dialect.name
        for table, rows in self.rows.items():
            if not rows:
                continue
            columns = tuple(rows[0])
            if dialect == "postgresql" and len(rows) >= _COPY_FROM:
                self._copy_insert(table.name, columns, rows)
            elif dialect in ("sqlite", "postgresql"):
                sql = _insert_sql(dialect, table.name, columns)
                self.conn.exec_driver_sql(sql, [tuple(r[c] for c in columns) for r in rows])
            else:  # pragma: no cover - other dialects go through SQLAlchemy
                stmt = sqlite.insert(table) if dialect == "sqlite" else postgresql.insert(table)
                self.conn.execute(stmt.on_conflict_do_nothing(), rows)
            n += len(rows)
        self.rows.clear()
        return n


    def _copy_insert(self, table: str, columns: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
        """Many rows into PostgreSQL: ``COPY`` into a temporary table of just these columns, then
        one ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` (psycopg's ``executemany`` still runs
        one statement per row on the server; it was most of the indexer's time on PostgreSQL)."""
        stage, cols = f"_stage_{table}", ", ".join(columns)
        raw = self.conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {stage}")
            cur.execute(
                f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA"
            )
            with cur.copy(f"COPY {stage} ({cols}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(tuple(r[c] for c in columns))
            cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {stage} ON CONFLICT DO NOTHING")


#: From this many rows of one table in one flush, PostgreSQL gets them by ``COPY``.
_COPY_FROM = 200


@lru_cache(maxsize=256)
def _insert_sql(dialect: str, table: str, columns: tuple[str, ...]) -> str:
    mark = "?" if dialect == "sqlite" else "%s"
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))}) "
        "ON CONFLICT DO NOTHING"
    )


Handler = Callable[[Log, Batch], None]
AfterBatch = Callable[[Batch, int], None]


class Registry:
    """Handlers per (contract, event), plus hooks run after a batch's rows are inserted."""

    def __init__(self) -> None:
        self.handlers: dict[tuple[str, str], Handler] = {}
        self.after_batch: list[AfterBatch] = []

    def on(self, contract: str, event: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            contract_abi(contract).event(event)  # fail early on a typo
            self.handlers[(contract, event)] = fn
            return fn

        return register

    def after(self, fn: AfterBatch) -> AfterBatch:
        """Register ``fn(batch, to_block)``, run after the batch's rows are flushed."""
        self.after_batch.append(fn)
        return fn

    def topics(self) -> dict[bytes, EventAbi]:
        """topic0 -> event ABI, for every registered event."""
        return {contract_abi(c).event(e).topic: contract_abi(c).event(e) for c, e in self.handlers}

    def contracts(self) -> set[str]:
        return {c for c, _ in self.handlers}


#: The process-wide registry the contexts register with (see ``ledger_service.contexts``).
registry = Registry()
