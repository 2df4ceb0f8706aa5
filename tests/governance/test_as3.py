"""REQUIREMENTS AS-3 end to end through the command line (service, journal, real anvil, indexer,
statements) on SQLite and PostgreSQL, with committee members signing from their own keystore
files; and the renovation vote over 200 households through the service's commands."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from eth_account import Account
from sqlalchemy import select
from typer.testing import CliRunner

from ledger_service.chain.node import free_port
from ledger_service.cli import app
from ledger_service.communities.commands import add_community
from ledger_service.core.config import Settings
from ledger_service.core.errors import LedgerError
from ledger_service.governance import commands as gov
from ledger_service.governance import queries
from ledger_service.governance.rules import Rule
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income
from ledger_service.revenue.tables import RevenueEntry
from ledger_service.service import LedgerService
from ledger_service.statements.store import get_statement
from tests.conftest import make_database_url

SHANGHAI = dt.timezone(dt.timedelta(hours=8))
D = dt.date
A = "lotus-garden"
R = "old-estate"
PASSWORD = "member password"


def at(d: dt.date, hour: int = 10) -> int:
    return int(dt.datetime(d.year, d.month, d.day, hour, tzinfo=SHANGHAI).timestamp())


class World:
    def __init__(self, svc: LedgerService, tmp: Path) -> None:
        self.svc = svc
        self.tmp = tmp
        self.keystores: list[Path] = []
        self.members: list[str] = []
        (tmp / "pw").write_text(PASSWORD, encoding="utf-8")

    def set_date(self, d: dt.date) -> None:
        self.svc.w3.provider.make_request("evm_setTime", [at(d)])  # type: ignore[arg-type]
        self.svc.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    def run(self, *args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, list(args), obj={"svc": self.svc})
        return result.exit_code, result.output

    def member(self, name: str) -> Path:
        """A member's own keystore file (the ledger never holds it)."""
        account = Account.create(name)
        path = self.tmp / f"{name}.json"
        path.write_text(json.dumps(Account.encrypt(account.key, PASSWORD, iterations=2**4)), encoding="utf-8")
        self.keystores.append(path)
        self.members.append(account.address)
        return path

    def approve(self, slug: str, pid: int, keystore: Path) -> tuple[int, str]:
        return self.run(
            "approve", slug, str(pid), "--keystore", str(keystore), "--password-file", str(self.tmp / "pw")
        )


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp: Path = tmp_path_factory.mktemp(request.param)
    urls = make_database_url(request.param, tmp)
    url = next(urls)
    settings = Settings(
        home=tmp / "home", database_url=url, node_port=free_port(), env="test", keystore_scrypt_n=2**4
    )
    svc = LedgerService.init(settings, genesis_timestamp=at(D(2026, 1, 1), hour=0))
    try:
        yield World(svc, tmp)
    finally:
        svc.close()
        next(urls, None)


