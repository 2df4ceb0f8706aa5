"""`civic-ledger demo`: AS-1 (A), AS-2 (B) and AS-6 (C) replayed with their dates, Q1 closed; run
again on the same directory it only serves (here ``--no-serve``)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from ledger_service.chain.node import free_port
from ledger_service.cli import app
from ledger_service.db.session import Database
from ledger_service.demo import A, B, C
from ledger_service.statements.store import get_statement


def test_demo_buildsAS1_AS2_AS6_withQ1Closed_andReopens(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    env = {
        "CIVIC_LEDGER_NODE_PORT": str(free_port()),
        "CIVIC_LEDGER_KEYSTORE_SCRYPT_N": "16",
        "CIVIC_LEDGER_ENV": "test",
    }
    result = CliRunner().invoke(app, ["demo", "--home", str(home), "--no-serve"], env=env)
    assert result.exit_code == 0, result.output
    db = Database(f"sqlite:///{home / 'ledger.sqlite3'}")
    try:
        with db.begin() as conn:
            a, b1, b2, c = (
                get_statement(conn, slug, label).statement
                for slug, label in ((A, "2026Q1"), (B, "2026Q1"), (B, "2026Q2"), (C, "2026Q1"))
            )
    finally:
        db.dispose()
    assert [s["status"] for s in (a, b1, c)] == ["closed"] * 3
    assert a["income"]["total"] == a["allocated"]["total"] == 12_000_000 and a["spent"]["total"] == 3_000_000
    assert {k: v["closing"] for k, v in a["balances"].items()} == {
        "maintenance": 4_200_000,
        "operations": 1_200_000,
        "owners_common": 0,
        "welfare": 3_600_000,
    }
    assert b1["awaiting_decision"] == 1_000_000
    assert b2["reallocated"]["by_bucket"] == {
        "maintenance": 600_000,
        "owners_common": -1_000_000,
        "welfare": 400_000,
    }
    assert c["income"] == {
        "total": 16_800_000,
        "by_source": {"parking": 4_800_000, "shared_parking": 12_000_000},
    }

    again = CliRunner().invoke(app, ["demo", "--home", str(home), "--no-serve"], env=env)
    assert again.exit_code == 0 and "is ready" in again.output, again.output
