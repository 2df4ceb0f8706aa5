"""`civic-ledger budget|contract|objection` and the oversight API routes, on a real service (anvil
and SQLite): each refusal is one readable sentence and changes nothing; the writes land in
statement@1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import keccak
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ledger_service.api.app import create_app
from ledger_service.api.auth import create_token
from ledger_service.audit.commands import close_period
from ledger_service.chain.direct import call as chain_call
from ledger_service.cli import app
from ledger_service.communities.commands import add_community, key_label
from ledger_service.governance import commands as governance
from ledger_service.governance.signing import sign_approval
from ledger_service.oversight import commands
from ledger_service.oversight.encoding import BudgetLine
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income, fixed_text
from ledger_service.service import LedgerService
from tests.api.helpers import new_service, set_date, statement

S = "ov-lotus"
D = dt.date
LINES = [
    "--line",
    "maintenance:repairs:9000",
    "--line",
    "maintenance:other:1000",
    "--line",
    "income:elevator_ads:12000",
]


def run(svc: LedgerService, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), obj={"svc": svc})
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def approve(svc: LedgerService, members: list[LocalAccount], action_hash: str) -> int:
    """A proposal for ``action_hash`` by the accountant, approved by two members' own signatures
    (the governance context's helpers: propose, the approval request, sign, relay)."""
    pid = governance.propose(
        svc,
        S,
        bytes.fromhex(action_hash[2:]),
        document="budget 2026",
        label="budget 2026",
        signer=key_label(S, "accountant"),
    )
    for member in members[:2]:
        request = governance.approval_request(svc, S, pid)
        signature = sign_approval(member, governance.domain(svc), request)
        governance.relay_signature(svc, S, request, member.address, signature)
    return pid


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerService]:
    service = new_service(tmp_path_factory.mktemp("oversight") / "home")
    try:
        add_community(service, S)
        set_date(service, D(2026, 1, 2))
        yield service
    finally:
        service.close()


@pytest.fixture(scope="module")
def members(svc: LedgerService) -> list[LocalAccount]:
    people = [Account.from_key(keccak(text=f"ov-cli-member-{i}")) for i in range(3)]
    governance.set_up_committee(
        svc,
        S,
        [m.address for m in people],
        2,
        spend_threshold=2**53 - 1,
        maintenance_bucket="maintenance_fund",
        signer=key_label(S, "admin"),
    )
    return people


def test_budget_check_refusesTooMuchOther_inOneSentence_andPrintsTheActionHashWhenFine(
    svc: LedgerService,
) -> None:
    code, out = run(
        svc,
        "budget",
        "check",
        S,
        "--year",
        "2026",
        "--line",
        "maintenance:repairs:8999.99",
        "--line",
        "maintenance:other:1000.01",
    )
    assert code == 1
    assert "'other' lines (1,000.01 yuan) exceed 10.00 % of its spending total (10,000.00 yuan)" in " ".join(
        out.split()
    )
    code, out = run(svc, "budget", "check", S, "--year", "2026", *LINES, "--document", "budget 2026")
    assert code == 0, out
    assert commands.budget_action_hash(svc, S, 2026, _lines(), "budget 2026") in out.replace("\n", "")
    code, out = run(svc, "budget", "check", S, "--year", "2026", "--line", "maintenance:repairs")
    assert code == 1 and "FUND:PURPOSE:YUAN" in out


def _lines() -> list[BudgetLine]:
    return [
        BudgetLine("maintenance", "repairs", 900_000),
        BudgetLine("maintenance", "other", 100_000),
        BudgetLine("income", "elevator_ads", 1_200_000),
    ]


def test_budget_adopt_onlyAfterItsProposalIsApproved(svc: LedgerService, members: list[LocalAccount]) -> None:
    code, out = run(svc, "budget", "adopt", S, "--year", "2026", *LINES, "--document", "budget 2026")
    assert code == 1 and "Error" in out
    assert statement(svc, S, "2026Q1")["budget"] is None
    pid = approve(svc, members, commands.budget_action_hash(svc, S, 2026, _lines(), "budget 2026"))
    code, out = run(svc, "budget", "adopt", S, "--year", "2026", *LINES, "--document", "budget 2026")
    assert code == 0, out
    budget = statement(svc, S, "2026Q1")["budget"]
    assert (budget["version"], budget["proposal_id"], budget["total"], budget["other"]) == (
        1,
        pid,
        1_000_000,
        100_000,
    )