def test_AS3_policyChange_needsTheVoteAndTheCommittee(world: World) -> None:
    svc = world.svc
    add_community(svc, A)
    # Before its committee is set up, the community activates policies as before governance.
    revenue.set_policy(svc, A, {"maintenance": 6000, "welfare": 4000}, D(2026, 1, 1), signer=f"{A}:committee")
    wang, li, zhao = world.member("wang"), world.member("li"), world.member("zhao")
    members = [a for m in world.members for a in ("--member", m)]
    code, out = world.run(
        "governance", "committee-setup", A, *members, "--approvals", "2", "--threshold", "10000"
    )  # fmt: skip
    assert code == 0, out
    # From now on a policy needs a proposal: the old way is refused with one clear sentence.
    code, out = world.run("policy", "set", A, "maintenance=50%", "welfare=50%", "--effective", "2026-06-01")
    assert code == 1 and "needs a proposal" in out

    world.set_date(D(2026, 3, 1))
    shares = ("maintenance=60%", "welfare=30%", "operations=10%")
    code, out = world.run(
        "proposal", "policy", A, *shares, "--effective", "2026-04-01", "--document", "AS-3 proposal"
    )
    assert code == 0, out
    assert "#1" in out and "3" in out  # proposal 1, decision type raise_maintenance (3): it feeds maintenance
    enact = ("policy", "enact", A, "1", *shares, "--effective", "2026-04-01")

    code, out = world.run(*enact)
    assert code == 1 and "0 approval(s)" in out and "needs 2" in out
    assert world.approve(A, 1, wang)[0] == 0
    code, out = world.approve(A, 1, li)
    assert code == 0 and "2 approval(s)" in out, out
    code, out = world.run(*enact)
    assert code == 1 and "needs the owners' vote first" in out

    world.set_date(D(2026, 3, 20))
    ballots = world.tmp / "ballots-2026-03-20.pdf"
    ballots.write_bytes(b"ballot record: 240 ballots (40 on paper), counted 2026-03-20")
    code, out = world.run(
        "vote", "record", A, "1",
        "--total-area", "27,000.00", "--participating-area", "21,600.00", "--yes-area", "17,500.00",
        "--total-units", "300", "--participating-units", "240", "--yes-units", "190",
        "--paper-units", "40", "--paper-area", "3,600.00", "--ballots", str(ballots),
    )  # fmt: skip
    assert code == 0, out
    # quorum 80 % / 80 %; yes 79.2 % of units and 81.0 % of area: both the majority and the 3/4 rule
    assert "80.0 % of units" in out and "80.0 % of area" in out and "79.2 %" in out and "81.0 %" in out
    assert 3 * 240 >= 2 * 300 and 3 * 21_600_00 >= 2 * 27_000_00  # quorum, integers
    assert 4 * 190 >= 3 * 240 and 4 * 17_500_00 >= 3 * 21_600_00  # 3/4 of the participating
    assert "vote recorded: passed" in out

    code, out = world.run(*enact)
    assert code == 0, out

    # Income dated 2026-03-31 is split 60/40, income dated 2026-04-01 60/30/10.
    world.set_date(D(2026, 4, 2))
    revenue.post_income(
        svc, A, Income("elevator_ads", 1_000_000, D(2026, 3, 31), "AD-0331"), signer=f"{A}:accountant"
    )
    revenue.post_income(
        svc, A, Income("elevator_ads", 1_000_000, D(2026, 4, 1), "AD-0401"), signer=f"{A}:accountant"
    )
    svc.sync()
    cid = svc.community_id(A)
    with svc.db.session() as s:
        incomes = {
            r.ref: (r.policy_version, json.loads(r.split or "{}"))
            for r in s.scalars(
                select(RevenueEntry).where(RevenueEntry.community == cid, RevenueEntry.kind == "income")
            )
        }
    assert incomes["AD-0331"] == (1, {"maintenance": 600_000, "welfare": 400_000})
    assert incomes["AD-0401"] == (2, {"maintenance": 600_000, "welfare": 300_000, "operations": 100_000})

    # Both versions are listed with the decision that enacted each.
    with svc.db.engine.connect() as conn:
        enacted = queries.enactments(conn, cid)
        listed = queries.proposals(conn, cid)
        q1 = get_statement(conn, A, "2026Q1").statement
    assert enacted[1]["proposal_id"] is None and enacted[1]["decision_type"] == "committee"
    assert enacted[2]["proposal_id"] == 1 and enacted[2]["decision_type"] == "raise_maintenance"
    vote = enacted[2]["vote"]
    assert (vote["total_units"], vote["participating_units"], vote["yes_units"]) == (300, 240, 190)
    assert (vote["total_area"], vote["participating_area"], vote["yes_area"]) == (
        27_000_00,
        21_600_00,
        17_500_00,
    )
    assert (vote["turnout_units"], vote["turnout_area"]) == ("80.0 %", "80.0 %")
    assert (vote["yes_units_share"], vote["yes_area_share"]) == ("79.2 %", "81.0 %")
    assert vote["passed"] is True and "at least 3/4" in vote["rule"]
    assert [(p["proposal_id"], p["status"], p["approvals"]) for p in listed] == [(1, "used", 2)]
    g = q1["governance"]
    assert [p["version"] for p in g["policies"]] == [1, 2] and g["policies"][1]["proposal_id"] == 1
    assert [v["passed"] for v in g["votes"]] == [True] and g["votes"][0]["paper_units"] == 40
    assert len(g["committee"]["members"]) == 3 and g["committee"]["threshold"] == 2
    code, out = world.run("proposal", "list", A)
    assert code == 0 and "used" in out and "passed" in out
    from fastapi.testclient import TestClient

    from explorer.app import create_explorer

    with TestClient(create_explorer(svc.settings.db_url)) as client:
        page = client.get(f"/c/{A}/governance?lang=en").text
        assert "a committee member directly" in page and "proposal #1 · raise_maintenance" in page
        assert "240/300 (80.0 %)" in page and "79.2 % / 81.0 %" in page
        versions = client.get(f"/c/{A}/governance.json").json()["policies"]
        assert [(v["version"], v["proposal_id"]) for v in versions] == [(1, None), (2, 1)]
    del zhao


