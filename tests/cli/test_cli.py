"""The command line, in-process with Typer's CliRunner, on a real anvil and a real SQLite index.

The service is opened once for the module and handed to the commands (``obj={"svc": svc}``), the
way a long-lived process would; ``test_up.py`` runs the commands against a home on disk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ledger_service.audit.commands import close_period
from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.cli import app, parse_date, parse_yuan
from ledger_service.communities.commands import add_community, key_label
from ledger_service.core.errors import InvalidInput
from ledger_service.revenue import commands as revenue
from ledger_service.service import LedgerService
from ledger_service.statements.canonical import sha256_hex
from tests.api.helpers import new_service, next_seq, set_date, statement

S = "cli-lotus"
D = dt.date


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerService]:
    service = new_service(tmp_path_factory.mktemp("cli") / "home")
    try:
        add_community(service, S)
        revenue.set_policy(
            service,
            S,
            {"maintenance": 6000, "welfare": 3000, "operations": 1000},
            D(2026, 1, 1),
            signer=key_label(S, "committee"),
        )
        set_date(service, D(2026, 4, 10))
        close_period(service, S, "2026Q1", signer=key_label(S, "accountant"))
        yield service
    finally:
        service.close()


def run(svc: LedgerService, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), obj={"svc": svc})
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def csv_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "incomes.csv"
    path.write_text(text, encoding="utf-8")
    return path


def batches(svc: LedgerService) -> list[tuple[str, int]]:
    with svc.db.session() as s:
        return [(r.function, r.seq_count) for r in s.scalars(select(JournalEntry).order_by(JournalEntry.id))]


# -- amounts and dates, typed by people ------------------------------------------------------------


@pytest.mark.parametrize(
    "text,fen",
    [
        ("120000", 12_000_000),
        ("1234.56", 123_456),
        ("0.1", 10),
        ("0.01", 1),
        ("120,000", 12_000_000),
        ("120,000.50", 12_000_050),
        ("90071992547409.91", 2**53 - 1),
    ],
)
def test_parseYuan_isExactIntegerFen(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    "text,says",
    [
        ("1.234", "more than 2 decimals"),
        ("0", "more than 0"),
        ("0.00", "more than 0"),
        ("-5", "not an amount"),
        ("1e5", "not an amount"),
        ("12,34", "not an amount"),
        ("", "not an amount"),
        ("90071992547409.92", "too large"),
    ],
)
def test_parseYuan_refusesWhatIsNotAnAmount(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_yuan(text)
    assert says in err.value.message


def test_parseDate() -> None:
    assert parse_date("2026-01-15") == D(2026, 1, 15)
    for bad in ("2026/01/15", "15-01-2026", "2026-02-30", "2026-1-5"):
        with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
            parse_date(bad)


# -- revenue import ---------------------------------------------------------------------------------


def test_import_badRowOnLine3_reportsLine3_andPostsNothing(svc: LedgerService, tmp_path: Path) -> None:
    before_seq, before_journal = next_seq(svc, S), batches(svc)
    path = csv_file(
        tmp_path,
        "source,amount,business_date,ref\n"
        "parking,100.00,2026-04-01,IMP-1\n"
        "parking,12.345,2026-04-01,IMP-2\n"
        "parking,50,2026-04-02,IMP-3\n",
    )
    code, out = run(svc, "revenue", "import", S, str(path))
    assert code == 1
    assert "line 3: amount '12.345' has more than 2 decimals" in out
    assert "nothing from the file was posted" in out
    assert next_seq(svc, S) == before_seq and batches(svc) == before_journal


def test_import_reportsEveryBadRow_withItsLine(svc: LedgerService, tmp_path: Path) -> None:
    before = next_seq(svc, S)
    path = csv_file(
        tmp_path,
        "source,amount,business_date,ref\n"
        "parking,100,2026-04-01,IMP-10\n"
        "\n"
        "lottery,100,2026-04-01,IMP-11\n"
        "parking,100,01/04/2026,IMP-12\n"
        "parking,100,2026-04-01,IMP-10\n"
        "parking,100\n",
    )
    code, out = run(svc, "revenue", "import", S, str(path))
    assert code == 1
    assert "line 4: unknown source 'lottery'" in out
    assert "line 5: business date '01/04/2026' is not a date" in out
    assert "line 6: reference 'IMP-10' is also on line 2" in out
    assert "line 7: expected 4 or 5 columns" in out
    assert next_seq(svc, S) == before


def test_import_rowInClosedPeriod_reportsItsLine_andPostsNothing(svc: LedgerService, tmp_path: Path) -> None:
    before = next_seq(svc, S)
    path = csv_file(
        tmp_path,
        "parking,100,2026-04-01,IMP-20\nparking,100,2026-03-31,IMP-21\nparking,100,2026-12-31,IMP-22\n",
    )
    code, out = run(svc, "revenue", "import", S, str(path))
    assert code == 1
    assert "line 2: 2026-03-31 is in a closed period of community cli-lotus" in out
    assert "line 3: 2026-12-31 is in the future" in out
    assert next_seq(svc, S) == before


def test_import_goodFile_postsEveryRow_inOneBatch(svc: LedgerService, tmp_path: Path) -> None:
    before_seq, before_journal = next_seq(svc, S), batches(svc)
    path = csv_file(
        tmp_path,
        "source,amount,business_date,ref,evidence\n"
        "elevator_ads,120000,2026-04-01,IMP-100,contract AD-1\n"
        'parking,"1,234.56",2026-04-02,IMP-101,\n'
        "shared_parking,0.01,2026-04-03,IMP-102\n",
    )
    code, out = run(svc, "revenue", "import", S, str(path))
    assert code == 0, out
    assert "3 incomes, 121,234.57 yuan, posted in 1 batch(es)" in out
    assert next_seq(svc, S) == before_seq + 3
    assert batches(svc) == [*before_journal, ("postIncomes", 3)]
    s = statement(svc, S, "2026Q2")
    got = {e["ref"]: e["amount"] for e in s["entries"] if e["kind"] == "income"}
    assert {k: got[k] for k in ("IMP-100", "IMP-101", "IMP-102")} == {
        "IMP-100": 12_000_000,
        "IMP-101": 123_456,
        "IMP-102": 1,
    }
    # the same file again: every reference is already posted
    code, out = run(svc, "revenue", "import", S, str(path))
    assert code == 1 and "line 2: reference 'IMP-100' was already posted" in out
    assert next_seq(svc, S) == before_seq + 3


# -- other writes, errors, statements ----------------------------------------------------------------


def test_post_spend_reverse_deposit_throughTheCli(svc: LedgerService) -> None:
    seq = next_seq(svc, S)
    code, out = run(
        svc,
        "revenue",
        "post",
        S,
        "--source",
        "advertising",
        "--amount",
        "1000",
        "--date",
        "2026-04-05",
        "--ref",
        "CLI-POST-1",
        "--evidence",
        "signed contract",
    )
    assert code == 0 and f"entry #{seq}" in out, out
    code, out = run(
        svc,
        "spend",
        S,
        "--bucket",
        "maintenance",
        "--amount",
        "10.50",
        "--date",
        "2026-04-05",
        "--ref",
        "CLI-SPEND-1",
    )
    assert code == 0, out
    code, out = run(svc, "reverse", S, str(seq), "--reason", "posted twice", "--date", "2026-04-06")
    assert code == 0, out
    code, out = run(
        svc,
        "deposit",
        "receive",
        S,
        "--amount",
        "5000",
        "--date",
        "2026-04-06",
        "--payer",
        "advertiser 1",
        "--ref",
        "CLI-DEP-1",
    )
    assert code == 0, out
    kinds = [e["kind"] for e in statement(svc, S, "2026Q2")["entries"] if e["seq"] >= seq]
    assert kinds == ["income", "spend", "reversal", "deposit_received"]


def test_errors_printOneReadableLine_exit1_changeNothing(svc: LedgerService) -> None:
    before = next_seq(svc, S)
    code, out = run(
        svc,
        "revenue",
        "post",
        S,
        "--source",
        "parking",
        "--amount",
        "100",
        "--date",
        "2026-03-01",
        "--ref",
        "CLI-LATE",
    )
    assert code == 1 and "Error:" in out and "is in a closed period of community cli-lotus" in out
    code, out = run(
        svc,
        "revenue",
        "post",
        "nowhere",
        "--source",
        "parking",
        "--amount",
        "100",
        "--date",
        "2026-04-01",
        "--ref",
        "CLI-X",
    )
    assert code == 1 and "there is no community 'nowhere'" in out
    code, out = run(
        svc,
        "spend",
        S,
        "--bucket",
        "maintenance",
        "--amount",
        "1.001",
        "--date",
        "2026-04-01",
        "--ref",
        "CLI-Y",
    )
    assert code == 1 and "more than 2 decimals" in out
    code, out = run(svc, "policy", "set", S, "maintenance=60%", "welfare=30%", "--effective", "2026-05-01")
    assert code == 1 and "the shares add up to 90 %, not 100 %" in out
    assert next_seq(svc, S) == before


def test_statement_csv_and_json(svc: LedgerService, tmp_path: Path) -> None:
    code, out = run(svc, "statement", S, "--period", "2026Q2", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "field,value" and "community,cli-lotus" in lines
    assert any(line.startswith("income,") and ",IMP-100," in line for line in lines)
    target = tmp_path / "q1.json"
    code, out = run(svc, "statement", S, "--period", "2026Q1", "--output", str(target))
    assert code == 0
    body = target.read_bytes()
    assert json.loads(body)["status"] == "closed"
    assert sha256_hex(body) == statement_hash_anchored(svc)
    code, out = run(svc, "statement", S, "--period", "2026q1")
    assert code == 1 and "unrecognised period label" in out


def statement_hash_anchored(svc: LedgerService) -> str:
    from ledger_service.audit.tables import Anchor

    with svc.db.session() as s:
        return str(s.scalars(select(Anchor.statement_hash).where(Anchor.label == "2026Q1")).one())


def test_tokenCreate_printsTheTokenOnce_storedHashed(svc: LedgerService) -> None:
    from ledger_service.api.auth import token_hash
    from ledger_service.api.tables import ApiToken

    result = CliRunner().invoke(app, ["token", "create", S, "accountant"], obj={"svc": svc})
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    with svc.db.session() as s:
        row = s.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token))).one()
        assert row.community == S and row.role == "accountant"
        assert row.address == svc.keys.resolve(key_label(S, "accountant"))
        assert not s.scalars(select(ApiToken).where(ApiToken.token_hash == token)).first()


def test_everyCommand_hasHelp() -> None:
    runner = CliRunner()
    for args in (
        ["--help"],
        ["init", "--help"],
        ["up", "--help"],
        ["demo", "--help"],
        ["community", "add", "--help"],
        ["policy", "set", "--help"],
        ["revenue", "post", "--help"],
        ["revenue", "import", "--help"],
        ["spend", "--help"],
        ["reverse", "--help"],
        ["deposit", "receive", "--help"],
        ["deposit", "return", "--help"],
        ["period", "close", "--help"],
        ["statement", "--help"],
        ["index", "rebuild", "--help"],
        ["token", "create", "--help"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0 and "Usage" in result.output, args


def test_indexRebuild_reproducesTheStatements(svc: LedgerService) -> None:
    def body(label: str) -> bytes:
        with svc.db.begin() as conn:
            from ledger_service.statements.store import get_statement

            return get_statement(conn, S, label).body

    before = body("2026Q1"), statement(svc, S, "2026Q2")
    code, out = run(svc, "index", "rebuild")
    assert code == 0 and "index rebuilt" in out, out
    assert (body("2026Q1"), statement(svc, S, "2026Q2")) == before
