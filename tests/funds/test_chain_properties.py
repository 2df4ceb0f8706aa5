"""Funds invariants against the real contract (Hypothesis on a real service): after any sequence
of donations, returns, approved payments and approved refunds, for every earmark
inflows − disbursed − refunded = the contract's own balance ≥ 0, the trace the index derives
from events agrees with the contract's queue head, assigns every disbursed fen to exactly one
source, and a rebuild of the index from the chain reproduces it byte for byte."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger_service.funds import commands as funds
from ledger_service.funds.trace import Trace, community_trace
from ledger_service.service import LedgerService
from tests.api.helpers import new_service, set_date
from tests.funds.service import approve, chain_view, keeper, set_up_community

S = "prop-yard"
DAY = dt.date(2026, 2, 1)
EVIDENCE = b"\x0e" * 32
_runs = itertools.count(1)

ops = st.lists(
    st.tuples(
        st.sampled_from(("donate", "donate", "pay", "pay", "refund", "return")),
        st.sampled_from(("a", "b")),
        st.integers(1, 50_000),
        st.integers(0, 20),
    ),
    min_size=1,
    max_size=10,
)


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerService]:
    service = new_service(tmp_path_factory.mktemp("props") / "home")
    try:
        set_date(service, DAY)
        set_up_community(service, S, reps=1)
        yield service
    finally:
        service.close()


def _b32(text: str) -> bytes:
    return text.encode().ljust(32, b"\0")


def _trace(svc: LedgerService) -> Trace:
    svc.sync()
    with svc.db.begin() as conn:
        return community_trace(conn, svc.community_id(S))


def _dump(t: Trace) -> str:
    return json.dumps(
        {
            "sources": {
                f"{f}/{e}": [s.to_json() for s in em.sources] for (f, e), em in sorted(t.earmarks.items())
            },
            "payments": [p.to_json() for p in t.payments],
        },
        sort_keys=True,
    )


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=ops)
def test_inflowsMinusOutflows_isTheContractsBalance_andTheTraceAgrees(
    svc: LedgerService, plan: list[tuple[str, str, int, int]]
) -> None:
    run = next(_runs)
    fund, k, cid = f"f{run}", keeper(S), svc.community_id(S)
    funds.create_fund(svc, S, fund, "community", 10**15, signer=k)
    posted = {e: {"in": 0, "out": 0} for e in "ab"}
    receipts: list[tuple[str, str]] = []
    paid: dict[str, int] = {}
    for e in "ab":
        funds.open_earmark(svc, S, fund, e, signer=k)
        funds.open_project(svc, S, f"{fund}-{e}", fund, e, signer=k)
    for i, (op, e, amount, pick) in enumerate(plan):
        balance = posted[e]["in"] - posted[e]["out"]
        project = f"{fund}-{e}"
        if op == "donate":
            receipt = f"{fund}-R{i}"
            donor = "0x" + f"{run:04x}{i:04x}".rjust(64, "d")
            funds.donate(
                svc, S, funds.Donation(fund, receipt, donor, "resident", amount, DAY, earmark=e), signer=k
            )
            receipts.append((receipt, e))
            posted[e]["in"] += amount
        elif op == "pay" and balance > 0:
            fen = min(amount, balance)
            approve(
                svc, S, funds.disbursement_action_hash(cid, project, fund, e, fen, False, f"P{i}", EVIDENCE)
            )
            funds.disburse(svc, S, project, fund, e, fen, DAY, ref=f"P{i}", evidence=EVIDENCE, signer=k)
            posted[e]["out"] += fen
            paid[project] = paid.get(project, 0) + fen
        elif op == "refund" and receipts:
            receipt, re = receipts[pick % len(receipts)]
            src = _trace(svc).receipts[receipt]
            fen = min(amount, src.unspent)
            if fen:
                approve(svc, S, funds.refund_action_hash(cid, receipt, fen, EVIDENCE))
                funds.refund(svc, S, receipt, fund, re, fen, DAY, EVIDENCE, signer=k)
                posted[re]["out"] += fen
        elif op == "return" and paid.get(project):
            fen = min(amount, paid[project])
            funds.return_unspent(svc, S, project, fund, e, fen, DAY, EVIDENCE, signer=k)
            paid[project] -= fen
            posted[e]["in"] += fen
    t = _trace(svc)
    for e in "ab":
        _, balance, sources, head, head_spent = chain_view(
            svc, "earmarkInfo", bytes.fromhex(cid[2:]), _b32(fund), _b32(e)
        )
        assert balance == posted[e]["in"] - posted[e]["out"] >= 0
        em = t.earmarks.get((fund, e))
        if em is None:
            assert sources == 0
            continue
        assert (em.balance, len(em.sources), em.head, em.head_spent) == (balance, sources, head, head_spent)
        assert sum(s.amount for s in em.sources) == posted[e]["in"]
        for idx, s in enumerate(em.sources):
            amount, refunded, _ = chain_view(
                svc, "sourceInfo", bytes.fromhex(cid[2:]), _b32(fund), _b32(e), idx
            )
            assert (s.amount, s.refunded) == (amount, refunded)
    mine = [p for p in t.payments if p.fund == fund]
    for p in mine:
        assert sum(fen for _, fen in p.paid_by) == p.amount
    assert sum(s.spent for (f, _), em in t.earmarks.items() if f == fund for s in em.sources) == sum(
        p.amount for p in mine
    )


def test_aRebuiltIndex_reproducesTheTrace(svc: LedgerService) -> None:
    k, cid = keeper(S), svc.community_id(S)
    funds.create_fund(svc, S, "rebuilt", "community", 10**15, signer=k)
    funds.open_project(svc, S, "rebuilt-p", "rebuilt", None, signer=k)
    for n in (1, 2):
        donor = "0x" + f"{n}".rjust(64, "e")
        funds.donate(svc, S, funds.Donation("rebuilt", f"RB-{n}", donor, "company", 700, DAY), signer=k)
    approve(
        svc,
        S,
        funds.disbursement_action_hash(cid, "rebuilt-p", "rebuilt", None, 1_000, False, "RB", EVIDENCE),
    )
    funds.disburse(svc, S, "rebuilt-p", "rebuilt", None, 1_000, DAY, ref="RB", evidence=EVIDENCE, signer=k)
    t = _trace(svc)
    assert [fen for _, fen in t.payments[-1].paid_by] == [700, 300]
    before = _dump(t)
    svc.indexer.rebuild()
    with svc.db.begin() as conn:
        after = _dump(community_trace(conn, svc.community_id(S)))
    assert after == before