def test_renovation_200Households_133Fails_134Passes_thePaymentLandsOnlyAfter(world: World) -> None:
    """An old estate's renovation needs at least 2/3 of all 200 households (3 * yes >= 2 * 200)."""
    svc = world.svc
    world.set_date(D(2026, 4, 10))
    add_community(svc, R)
    revenue.set_policy(
        svc, R, {"maintenance": 5000, "welfare": 5000}, D(2026, 4, 10), signer=f"{R}:committee"
    )
    revenue.post_income(
        svc, R, Income("parking", 20_000_000, D(2026, 4, 10), "PK-0410"), signer=f"{R}:accountant"
    )
    keys = [Account.create(f"r{i}") for i in range(3)]
    gov.set_up_committee(svc, R, [k.address for k in keys], 2, spend_threshold=500_000, signer=f"{R}:admin")
    d = gov.domain(svc)

    def approve_by(pid: int, signers: list) -> None:
        for k in signers:
            a = gov.approval_request(svc, R, pid)
            from ledger_service.governance.signing import sign_approval

            gov.relay_signature(svc, R, a, k.address, sign_approval(k, d, a))

    rule = Rule(0, 0, 2, 3, True, True, False, True)
    define = gov.propose_decision_type(svc, R, 16, "renovation_2_3_all", rule, signer=f"{R}:committee")
    approve_by(define, keys[:2])
    gov.define_decision_type(svc, R, define, 16, "renovation_2_3_all", rule, signer=f"{R}:admin")

    amount, ref, evidence = 6_000_000, "RENO-2026", "renovation contract"
    first = gov.propose_spend(
        svc, R, "welfare", amount, ref, evidence=evidence, decision_type=16, signer=f"{R}:accountant"
    )
    approve_by(first, keys[:2])
    result = gov.record_vote(
        svc, R, first, gov.Tally(0, 0, 0, 200, 171, 133), "ballots 133", signer=f"{R}:committee"
    )
    assert (result["quorum_met"], result["passed"]) == (True, False) and 3 * 133 < 2 * 200

    def pay() -> None:
        revenue.spend(
            svc, R, "welfare", amount, D(2026, 4, 10), ref, signer=f"{R}:accountant", evidence=evidence
        )

    with pytest.raises(LedgerError):
        pay()
    svc.sync()
    cid = svc.community_id(R)
    with svc.db.session() as s:
        assert (
            s.scalars(
                select(RevenueEntry).where(RevenueEntry.community == cid, RevenueEntry.kind == "spend")
            ).all()
            == []
        )

    second = gov.propose_spend(
        svc, R, "welfare", amount, ref, evidence=evidence, decision_type=16, signer=f"{R}:accountant"
    )
    result = gov.record_vote(
        svc, R, second, gov.Tally(0, 0, 0, 200, 171, 134), "ballots 134", signer=f"{R}:committee"
    )
    assert result["passed"] is True and 3 * 134 >= 2 * 200
    with pytest.raises(LedgerError):
        pay()  # passed, but the committee has not approved yet
    approve_by(second, keys[1:])
    pay()
    svc.sync()
    with svc.db.session() as s:
        spends = s.scalars(
            select(RevenueEntry).where(RevenueEntry.community == cid, RevenueEntry.kind == "spend")
        ).all()
    assert [(e.bucket, e.amount, e.ref) for e in spends] == [("welfare", amount, ref)]
    with svc.db.engine.connect() as conn:
        votes = queries.votes(conn, cid)
    assert [(v["yes_units"], v["passed"], v["decision_type"]) for v in votes] == [
        (133, False, "renovation_2_3_all"),
        (134, True, "renovation_2_3_all"),
    ]
    assert votes[0]["yes_units_share"] == "66.5 %" and votes[1]["yes_units_share"] == "67.0 %"

    # The explorer lists both votes, the failed one like the passed one, with turnout and rule.
    from fastapi.testclient import TestClient

    from explorer.app import create_explorer

    with TestClient(create_explorer(svc.settings.db_url)) as client:
        page = client.get(f"/c/{R}/governance?lang=en")
        assert page.status_code == 200
        assert "Failed" in page.text and "Passed" in page.text and "133 (66.5 %)" in page.text
        assert "at least 2/3 of all units" in page.text
        rows = client.get(f"/c/{R}/governance.csv").text.splitlines()
        assert len(rows) == 3 and rows[1].split(",")[5] == "133" and rows[2].split(",")[5] == "134"
        body = client.get(f"/c/{R}/governance.json").json()
        assert [p["status"] for p in body["proposals"]] == ["used", "failed", "used"]
