"""The Goods contract on a real anvil: roles per community, exactly-once sequence numbers, items
and receipts registered once, requests answered only by the community asked and never beyond
what they ask, stock never below zero, distributions only to a purpose, and no business date inside
a period that is already closed (in the giving or the receiving community)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ledger_service.revenue.encoding import day_number
from tests.contracts.harness import Community, Ledger, at, b16, b32, role_id
from tests.funds.harness import COMPANY, FundsHarness

DONOR = b"\xaa" * 32


@pytest.fixture
def goods(fresh: Ledger) -> FundsHarness:
    h = FundsHarness(fresh)
    for c in fresh.communities.values():
        h.staff(c)
    return h


def _seq(h: FundsHarness, c: Community) -> int:
    return int(h.ledger.call("Goods", "nextSeq", c.id)[0])


def _send(h: FundsHarness, who: Any, fn: str, c: Community, *args: Any) -> dict[str, Any]:
    return h.send_to("Goods", who, fn, c.id, _seq(h, c), *args)


def _rejects(h: FundsHarness, error: str, who: Any, fn: str, c: Community, *args: Any) -> dict[str, Any]:
    from ledger_service.core.errors import ContractRejected

    with pytest.raises(ContractRejected) as e:
        _send(h, who, fn, c, *args)
    assert e.value.error_name == error, e.value.message
    return e.value.error_args


def _stock(h: FundsHarness, c: Community, item: str) -> int:
    return int(h.ledger.call("Goods", "stockOf", c.id, b32(item))[1])


def test_goods_rolesItemsReceiptsAndStock(goods: FundsHarness, lotus: Community, bamboo: Community) -> None:
    today = day_number(goods.ledger.today())
    keeper_l, keeper_b = lotus.people["fund_keeper"], bamboo.people["fund_keeper"]
    err = _rejects(
        goods,
        "AccessMissingRole",
        lotus.people["accountant"],
        "registerItem",
        lotus,
        b32("coat"),
        b16("piece"),
    )
    assert err["role"] == "0x" + role_id("fund_keeper").hex()
    _send(goods, keeper_l, "registerItem", lotus, b32("coat"), b16("piece"))
    _rejects(goods, "GoodsInvalidItem", keeper_l, "registerItem", lotus, b32("coat"), b16("piece"))
    _rejects(
        goods,
        "GoodsUnknownItem",
        keeper_l,
        "donateGoods",
        lotus,
        b32("G-1"),
        b32("shoe"),
        1,
        DONOR,
        COMPANY,
        today,
        "",
    )
    _rejects(
        goods,
        "GoodsInvalidDonor",
        keeper_l,
        "donateGoods",
        lotus,
        b32("G-1"),
        b32("coat"),
        1,
        DONOR,
        9,
        today,
        "",
    )
    _rejects(
        goods,
        "GoodsQuantityOutOfRange",
        keeper_l,
        "donateGoods",
        lotus,
        b32("G-1"),
        b32("coat"),
        0,
        DONOR,
        COMPANY,
        today,
        "",
    )
    _rejects(
        goods,
        "GoodsFutureDate",
        keeper_l,
        "donateGoods",
        lotus,
        b32("G-1"),
        b32("coat"),
        1,
        DONOR,
        COMPANY,
        today + 1,
        "",
    )
    _send(goods, keeper_l, "donateGoods", lotus, b32("G-1"), b32("coat"), 300, DONOR, COMPANY, today, "")
    _rejects(
        goods,
        "GoodsReceiptUsed",
        keeper_l,
        "donateGoods",
        lotus,
        b32("G-1"),
        b32("coat"),
        1,
        DONOR,
        COMPANY,
        today,
        "",
    )
    assert _stock(goods, lotus, "coat") == 300
    # requests: not to oneself, only for an item the other community has
    _rejects(
        goods,
        "GoodsInvalidRequest",
        keeper_l,
        "requestGoods",
        lotus,
        b32("R"),
        lotus.id,
        b32("coat"),
        1,
        today,
    )
    _rejects(
        goods, "GoodsUnknownItem", keeper_b, "requestGoods", bamboo, b32("R"), lotus.id, b32("shoe"), 1, today
    )
    _send(goods, keeper_b, "requestGoods", bamboo, b32("R-1"), lotus.id, b32("coat"), 150, today)
    # only a committee member of the community asked approves, never beyond the request
    committee = lotus.people["committee"]
    _rejects(
        goods,
        "AccessMissingRole",
        keeper_l,
        "transferGoods",
        lotus,
        bamboo.id,
        b32("R-1"),
        150,
        today,
        b"\0" * 32,
    )
    _rejects(
        goods,
        "AccessMissingRole",
        bamboo.people["committee"],
        "transferGoods",
        lotus,
        bamboo.id,
        b32("R-1"),
        1,
        today,
        b"\0" * 32,
    )
    err = _rejects(
        goods,
        "GoodsRequestMismatch",
        committee,
        "transferGoods",
        lotus,
        bamboo.id,
        b32("R-1"),
        151,
        today,
        b"\0" * 32,
    )
    assert err["outstanding"] == 150
    _send(goods, committee, "transferGoods", lotus, bamboo.id, b32("R-1"), 100, today, b"\0" * 32)
    _send(goods, committee, "transferGoods", lotus, bamboo.id, b32("R-1"), 50, today, b"\0" * 32)
    assert (_stock(goods, lotus, "coat"), _stock(goods, bamboo, "coat")) == (150, 150)
    assert goods.ledger.call("Goods", "requestInfo", bamboo.id, b32("R-1"))[2:] == (150, 150)
    # distribution: a purpose, and never below zero
    _rejects(
        goods,
        "GoodsMissingPurpose",
        keeper_b,
        "distribute",
        bamboo,
        b32("coat"),
        1,
        b"\0" * 32,
        today,
        b"\0" * 32,
    )
    err = _rejects(
        goods,
        "GoodsInsufficientStock",
        keeper_b,
        "distribute",
        bamboo,
        b32("coat"),
        151,
        b32("relief"),
        today,
        b"\0" * 32,
    )
    assert (err["stock"], err["quantity"]) == (150, 151)
    _send(goods, keeper_b, "distribute", bamboo, b32("coat"), 150, b32("relief"), today, b"\0" * 32)
    assert _stock(goods, bamboo, "coat") == 0
    from ledger_service.core.errors import ContractRejected

    with pytest.raises(ContractRejected) as e:
        goods.send_to(
            "Goods",
            keeper_b,
            "distribute",
            bamboo.id,
            _seq(goods, bamboo) + 1,
            b32("coat"),
            1,
            b32("x"),
            today,
            b"\0" * 32,
        )
    assert e.value.error_name == "GoodsWrongSequence"


# -- closed periods ----------------------------------------------------------------------------------

Q1_END = dt.date(2026, 3, 31)


def _close_q1(h: FundsHarness, c: Community) -> None:
    """The accountant anchors 2026Q1's statement, which closes the community through 31 March."""
    led = h.ledger
    head = led.w3.eth.get_block("latest")
    led.send(
        c.people["accountant"], "AuditAnchor", "anchor", c.id, b16("2026Q1"), day_number(dt.date(2026, 1, 1)),
        day_number(Q1_END), b"\x07" * 32, b"\x08" * 32, 0, led.next_seq(c) - 1, head["number"],
        bytes(head["hash"]),
    )  # fmt: skip
    assert led.call("RevenueLedger", "closedThrough", c.id) == (day_number(Q1_END),)