def test_contract_register_andPaymentsMatchedByReference(svc: LedgerService) -> None:
    code, out = run(
        svc,
        "contract",
        "register",
        S,
        "--number",
        "AD-1",
        "--kind",
        "billboard",
        "--source",
        "elevator_ads",
        "--counterparty",
        "Focus Media",
        "--instalment",
        "2026-03-31:5000",
    )
    assert code == 1 and "unknown contract kind 'billboard'" in out
    args = ["--kind", "ad_space", "--source", "elevator_ads", "--counterparty", "Focus Media"]
    code, out = run(
        svc,
        "contract",
        "register",
        S,
        "--number",
        "AD-1",
        *args,
        "--instalment",
        "2026-03-31:5000",
        "--instalment",
        "2026-06-30:5000",
    )
    assert code == 0, out
    code, out = run(svc, "contract", "register", S, "--number", "AD-1", *args, "--instalment", "2026-03-31:1")
    assert code == 1 and "AD-1 is already registered as contract #1" in " ".join(out.split())
    code, out = run(
        svc,
        "contract",
        "register",
        S,
        "--number",
        "PK-1",
        "--kind",
        "shared_parking",
        "--source",
        "shared_parking",
        "--counterparty",
        "Sunshine Parking",
        "--instalment",
        "2026-02-28:800",
    )
    assert code == 0, out
    set_date(svc, D(2026, 3, 20))
    revenue.post_income(
        svc,
        S,
        Income("elevator_ads", 500_000, D(2026, 3, 20), "AD-1/2026Q1"),
        signer=key_label(S, "accountant"),
    )
    contracts = {c["number"]: c for c in statement(svc, S, "2026Q1")["revenue_contracts"]}
    assert (contracts["AD-1"]["received_in_period"], contracts["AD-1"]["status"]) == (500_000, "paid")
    assert (contracts["PK-1"]["expected_to_date"], contracts["PK-1"]["status"]) == (80_000, "missing")
    assert "contract_missing:PK-1" in statement(svc, S, "2026Q1")["flags"]
    # the counterparty is on chain only as a pseudonym
    assert "Focus" not in str(statement(svc, S, "2026Q1"))


def test_objections_throughTheApiAndTheCli(svc: LedgerService) -> None:
    set_date(svc, D(2026, 4, 2))
    close_period(svc, S, "2026Q1", signer=key_label(S, "accountant"))
    code, out = run(svc, "objection", "note-close", S, "--period", "2026Q1")
    assert code == 0, out
    client = TestClient(create_app(svc))
    tokens = {
        role: create_token(svc, S, role, svc.keys.resolve(key_label(S, role)), f"test {role}")
        for role in ("accountant", "committee", "auditor")
    }

    def post(path: str, body: Any, role: str) -> Any:
        return client.post(
            f"/api/v1/communities/{S}/{path}", json=body, headers={"Authorization": f"Bearer {tokens[role]}"}
        )

    set_date(svc, D(2026, 4, 5))
    r = post(
        "periods/2026Q1/objections", {"resident": "Wang Fang, 3-201", "text": "ads earned more"}, "auditor"
    )
    assert r.status_code == 403
    r = post(
        "periods/2026Q1/objections", {"resident": "Wang Fang, 3-201", "text": "ads earned more"}, "committee"
    )
    assert r.status_code == 201, r.text
    first = r.json()
    assert (first["objectionId"], first["late"]) == (1, False)
    again = post(
        "periods/2026Q1/objections", {"resident": "Wang Fang, 3-201", "text": "ads earned more"}, "committee"
    )
    assert (
        again.status_code == 409
        and again.json()["message"] == "this objection was already filed as objection #1"
    )
    r = post("objections/1/rejection", {"reason": "no", "reasons": "see the bank statement"}, "accountant")
    assert r.status_code == 403
    code, out = run(
        svc,
        "objection",
        "file",
        S,
        "--period",
        "2026Q1",
        "--resident",
        "Li Lei, 5-101",
        "--text",
        "parking fee missing",
    )
    assert code == 0 and "Objection #2 filed" in out, out
    # objection 2 is upheld: the missing income is posted now, then named
    fix = revenue.post_income(
        svc,
        S,
        Income("shared_parking", 80_000, D(2026, 4, 5), "PK-1/late"),
        signer=key_label(S, "accountant"),
    )
    code, out = run(svc, "objection", "correct", S, "2", "--entry", str(fix.seq - 1))
    assert code == 1 and "a correction must be an entry written after the objection" in " ".join(out.split())
    code, out = run(svc, "objection", "correct", S, "2", "--entry", str(fix.seq), "--note", "posted")
    assert code == 0, out
    r = post(
        "objections/1/rejection",
        {"reason": "matches the bank statement", "reasons": "statement attached"},
        "committee",
    )
    assert r.status_code == 201 and r.json()["late"] is False
    set_date(svc, D(2026, 4, 30))
    code, out = run(
        svc, "objection", "file", S, "--period", "2026Q1", "--resident", "Zhao Min", "--text", "too late"
    )
    assert code == 0 and "late" in out, out
    objections = {o["objection_id"]: o for o in statement(svc, S, "2026Q2")["objections"]}
    assert objections[1]["answer"]["reason"] == "matches the bank statement"
    assert objections[2]["answer"]["correction_seq"] == fix.seq
    assert objections[3]["late"] is True and objections[3]["answer"] is None
    assert "Wang" not in str(objections)
    contracts = {c["number"]: c for c in statement(svc, S, "2026Q2")["revenue_contracts"]}
    assert contracts["PK-1"]["received_to_date"] == 80_000


