"""The CSV export and yuan formatting (pure functions, no chain)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ledger_service.statements.canonical import MAX_SAFE_INTEGER, statement_hash
from ledger_service.statements.export import BALANCE_COLUMNS, ENTRY_COLUMNS, format_yuan, statement_csv


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.00"),
        (1, "0.01"),
        (99, "0.99"),
        (100, "1.00"),
        (123456, "1,234.56"),
        (100_000_000, "1,000,000.00"),
        (12345678901, "123,456,789.01"),
        (MAX_SAFE_INTEGER, "90,071,992,547,409.91"),
        (-1, "-0.01"),
        (-600_000, "-6,000.00"),
    ],
)
def test_format_yuan_edge_cases(fen: int, text: str) -> None:
    assert format_yuan(fen) == text


@given(st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER))
@example(0)
@example(MAX_SAFE_INTEGER)
def test_format_yuan_round_trips_without_floats(fen: int) -> None:
    text = format_yuan(fen)
    sign = -1 if text.startswith("-") else 1
    yuan, cents = text.lstrip("-").replace(",", "").split(".")
    assert len(cents) == 2
    assert sign * (int(yuan) * 100 + int(cents)) == fen


@pytest.mark.parametrize("bad", [1.5, "100", True, None])
def test_format_yuan_refuses_non_integers(bad: object) -> None:
    with pytest.raises(TypeError):
        format_yuan(bad)  # type: ignore[arg-type]


def _statement() -> dict:
    return {
        "format": "civic-ledger/statement@1",
        "community": "lotus-garden",
        "period": {"label": "2026Q1", "from": "2026-01-01", "to": "2026-03-31"},
        "status": "provisional",
        "currency": "CNY",
        "income": {"total": 12_000_000, "by_source": {"elevator_ads": 12_000_000}},
        "allocated": {"total": 12_000_000, "by_bucket": {"maintenance": 7_200_000, "welfare": 4_800_000}},
        "awaiting_decision": 0,
        "spent": {"total": 3_000_000, "by_bucket": {"maintenance": 3_000_000}},
        "reallocated": {"by_bucket": {}},
        "balances": {
            "welfare": {"opening": 0, "allocated": 4_800_000, "reallocated": -100, "spent": 0,
                        "closing": 4_799_900},
            "maintenance": {"opening": 1, "allocated": 7_200_000, "reallocated": 0, "spent": 3_000_000,
                            "closing": 4_200_001},
        },
        "deposits": {"held": 0, "received": 0, "returned": 0},
        "flags": ["duplicate_ref:=SUM(A1)"],
        "entries": [
            {"kind": "income", "seq": 2, "business_date": "2026-01-15", "amount": 12_000_000,
             "source": "elevator_ads", "ref": "=HYPERLINK(\"x\")", "evidence_hash": "0x" + "02" * 32,
             "split": {"maintenance": 7_200_000, "welfare": 4_800_000},
             "tx_hash": "0x" + "aa" * 32, "block_number": 12, "log_index": 0},
            {"kind": "reversal", "seq": 3, "business_date": "2026-03-10", "amount": 1,
             "source": "elevator_ads", "ref": "发票 12, \"A\"", "corrects": 2, "reverses": "income",
             "tx_hash": "0x" + "bb" * 32, "block_number": 18, "log_index": 3},
        ],
        "entries_root": "ab" * 32,
        "chain": {"chain_id": 31337, "contracts": {}, "from_block": 1, "to_block": 18,
                  "to_block_hash": "0x" + "cc" * 32},
    }


def _blocks(text: str) -> list[list[list[str]]]:
    """The CSV's blank-line-separated blocks, each parsed as rows."""
    rows = list(csv.reader(io.StringIO(text)))
    blocks: list[list[list[str]]] = [[]]
    for row in rows:
        if row:
            blocks[-1].append(row)
        else:
            blocks.append([])
    return blocks


def test_statement_csv_layout() -> None:
    s = _statement()
    text = statement_csv(s)
    header, entries, balances = _blocks(text)
    fields = dict(header[1:])
    assert fields["community"] == "lotus-garden"
    assert fields["period"] == "2026Q1"
    assert fields["status"] == "provisional"
    assert fields["from_block"] == "1" and fields["to_block"] == "18"
    assert fields["statement_sha256"] == statement_hash(s)
    assert fields["entry_count"] == "2"

    assert tuple(entries[0]) == ENTRY_COLUMNS
    rows = [dict(zip(ENTRY_COLUMNS, r, strict=True)) for r in entries[1:]]
    assert len(rows) == len(s["entries"])
    assert rows[0]["amount_fen"] == "12000000" and rows[0]["amount_yuan"] == "120,000.00"
    assert rows[0]["tx_hash"] == "0x" + "aa" * 32
    assert rows[0]["block_number"] == "12" and rows[0]["log_index"] == "0"
    assert rows[1]["corrects"] == "2" and rows[1]["amount_yuan"] == "0.01"
    assert rows[1]["ref"] == "发票 12, \"A\""  # quoted by the CSV writer, read back intact
    assert rows[1]["evidence_hash"] == ""

    assert tuple(balances[0]) == BALANCE_COLUMNS
    by_bucket = {r[0]: dict(zip(BALANCE_COLUMNS, r, strict=True)) for r in balances[1:]}
    assert list(by_bucket) == ["maintenance", "welfare"]  # sorted, whatever the statement's order
    assert by_bucket["maintenance"]["closing_fen"] == "4200001"
    assert by_bucket["maintenance"]["closing_yuan"] == "42,000.01"
    assert by_bucket["maintenance"]["opening_yuan"] == "0.01"
    # numbers are never defused, negative ones included
    assert by_bucket["welfare"]["reallocated_fen"] == "-100"
    assert by_bucket["welfare"]["reallocated_yuan"] == "-1.00"


def test_statement_csv_is_deterministic_and_rfc4180() -> None:
    first = statement_csv(_statement())
    assert first == statement_csv(_statement())
    assert first.endswith("\r\n") and "\n" not in first.replace("\r\n", "")


def test_statement_csv_defuses_spreadsheet_formulas() -> None:
    header, entries, _ = _blocks(statement_csv(_statement()))
    assert dict(header[1:])["flags"] == "duplicate_ref:=SUM(A1)"  # does not start a formula
    ref = dict(zip(ENTRY_COLUMNS, entries[1], strict=True))["ref"]
    assert ref == "'=HYPERLINK(\"x\")"