def test_goodsDatedInAClosedPeriod_areRefusedAndChangeNothing_theDayAfterIsAccepted(
    goods: FundsHarness, lotus: Community, bamboo: Community
) -> None:
    goods.ledger.set_time(at(dt.date(2026, 4, 2)))
    keeper, keeper_b = lotus.people["fund_keeper"], bamboo.people["fund_keeper"]
    _send(goods, keeper, "registerItem", lotus, b32("coat"), b16("piece"))
    march = day_number(dt.date(2026, 3, 15))
    _send(goods, keeper, "donateGoods", lotus, b32("G-1"), b32("coat"), 40, DONOR, COMPANY, march, "")
    _close_q1(goods, lotus)
    seq, stock = _seq(goods, lotus), _stock(goods, lotus, "coat")
    for closed_day in (march, day_number(Q1_END)):
        err = _rejects(
            goods, "GoodsPeriodClosed", keeper, "donateGoods", lotus, b32("G-2"), b32("coat"), 25, DONOR,
            COMPANY, closed_day, "",
        )  # fmt: skip
        assert (err["businessDate"], err["closedThrough"]) == (closed_day, day_number(Q1_END))
    from ledger_service.core.errors import ContractRejected

    with pytest.raises(ContractRejected) as e:
        _send(goods, keeper, "donateGoods", lotus, b32("G-2"), b32("coat"), 1, DONOR, COMPANY, march, "")
    assert "2026-03-15 is inside a closed period" in e.value.message and "2026-03-31" in e.value.message
    _rejects(
        goods, "GoodsPeriodClosed", keeper, "distribute", lotus, b32("coat"), 5, b32("relief"),
        day_number(Q1_END), b"\0" * 32,
    )  # fmt: skip
    _rejects(
        goods, "GoodsPeriodClosed", keeper, "requestGoods", lotus, b32("R-9"), bamboo.id, b32("coat"), 1,
        day_number(Q1_END),
    )  # fmt: skip
    # nothing changed: the same sequence number, the same stock, receipt G-2 still unused
    assert (_seq(goods, lotus), _stock(goods, lotus, "coat")) == (seq, stock)
    april_first = day_number(Q1_END + dt.timedelta(days=1))
    r = _send(
        goods, keeper, "donateGoods", lotus, b32("G-2"), b32("coat"), 25, DONOR, COMPANY, april_first, ""
    )
    [donated] = goods.ledger.logs(r, "Goods", "GoodsDonated")
    assert (donated["businessDate"], donated["quantity"]) == (april_first, 25)
    assert (_seq(goods, lotus), _stock(goods, lotus, "coat")) == (seq + 1, stock + 25)
    # a transfer is checked in both communities: lotus is closed through March, bamboo is open
    _send(goods, keeper_b, "requestGoods", bamboo, b32("R-1"), lotus.id, b32("coat"), 10, april_first)
    committee = lotus.people["committee"]
    _rejects(
        goods, "GoodsPeriodClosed", committee, "transferGoods", lotus, bamboo.id, b32("R-1"), 10,
        day_number(Q1_END), b"\0" * 32,
    )  # fmt: skip
    _send(goods, committee, "transferGoods", lotus, bamboo.id, b32("R-1"), 10, april_first, b"\0" * 32)
    assert (_stock(goods, lotus, "coat"), _stock(goods, bamboo, "coat")) == (stock + 15, 10)


def test_aTransferIntoACommunityWhosePeriodIsClosed_isRefused(
    goods: FundsHarness, lotus: Community, bamboo: Community
) -> None:
    goods.ledger.set_time(at(dt.date(2026, 4, 2)))
    keeper, keeper_b = lotus.people["fund_keeper"], bamboo.people["fund_keeper"]
    march = day_number(dt.date(2026, 3, 20))
    _send(goods, keeper, "registerItem", lotus, b32("rice"), b16("kg"))
    _send(goods, keeper, "donateGoods", lotus, b32("G-1"), b32("rice"), 100, DONOR, COMPANY, march, "")
    _send(goods, keeper_b, "requestGoods", bamboo, b32("R-1"), lotus.id, b32("rice"), 30, march)
    _close_q1(goods, bamboo)
    err = _rejects(
        goods, "GoodsPeriodClosed", lotus.people["committee"], "transferGoods", lotus, bamboo.id, b32("R-1"),
        30, march, b"\0" * 32,
    )  # fmt: skip
    assert err["community"] == "0x" + bamboo.id.hex()
    assert (_stock(goods, lotus, "rice"), _stock(goods, bamboo, "rice")) == (100, 0)
