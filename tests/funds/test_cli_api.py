"""The funds' CLI and HTTP API on a real service: the same writes by both paths, refusals with one
clear sentence that change nothing, a donor's receipt lookup, a street office's view."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ledger_service.api.app import create_app
from ledger_service.api.auth import create_token
from ledger_service.cli import app
from ledger_service.communities.commands import key_label
from ledger_service.funds import commands as funds
from ledger_service.service import LedgerService
from tests.api.helpers import new_service, set_date
from tests.funds.service import approve, keeper, set_up_community, statement

A, B = "cli-funds-a", "cli-funds-b"
DAY = dt.date(2026, 3, 2)


@dataclass
class World:
    svc: LedgerService
    client: TestClient
    tokens: dict[str, str]

    def post(self, path: str, body: Any, role: str = "fund_keeper", slug: str = A) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        return self.client.post(f"/api/v1/communities/{slug}/funds{path}", json=body, headers=headers)

    def seq(self, slug: str = A) -> int:
        from tests.funds.service import chain_view

        return int(chain_view(self.svc, "nextSeq", bytes.fromhex(self.svc.community_id(slug)[2:]))[0])


def run(svc: LedgerService, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), obj={"svc": svc})
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    svc = new_service(tmp_path_factory.mktemp("funds-cli") / "home")
    try:
        set_date(svc, DAY)
        set_up_community(svc, A, reps=1)
        set_up_community(svc, B, reps=1)
        tokens = {
            role: create_token(svc, A, role, svc.keys.resolve(key_label(A, role)), f"test {role}")
            for role in ("fund_keeper", "accountant")
        }
        tokens["resident_rep"] = create_token(
            svc, A, "resident_rep", svc.keys.resolve(key_label(A, "resident_rep")), "rep"
        )
        tokens["other"] = create_token(
            svc, B, "fund_keeper", svc.keys.resolve(key_label(B, "fund_keeper")), "b"
        )
        yield World(svc, TestClient(create_app(svc, explorer=False)), tokens)
    finally:
        svc.close()


def test_api_writesAFundAndDonations_andTheReceiptShowsWhereTheMoneyWent(world: World) -> None:
    assert (
        world.post("", {"fund": "mutual_aid", "kind": "mutual_aid", "owners_threshold": 10**12}).status_code
        == 201
    )
    assert world.post("/mutual_aid/earmarks", {"earmark": "stairlift"}).status_code == 201
    body = {"project": "stairlift-3", "fund": "mutual_aid", "earmark": "stairlift", "acceptances_required": 1}
    assert world.post("/projects", body).status_code == 201
    gift = {
        "fund": "mutual_aid",
        "earmark": "stairlift",
        "receipt": "API-1",
        "donor_type": "resident",
        "amount": 80_000,
        "business_date": DAY.isoformat(),
        "donor_name": "王小明",
        "donor_phone": "13912345678",
    }
    r = world.post("/donations", gift)
    assert r.status_code == 201, r.text
    cid = world.svc.community_id(A)
    approve(
        world.svc,
        A,
        funds.disbursement_action_hash(
            cid,
            "stairlift-3",
            "mutual_aid",
            "stairlift",
            50_000,
            False,
            "SL-1",
            funds.evidence_hash("invoice SL-1"),
        ),
    )
    pay = {
        "project": "stairlift-3",
        "fund": "mutual_aid",
        "earmark": "stairlift",
        "amount": 50_000,
        "business_date": DAY.isoformat(),
        "ref": "SL-1",
        "evidence": "invoice SL-1",
    }
    r = world.post("/disbursements", pay)
    assert r.status_code == 201, r.text
    view = world.client.get(f"/api/v1/communities/{A}/funds/receipts/API-1").json()
    assert [(u["project"], u["amount"]) for u in view["uses"]] == [("stairlift-3", 50_000)]
    assert view["unspent"] == 30_000 and "public_name" not in view
    assert "王小明" not in json.dumps(view, ensure_ascii=False)
    trace = world.client.get(f"/api/v1/communities/{A}/funds/traceability").json()
    assert trace["funds"]["mutual_aid"]["rate"] == "100.0"


def test_api_refusals_areOneSentence_andChangeNothing(world: World) -> None:
    if world.seq() == 1:
        world.post("", {"fund": "mutual_aid", "kind": "mutual_aid", "owners_threshold": 10**12})
    before = (world.seq(), statement(world.svc, A, "2026Q1")["funds"])
    bad = {
        "fund": "mutual_aid",
        "receipt": "X-1",
        "donor_type": "resident",
        "amount": 2**53,
        "business_date": DAY.isoformat(),
        "donor": "0x" + "ab" * 32,
    }
    r = world.post("/donations", bad)
    assert r.status_code == 422 and "amount" in r.json()["message"]
    bad["amount"] = 100
    r = world.post("/donations", bad, role="accountant")
    assert r.status_code == 403 and "fund_keeper" in r.json()["message"]
    r = world.post("/donations", bad, role="other")
    assert r.status_code == 403
    bad["donor_type"] = "alien"
    r = world.post("/donations", bad)
    assert r.status_code == 422 and "unknown donor type 'alien'" in r.json()["message"]
    bad["donor_type"], bad["fund"] = "resident", "nope"
    r = world.post("/donations", bad)
    assert r.status_code == 404 and r.json()["message"] == f"community {A} has no fund 'nope'"
    assert (world.seq(), statement(world.svc, A, "2026Q1")["funds"]) == before
    r = world.client.get(f"/api/v1/communities/{A}/funds/receipts/NOPE")
    assert r.status_code == 404 and "NOPE" in r.json()["message"]


def test_cli_recordsPaysAndTraces(world: World) -> None:
    svc = world.svc
    code, out = run(
        svc, "fund", "create", B, "community", "--kind", "community", "--owners-threshold", "100000"
    )
    assert code == 0, out
    assert run(svc, "fund", "earmark", B, "community", "canteen")[0] == 0
    assert run(svc, "fund", "project", B, "kit", "--fund", "community", "--earmark", "canteen")[0] == 0
    code, out = run(
        svc,
        "donation",
        "record",
        B,
        "--fund",
        "community",
        "--earmark",
        "canteen",
        "--receipt",
        "CLI-9",
        "--donor-type",
        "charity",
        "--amount",
        "3000",
        "--date",
        DAY.isoformat(),
        "--name",
        "Sunrise Foundation",
        "--phone",
        "021-5555-0202",
        "--named-publicly",
    )
    assert code == 0, out
    code, out = run(
        svc,
        "disbursement",
        "action",
        B,
        "kit",
        "--fund",
        "community",
        "--earmark",
        "canteen",
        "--amount",
        "1200",
        "--ref",
        "K-1",
    )
    assert code == 0, out
    approve(svc, B, bytes.fromhex(out.strip()[2:]))
    code, out = run(
        svc,
        "disbursement",
        "pay",
        B,
        "kit",
        "--fund",
        "community",
        "--earmark",
        "canteen",
        "--amount",
        "1200",
        "--date",
        DAY.isoformat(),
        "--ref",
        "K-1",
        "--as",
        keeper(B),
    )
    assert code == 0, out
    code, out = run(svc, "trace", B, "CLI-9", "--json")
    assert code == 0, out
    view = json.loads(out)
    assert [(u["project"], u["amount"]) for u in view["uses"]] == [("kit", 120_000)]
    assert view["public_name"] == "Sunrise Foundation" and view["unspent"] == 180_000
    code, out = run(svc, "trace", B, "CLI-404")
    assert code == 1 and "no donation with receipt number 'CLI-404'" in out


def test_cli_refusals_areOneSentence(world: World) -> None:
    code, out = run(
        world.svc,
        "donation",
        "record",
        B,
        "--fund",
        "community",
        "--receipt",
        "CLI-X",
        "--donor-type",
        "alien",
        "--amount",
        "1",
        "--date",
        DAY.isoformat(),
        "--donor",
        "0x" + "ab" * 32,
    )
    assert code == 1 and "unknown donor type 'alien'" in out
    code, out = run(
        world.svc,
        "disbursement",
        "pay",
        B,
        "kit",
        "--fund",
        "community",
        "--earmark",
        "general",
        "--amount",
        "1",
        "--date",
        DAY.isoformat(),
        "--ref",
        "K-2",
    )
    assert code == 1 and "another" in out


def test_streetOffice_seesEveryCommunityAndTheTotal(world: World) -> None:
    if not statement(world.svc, B, "2026Q1")["funds"]:
        pytest.skip("needs the CLI test's writes")  # pragma: no cover
    code, out = run(world.svc, "fund", "street", "2026Q1", "--json")
    assert code == 0, out
    view = json.loads(out)
    a = statement(world.svc, A, "2026Q1")["funds"]
    b = statement(world.svc, B, "2026Q1")["funds"]
    for slug, s in ((A, a), (B, b)):
        assert view["communities"][slug]["donated"] == sum(
            e["donated"] for f in s.values() for e in f.values()
        )
    assert view["total"]["donated"] == view["communities"][A]["donated"] + view["communities"][B]["donated"]
    assert view["total"]["by_donor_type"]["charity"] == 300_000
    r = world.client.get("/api/v1/street/funds/2026Q1", params={"communities": B})
    assert list(r.json()["communities"]) == [B]


def test_aPaymentWithoutItsApproval_isRefusedInWords(world: World) -> None:
    code, out = run(
        world.svc, "disbursement", "pay", B, "kit", "--fund", "community", "--earmark", "canteen",
        "--amount", "1", "--date", DAY.isoformat(), "--ref", "K-3",
    )  # fmt: skip
    assert code == 1
    assert "approved proposal" in out or "GovernanceApprovalRequired" in out
    assert "0x" not in out


def test_cli_importsACrowdfundingCampaign_andReportsABadLineByNumber(world: World, tmp_path: Any) -> None:
    svc = world.svc
    if run(svc, "fund", "traceability", B)[0] != 0:  # pragma: no cover - needs the fund made above
        run(svc, "fund", "create", B, "community")
    head = "fund,earmark,receipt,donor_type,amount,date,name,phone,campaign,named_publicly\n"
    rows = "".join(
        f"community,,CF-{i},resident,100.00,{DAY},Neighbour {i},1350000{i:04d},lift,no\n" for i in range(3)
    )
    good = tmp_path / "shares.csv"
    good.write_text(head + rows, encoding="utf-8")
    code, out = run(svc, "donation", "import", B, str(good))
    assert code == 0 and "3 donations recorded" in out, out
    for i in range(3):
        code, out = run(svc, "trace", B, f"CF-{i}", "--json")
        view = json.loads(out)
        assert view["amount"] == 10_000 and view["campaign"] == "lift" and "public_name" not in view
        assert f"Neighbour {i}" not in out
    bad = tmp_path / "bad.csv"
    bad.write_text(
        head + "community,,CF-9,resident,1.234,2026-03-02,X,13500009999,lift,no\n", encoding="utf-8"
    )
    code, out = run(svc, "donation", "import", B, str(bad))
    assert code == 1 and "bad.csv line 2" in out