def test_commands_haveHelp() -> None:
    for args in (
        ["budget", "check"],
        ["budget", "adopt"],
        ["budget", "set-limit"],
        ["contract", "register"],
        ["contract", "end"],
        ["objection", "note-close"],
        ["objection", "file"],
        ["objection", "correct"],
        ["objection", "reject"],
    ):
        result = CliRunner().invoke(app, [*args, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, args


def test_api_budgetCheck_andContractRegister_refuseInOneSentence_changeNothing(svc: LedgerService) -> None:
    client = TestClient(create_app(svc))
    tokens = {
        role: create_token(svc, S, role, svc.keys.resolve(key_label(S, role)), f"api {role}")
        for role in ("accountant", "committee")
    }

    def post(path: str, body: Any, role: str) -> Any:
        headers = {"Authorization": f"Bearer {tokens[role]}"}
        return client.post(f"/api/v1/communities/{S}/{path}", json=body, headers=headers)

    over = {
        "year": 2026,
        "lines": [
            {"bucket": "m", "purpose": "x", "amount": 7},
            {"bucket": "m", "purpose": "other", "amount": 3},
        ],
    }
    r = post("budgets/check", over, "accountant")
    assert r.status_code == 422
    assert r.json()["message"].startswith("the budget's unexplained 'other' lines (0.03 yuan) exceed 10.00 %")
    ok = {
        "year": 2026,
        "lines": [
            {"bucket": "m", "purpose": "x", "amount": 9},
            {"bucket": "m", "purpose": "other", "amount": 1},
        ],
    }
    r = post("budgets/check", ok, "accountant")
    assert r.status_code == 200 and (r.json()["total"], r.json()["other"]) == (10, 1)
    cid = bytes.fromhex(svc.community_id(S)[2:])
    before = chain_call(
        svc.sender,
        "Oversight",
        svc.deployment.address("Oversight"),
        "contractIdOf",
        cid,
        fixed_text("ST-9", 32, "n"),
    )
    body = {
        "number": "ST-9",
        "kind": "stall_rental",
        "source": "stall_rental",
        "counterparty": "stall 9",
        "instalments": [
            {"due_date": "2026-05-31", "amount": 30_000},
            {"due_date": "2026-05-01", "amount": 30_000},
        ],
    }
    r = post("revenue-contracts", body, "committee")
    assert r.status_code == 403
    r = post("revenue-contracts", body, "accountant")
    assert r.status_code == 422 and r.json()["message"] == "instalment due dates must be strictly increasing"
    assert (
        chain_call(
            svc.sender,
            "Oversight",
            svc.deployment.address("Oversight"),
            "contractIdOf",
            cid,
            fixed_text("ST-9", 32, "n"),
        )
        == before
        == (0,)
    )
    body["instalments"] = [
        {"due_date": "2026-05-01", "amount": 30_000},
        {"due_date": "2026-05-31", "amount": 30_000},
    ]
    r = post("revenue-contracts", body, "accountant")
    assert r.status_code == 201, r.text
    assert r.json()["number"] == "0x" + fixed_text("ST-9", 32, "n").hex()
    r = post("revenue-contracts/ST-9/end", {"end_date": "2026-01-01", "reason": "moved"}, "committee")
    assert r.status_code == 422 and "before today" in r.json()["message"]
