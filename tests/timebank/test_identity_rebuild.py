"""The minutes identity, property-based, read from the SQL index: random sequences of time-bank
operations on a real anvil (refusals included), indexed by the real indexer into SQLite; then
minted + rewarded = held (pool included) + redeemed + deducted from the index alone, every
holder's indexed balance equals the chain's, and a rebuild reproduces it all."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from web3.types import RPCEndpoint

from ledger_service.communities.commands import add_community, key_label
from ledger_service.core.errors import ContractRejected
from ledger_service.service import LedgerService
from ledger_service.timebank.encoding import POOL
from ledger_service.timebank.tables import TimebankMovement
from tests.api.helpers import new_service
from tests.contracts.harness import Community
from tests.contracts.timebank_harness import TimeBankHarness, b16, item_id, person

SLUG = "idx-lotus"
N = 3
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("mint"), st.integers(0, N - 1), st.integers(1, 1440)),
        st.tuples(st.just("reward"), st.integers(0, N), st.integers(1, 600)),
        st.tuples(st.just("deduct"), st.integers(0, N), st.integers(1, 900)),
        st.tuples(st.just("donate"), st.integers(0, N - 1), st.integers(1, 900)),
        st.tuples(st.just("grant"), st.integers(0, 0), st.integers(1, 900)),
        st.tuples(st.just("redeem"), st.integers(0, N), st.integers(1, 20)),
    ),
    min_size=1,
    max_size=14,
)


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerService]:
    """A real service (its own anvil, few blocks, so a rebuild is quick) with one community."""
    service = new_service(tmp_path_factory.mktemp("identity") / "home")
    try:
        add_community(service, SLUG, roles=("coordinator",))
        yield service
    finally:
        service.close()


def _from_index(svc: LedgerService, cid: str) -> tuple[dict[str, int], dict[str, int]]:
    mv = TimebankMovement
    with svc.db.begin() as conn:
        by_holder = conn.execute(
            select(mv.holder, func.sum(mv.amount)).where(mv.community == cid).group_by(mv.holder)
        ).all()
        by_kind = conn.execute(
            select(mv.kind, func.sum(mv.amount)).where(mv.community == cid).group_by(mv.kind)
        ).all()
    return {str(k): int(v) for k, v in by_holder}, {str(k): int(v) for k, v in by_kind}


def test_minutesIdentity_fromTheIndex_overRandomOperations_andAfterRebuild(svc: LedgerService) -> None:
    cid = svc.community_id(SLUG)
    c = Community(SLUG, bytes.fromhex(cid[2:]), {"coordinator": svc.account(key_label(SLUG, "coordinator"))})
    tb = TimeBankHarness(SimpleNamespace(w3=svc.w3, sender=svc.sender), svc.deployment.address("TimeBank"))  # type: ignore[arg-type]
    volunteers = [person(f"idx-v{i}") for i in range(N)]
    elder, proxy, helped = person("idx-elder"), person("idx-proxy"), person("idx-b")
    holders = [*volunteers, elder]
    item = item_id("idx-item")
    price = 45
    tb.set_item(c, item, "goods", price)
    tb.coord(c, "setElderly", elder.address, True)
    tb.coord(c, "setProxy", elder.address, proxy.address, True)
    refs = iter(range(1, 10**6))

    @given(ops=OPS)
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
    def run(ops: list[tuple[str, int, int]]) -> None:
        snap = svc.w3.provider.make_request(RPCEndpoint("evm_snapshot"), [])["result"]
        try:
            for op, who, amount in ops:
                try:
                    _apply(
                        tb,
                        c,
                        op,
                        who,
                        amount,
                        next(refs),
                        volunteers,
                        holders,
                        elder,
                        proxy,
                        helped,
                        item,
                        price,
                    )
                except ContractRejected as e:  # refusals change nothing; the contract tests name each
                    assert e.error_name == "TimeBankInsufficientBalance", e.message
            for attempt in ("indexed", "rebuilt"):
                svc.indexer.rebuild()
                by_holder, by_kind = _from_index(svc, cid)
                t = tb.totals(c)
                assert (by_kind.get("minted", 0), by_kind.get("rewarded", 0)) == (t["minted"], t["rewarded"])
                assert (-by_kind.get("redeemed", 0), -by_kind.get("deducted", 0)) == (
                    t["redeemed"],
                    t["deducted"],
                )
                held = sum(by_holder.values())
                assert t["minted"] + t["rewarded"] == held + t["redeemed"] + t["deducted"], attempt
                for address in [*(h.address for h in holders), POOL]:
                    assert by_holder.get(address.lower(), 0) == tb.balance(c, address), (attempt, address)
        finally:
            svc.w3.provider.make_request(RPCEndpoint("anvil_dropAllTransactions"), [])
            svc.w3.provider.make_request(RPCEndpoint("evm_revert"), [snap])
            svc.sender.resync(c.people["coordinator"].address)

    run()


def _apply(
    tb: TimeBankHarness, c: Any, op: str, who: int, amount: int, ref: int, volunteers: list[Any],
    holders: list[Any], elder: Any, proxy: Any, helped: Any, item: bytes, price: int,
) -> None:  # fmt: skip
    if op == "mint":
        tb.mint(c, [tb.record(ref, volunteers[who].address, helped.address, amount)])
    elif op == "reward":
        tb.coord(c, "reward", holders[who].address, amount, b16("helper"))
    elif op == "deduct":
        tb.coord(c, "deduct", holders[who].address, amount, b16("noise_violation"))
    elif op == "donate":
        tb.donate(c, volunteers[who], amount)
    elif op == "grant":
        tb.coord(c, "grant", elder.address, amount)
    else:
        h = holders[who]
        tb.redeem(c, h.address, proxy if h is elder else h, item, amount, amount * price)
