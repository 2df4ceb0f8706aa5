"""The HTTP API's write routes against a real anvil and a real SQLite index.

For every write route: a token of the wrong role, a token of another community, a malformed body,
an amount of 2^53 fen and a write into a closed period are each refused with a clear JSON error,
and NOTHING changes (the contract's ``nextSeq``, the journal and every statement amount are the
same before and after). Then the happy paths: a post is in the next statement read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ledger_service.api.app import create_app
from ledger_service.api.auth import create_token, revoke_token
from ledger_service.audit.commands import close_period
from ledger_service.chain.journal_tables import JournalEntry
from ledger_service.communities.commands import add_community, key_label
from ledger_service.revenue import commands as revenue
from ledger_service.revenue.encoding import Income
from ledger_service.service import LedgerService
from tests.api.helpers import new_service, next_seq, set_date, statement, totals

A, B = "api-lotus", "api-bamboo"
D = dt.date
TODAY = "2026-04-10"  # the chain's date after set-up; Q1 is closed, Q2 open
IN_CLOSED_Q1 = "2026-03-15"
HUGE = 2**53


@dataclass
class World:
    svc: LedgerService
    client: TestClient
    tokens: dict[str, str]
    seed_seq: int
    deposit_seq: int

    def post(self, path: str, body: Any, token: str | None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.post(f"/api/v1/communities/{path}", json=body, headers=headers)

    def journal_rows(self) -> int:
        with self.svc.db.session() as s:
            return int(s.scalar(select(func.count()).select_from(JournalEntry)) or 0)

    def snapshot(self) -> tuple[Any, ...]:
        return (
            next_seq(self.svc, A),
            next_seq(self.svc, B),
            self.journal_rows(),
            totals(self.svc, A, "2026Q1"),
            totals(self.svc, A, "2026Q2"),
            totals(self.svc, B, "2026Q2"),
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    svc = new_service(tmp_path_factory.mktemp("api") / "home")
    try:
        add_community(svc, A)
        add_community(svc, B)
        revenue.set_policy(
            svc,
            A,
            {"maintenance": 6000, "welfare": 3000, "operations": 1000},
            D(2026, 1, 1),
            signer=key_label(A, "committee"),
            decision="owners' assembly 2025-12",
        )
        set_date(svc, D(2026, 2, 1))
        seed = revenue.post_income(
            svc, A, Income("parking", 1_000_000, D(2026, 2, 1), "SEED-1"), signer=key_label(A, "accountant")
        )
        deposit = revenue.receive_deposit(
            svc, A, 500_000, D(2026, 2, 1), "advertiser 1", "DEP-1", signer=key_label(A, "accountant")
        )
        set_date(svc, D(2026, 4, 10))
        close_period(svc, A, "2026Q1", signer=key_label(A, "accountant"))
        tokens = {
            role: create_token(svc, A, role, svc.keys.resolve(key_label(A, role)), f"test {role}")
            for role in ("accountant", "committee", "auditor")
        }
        tokens["other"] = create_token(
            svc, B, "accountant", svc.keys.resolve(key_label(B, "accountant")), "other community"
        )
        assert seed.seq is not None and deposit.seq is not None
        yield World(svc, TestClient(create_app(svc)), tokens, seed.seq, deposit.seq)
    finally:
        svc.close()


def _income(ref: str, date: str = TODAY, amount: Any = 10_000, **extra: Any) -> dict[str, Any]:
    return {"source": "parking", "amount": amount, "business_date": date, "ref": ref, **extra}


@dataclass(frozen=True)
class Route:
    """One write route and a body of each kind; a body builder gets the world (for sequence numbers)."""

    name: str
    path: Callable[[World], str]
    role: str
    good: Callable[[World], Any]
    malformed: Callable[[World], Any]
    huge: Callable[[World], Any] | None
    closed: Callable[[World], Any]
    closed_status: int = 409
    closed_says: str = "closed period"


ROUTES = [
    Route(
        "income",
        lambda w: f"{A}/incomes",
        "accountant",
        good=lambda w: _income("GOOD-1"),
        malformed=lambda w: _income("BAD-1", amount="100 yuan"),
        huge=lambda w: _income("HUGE-1", amount=HUGE),
        closed=lambda w: _income("LATE-1", date=IN_CLOSED_Q1),
    ),
    Route(
        "income batch",
        lambda w: f"{A}/incomes/batch",
        "accountant",
        good=lambda w: {"incomes": [_income("GOOD-B1"), _income("GOOD-B2")]},
        malformed=lambda w: {"incomes": [_income("BAD-B1"), {"source": "parking"}]},
        huge=lambda w: {"incomes": [_income("HUGE-B1"), _income("HUGE-B2", amount=HUGE)]},
        closed=lambda w: {"incomes": [_income("LATE-B1"), _income("LATE-B2", date=IN_CLOSED_Q1)]},
    ),
    Route(
        "spend",
        lambda w: f"{A}/spends",
        "accountant",
        good=lambda w: {"bucket": "maintenance", "amount": 100, "business_date": TODAY, "ref": "SP-1"},
        malformed=lambda w: {"bucket": "maintenance", "amount": 1.5, "business_date": TODAY, "ref": "SP-2"},
        huge=lambda w: {"bucket": "maintenance", "amount": HUGE, "business_date": TODAY, "ref": "SP-3"},
        closed=lambda w: {
            "bucket": "maintenance",
            "amount": 100,
            "business_date": IN_CLOSED_Q1,
            "ref": "SP-4",
        },
    ),
    Route(
        "reversal",
        lambda w: f"{A}/reversals",
        "accountant",
        good=lambda w: {"seq": w.seed_seq, "reason": "wrong invoice", "business_date": TODAY},
        malformed=lambda w: {"seq": "the first one", "reason": "wrong invoice", "business_date": TODAY},
        huge=lambda w: {"seq": HUGE, "reason": "wrong invoice", "business_date": TODAY},
        closed=lambda w: {"seq": w.seed_seq, "reason": "wrong invoice", "business_date": IN_CLOSED_Q1},
    ),
    Route(
        "deposit",
        lambda w: f"{A}/deposits",
        "accountant",
        good=lambda w: {"amount": 100, "business_date": TODAY, "payer_ref": "advertiser 2", "ref": "DEP-2"},
        malformed=lambda w: {"amount": 100, "business_date": "2026-13-01", "payer_ref": "x", "ref": "DEP-3"},
        huge=lambda w: {"amount": HUGE, "business_date": TODAY, "payer_ref": "x", "ref": "DEP-4"},
        closed=lambda w: {"amount": 100, "business_date": IN_CLOSED_Q1, "payer_ref": "x", "ref": "DEP-5"},
    ),
    Route(
        "deposit return",
        lambda w: f"{A}/deposits/{w.deposit_seq}/returns",
        "accountant",
        good=lambda w: {"amount": 100, "business_date": TODAY, "ref": "RET-1"},
        malformed=lambda w: {"amount": 100, "business_date": TODAY, "reference": "RET-2"},
        huge=lambda w: {"amount": HUGE, "business_date": TODAY, "ref": "RET-3"},
        closed=lambda w: {"amount": 100, "business_date": IN_CLOSED_Q1, "ref": "RET-4"},
    ),
    Route(
        "policy",
        lambda w: f"{A}/policies",
        "committee",
        good=lambda w: {"buckets": {"maintenance": 6000, "welfare": 4000}, "effective_date": "2026-05-01"},
        malformed=lambda w: {"buckets": {}, "effective_date": "2026-05-01"},
        huge=lambda w: {"buckets": {"maintenance": HUGE}, "effective_date": "2026-05-01"},
        closed=lambda w: {"buckets": {"maintenance": 10_000}, "effective_date": IN_CLOSED_Q1},
        closed_status=422,
        closed_says="cannot take effect on 2026-03-15",
    ),
    Route(
        "period close",
        lambda w: f"{A}/periods/2026Q1/close",
        "accountant",
        good=lambda w: None,
        malformed=None,
        huge=None,  # type: ignore[arg-type]
        closed=lambda w: None,
        closed_says="already closed",
    ),
]
IDS = [r.name for r in ROUTES]


def _wrong_role(route: Route) -> str:
    return "auditor" if route.role == "accountant" else "accountant"


def _refused(
    world: World, route: Route, body: Any, token: str, status: int, says: str, path: str | None = None
) -> dict[str, Any]:
    before = world.snapshot()
    r = world.post(path or route.path(world), body, token)
    assert r.status_code == status, r.text
    answer = r.json()
    assert set(answer) == {"error", "message", "data"}
    assert says in answer["message"], answer["message"]
    assert world.snapshot() == before, "a refused request changed something"
    return answer


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_writeRoute_wrongRole_is403_andChangesNothing(world: World, route: Route) -> None:
    wrong = _wrong_role(route)
    answer = _refused(
        world, route, route.good(world), world.tokens[wrong], 403, f"needs the {route.role} role"
    )
    assert answer["error"] == "forbidden" and f"acts as {wrong}" in answer["message"]


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_writeRoute_otherCommunitysToken_is403_namingIt(world: World, route: Route) -> None:
    token = (
        world.tokens["other"]
        if route.role == "accountant"
        else create_token(
            world.svc, B, route.role, world.svc.keys.resolve(key_label(B, route.role)), "other committee"
        )
    )
    answer = _refused(
        world, route, route.good(world), token, 403, f"this token is for community {B}, not {A}"
    )
    assert answer["data"] == {"token_community": B, "community": A}


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_writeRoute_malformedBody_is422_andChangesNothing(world: World, route: Route) -> None:
    token = world.tokens[route.role]
    if route.name == "period close":
        answer = _refused(
            world, route, None, token, 422, "unrecognised period label", path=f"{A}/periods/2026q1/close"
        )
    else:
        answer = _refused(world, route, route.malformed(world), token, 422, ":")
        assert answer["data"]["fields"], answer
    assert answer["error"] == "invalid_input"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.huge], ids=[r.name for r in ROUTES if r.huge])
def test_writeRoute_amountOf2pow53_is422_andChangesNothing(world: World, route: Route) -> None:
    assert route.huge is not None
    _refused(world, route, route.huge(world), world.tokens[route.role], 422, "")


def test_amountOf2pow53_messageIsReadable(world: World) -> None:
    r = world.post(f"{A}/incomes", _income("HUGE-2", amount=HUGE), world.tokens["accountant"])
    assert r.status_code == 422
    assert r.json()["message"] == (
        f"amount: amount {HUGE} fen is out of range (more than 0 and less than 2^53 fen)"
    )


@pytest.mark.parametrize("route", ROUTES, ids=IDS)
def test_writeRoute_closedPeriod_isRefused_andChangesNothing(world: World, route: Route) -> None:
    answer = _refused(
        world, route, route.closed(world), world.tokens[route.role], route.closed_status, route.closed_says
    )
    if route.closed_status == 409 and route.name != "period close":
        assert answer["error"] == "contract_rejected" and answer["data"]["error"] == "RevenuePeriodClosed"
        assert f"community {A}" in answer["message"]


def test_noToken_unknownToken_revokedToken_are401(world: World) -> None:
    before = world.snapshot()
    body = _income("AUTH-1")
    assert world.post(f"{A}/incomes", body, None).status_code == 401
    assert world.post(f"{A}/incomes", body, "not-a-token").status_code == 401
    token = create_token(
        world.svc, A, "accountant", world.svc.keys.resolve(key_label(A, "accountant")), "gone"
    )
    revoke_token(world.svc, token)
    r = world.post(f"{A}/incomes", body, token)
    assert r.status_code == 401 and "revoked" in r.json()["message"]
    assert world.snapshot() == before


def test_invalidJson_is422_withReadableMessage(world: World) -> None:
    r = world.client.post(
        f"/api/v1/communities/{A}/incomes",
        content=b"{not json",
        headers={"Authorization": f"Bearer {world.tokens['accountant']}", "Content-Type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["message"] == "the body is not valid JSON"


def test_repeatedReference_is409_namingIt(world: World) -> None:
    before = world.snapshot()
    r = world.post(f"{A}/incomes", _income("SEED-1"), world.tokens["accountant"])
    assert r.status_code == 409 and "SEED-1" in r.json()["message"]
    assert world.snapshot() == before


# -- happy paths (after the refusals above: they change community A) ----------------------------------


def test_postIncome_is201_andInTheNextStatementRead(world: World) -> None:
    seq = next_seq(world.svc, A)
    r = world.post(f"{A}/incomes", _income("HAPPY-1", amount=1_234_56), world.tokens["accountant"])
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "mined" and body["seq"] == seq and body["tx_hash"].startswith("0x")
    assert next_seq(world.svc, A) == seq + 1
    s = world.client.get(f"/api/v1/communities/{A}/statements/2026Q2").json()
    entry = [e for e in s["entries"] if e.get("ref") == "HAPPY-1"]
    assert entry and entry[0]["amount"] == 123_456 and entry[0]["tx_hash"] == body["tx_hash"]
    assert s["income"]["by_source"]["parking"] >= 123_456


def test_everyWriteRoute_happyPath(world: World) -> None:
    token = world.tokens["accountant"]
    batch = world.post(f"{A}/incomes/batch", {"incomes": [_income("HB-1"), _income("HB-2")]}, token)
    assert batch.status_code == 201 and batch.json()["count"] == 2
    assert (
        world.post(
            f"{A}/spends",
            {"bucket": "maintenance", "amount": 100, "business_date": TODAY, "ref": "HS-1"},
            token,
        ).status_code
        == 201
    )
    assert (
        world.post(
            f"{A}/reversals",
            {"seq": world.seed_seq, "reason": "wrong invoice", "business_date": TODAY},
            token,
        ).status_code
        == 201
    )
    assert (
        world.post(
            f"{A}/deposits", {"amount": 100, "business_date": TODAY, "payer_ref": "p", "ref": "HD-1"}, token
        ).status_code
        == 201
    )
    assert (
        world.post(
            f"{A}/deposits/{world.deposit_seq}/returns",
            {"amount": 100, "business_date": TODAY, "ref": "HR-1"},
            token,
        ).status_code
        == 201
    )
    assert (
        world.post(
            f"{A}/policies",
            {"buckets": {"maintenance": 6000, "welfare": 4000}, "effective_date": "2026-05-01"},
            world.tokens["committee"],
        ).status_code
        == 201
    )
    s = statement(world.svc, A, "2026Q2")
    kinds = [e["kind"] for e in s["entries"]]
    for kind in ("income", "spend", "reversal", "deposit_received", "deposit_returned", "policy"):
        assert kind in kinds, kinds
    assert s["deposits"]["received"] == 100 and s["deposits"]["returned"] == 100


def test_periodClose_route_closesAndAnchors(world: World) -> None:
    set_date(world.svc, D(2026, 7, 2))
    token = create_token(world.svc, B, "accountant", world.svc.keys.resolve(key_label(B, "accountant")), "b")
    r = world.post(f"{B}/periods/2026Q2/close", None, token)
    assert r.status_code == 201, r.text
    got = world.client.get(f"/api/v1/communities/{B}/statements/2026Q2")
    assert got.headers["X-Statement-Status"] == "closed"
    assert got.headers["X-Statement-Sha256"] == r.json()["statement_hash"]


# -- reads ------------------------------------------------------------------------------------------


def test_reads_communities_statementCsv_entries(world: World) -> None:
    slugs = [c["slug"] for c in world.client.get("/api/v1/communities").json()]
    assert slugs == sorted([A, B])
    csv = world.client.get(f"/api/v1/communities/{A}/statements/2026Q1?format=csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "SEED-1" in csv.text and "income_total_fen,1000000" in csv.text
    pdf = world.client.get(f"/api/v1/communities/{A}/statements/2026Q1?format=pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert (
        pdf.content.startswith(b"%PDF-")
        and pdf.headers["X-Statement-Sha256"] == csv.headers["X-Statement-Sha256"]
    )
    entries = world.client.get(f"/api/v1/communities/{A}/entries", params={"period": "2026Q1"}).json()
    assert [e["ref"] for e in entries["entries"] if e["kind"] == "income"] == ["SEED-1"]
    assert world.client.get(f"/api/v1/communities/{A}/statements/2026q1").status_code == 422
    missing = world.client.get("/api/v1/communities/nowhere/statements/2026Q1")
    assert missing.status_code == 404 and missing.json()["message"] == "there is no community 'nowhere'"
    assert world.client.get("/api/v1/nothing-here").json()["error"] == "not_found"


def test_openapi_listsEveryRoute(world: World) -> None:
    paths = world.client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/communities/{slug}/incomes",
        "/api/v1/communities/{slug}/incomes/batch",
        "/api/v1/communities/{slug}/spends",
        "/api/v1/communities/{slug}/reversals",
        "/api/v1/communities/{slug}/deposits",
        "/api/v1/communities/{slug}/deposits/{deposit_seq}/returns",
        "/api/v1/communities/{slug}/policies",
        "/api/v1/communities/{slug}/periods/{period}/close",
        "/api/v1/communities",
        "/api/v1/communities/{slug}/statements/{period}",
        "/api/v1/communities/{slug}/entries",
    ):
        assert path in paths, path
    assert "post" in paths["/api/v1/communities/{slug}/incomes"]
