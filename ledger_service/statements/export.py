"""Exports of a statement for people who read it outside the explorer: CSV for spreadsheets and
auditors, and the yuan formatting every human-facing view shares.

The CSV is a view of the statement JSON, not a second source of truth: every amount is copied as
integer fen (``amount_fen``) next to its yuan rendering, and each entry keeps the transaction hash,
block and log index that locate it on chain. Output is deterministic (same statement, same bytes),
so two auditors exporting the same closed statement can compare files with ``sha256sum``.

Layout (blank lines separate the three blocks; RFC 4180 quoting, CRLF line ends)::

    field,value                       # header block: community, period, status, chain range, ...
    ...

    kind,seq,business_date,...        # one row per entry, in statement order (block, log index)
    ...

    bucket,opening_fen,...            # balances per bucket, the owners' common account included
    ...

Text that came from the chain (references, source and bucket slugs, reasons) is written as is,
except that a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
apostrophe, so a spreadsheet shows it as text instead of running it as a formula (OWASP "CSV
injection"). Numeric columns are never altered.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from ledger_service.statements.canonical import statement_hash

__all__ = ["ENTRY_COLUMNS", "BALANCE_COLUMNS", "format_yuan", "statement_csv"]

ENTRY_COLUMNS = (
    "kind", "seq", "business_date", "source", "bucket", "amount_fen", "amount_yuan", "ref", "corrects",
    "evidence_hash", "tx_hash", "block_number", "log_index",
)
_BALANCE_PARTS = ("opening", "allocated", "reallocated", "spent", "closing")
BALANCE_COLUMNS = ("bucket", *(f"{p}_fen" for p in _BALANCE_PARTS), *(f"{p}_yuan" for p in _BALANCE_PARTS))

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def format_yuan(fen: int) -> str:
    """Integer fen as yuan with thousands separators: ``123456`` → ``"1,234.56"``.

    Integer arithmetic only (``divmod``), never floats, so 12345678901 fen is exactly
    ``"123,456,789.01"``. Negative amounts (a reallocation out of a bucket) keep their sign.
    """
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"an amount is an integer number of fen, got {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def _text(value: Any) -> str:
    """A text cell from chain data, defused against spreadsheet formulas."""
    if value is None:
        return ""
    s = str(value)
    return "'" + s if s.startswith(_FORMULA_START) else s


def _int(value: Any) -> str:
    return "" if value is None else str(int(value))


def _entry_row(e: Mapping[str, Any]) -> list[str]:
    amount = e.get("amount")
    return [
        _text(e.get("kind")),
        _int(e.get("seq")),
        _text(e.get("business_date")),
        _text(e.get("source")),
        _text(e.get("bucket")),
        _int(amount),
        format_yuan(int(amount)) if amount is not None else "",
        _text(e.get("ref")),
        _int(e.get("corrects")),
        _text(e.get("evidence_hash")),
        _text(e.get("tx_hash")),
        _int(e.get("block_number")),
        _int(e.get("log_index")),
    ]


def _header_rows(statement: Mapping[str, Any]) -> Iterable[list[str]]:
    period = statement.get("period", {})
    chain = statement.get("chain", {})
    income = statement.get("income", {})
    deposits = statement.get("deposits", {})
    yield ["field", "value"]
    yield ["format", _text(statement.get("format"))]
    yield ["community", _text(statement.get("community"))]
    yield ["period", _text(period.get("label"))]
    yield ["period_from", _text(period.get("from"))]
    yield ["period_to", _text(period.get("to"))]
    yield ["status", _text(statement.get("status"))]
    yield ["currency", _text(statement.get("currency"))]
    yield ["statement_sha256", statement_hash(statement)]
    yield ["entries_root", _text(statement.get("entries_root"))]
    yield ["entry_count", str(len(statement.get("entries", [])))]
    yield ["chain_id", _int(chain.get("chain_id"))]
    yield ["from_block", _int(chain.get("from_block"))]
    yield ["to_block", _int(chain.get("to_block"))]
    yield ["to_block_hash", _text(chain.get("to_block_hash"))]
    yield ["income_total_fen", _int(income.get("total", 0))]
    yield ["allocated_total_fen", _int(statement.get("allocated", {}).get("total", 0))]
    yield ["spent_total_fen", _int(statement.get("spent", {}).get("total", 0))]
    yield ["awaiting_decision_fen", _int(statement.get("awaiting_decision", 0))]
    yield ["deposits_held_fen", _int(deposits.get("held", 0))]
    yield ["flags", _text(" ".join(statement.get("flags", [])))]


def statement_csv(statement: dict[str, Any]) -> str:
    """The statement as CSV: a header block, one row per entry, then balances per bucket.

    ``statement_sha256`` in the header is SHA-256 of the statement's canonical JSON (RFC 8785): for
    a closed statement it equals the hash anchored on chain, so a printed CSV can be tied to it.
    """
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerows(_header_rows(statement))
    w.writerow([])
    w.writerow(ENTRY_COLUMNS)
    w.writerows(_entry_row(e) for e in statement.get("entries", []))
    w.writerow([])
    w.writerow(BALANCE_COLUMNS)
    for bucket, line in sorted(statement.get("balances", {}).items()):
        parts = [int(line.get(p, 0)) for p in _BALANCE_PARTS]
        w.writerow([_text(bucket), *(str(v) for v in parts), *(format_yuan(v) for v in parts)])
    return out.getvalue()
