"""Funds on a real anvil, without approvals: roles, sequence numbers, funds, earmarks, projects,
donations (donor types, receipts, formulas, public names), money from a revenue policy, the FIFO
queue's bookkeeping, project acceptance, and every refusal that comes before an approval
(another purpose, no acceptance, unknown project). Disbursements that need an approved proposal
are in test_funds_disbursements.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from eth_abi import encode

from ledger_service.core.errors import ContractRejected
from ledger_service.revenue.encoding import day_number
from tests.contracts.harness import Community, Ledger, b16, b32, role_id
from tests.funds.harness import BANK, CHARITY, COMPANY, GOVERNMENT, RESIDENT, FundsHarness, Gift

D = dt.date


@pytest.fixture
def funds(fresh: Ledger) -> FundsHarness:
    h = FundsHarness(fresh)
    for c in fresh.communities.values():
        h.staff(c)
    return h


def _today(led: Ledger) -> D:
    return led.today()


def _gift(led: Ledger, receipt: str, amount: int, donor_type: int = RESIDENT, **kw: Any) -> Gift:
    kw.setdefault("fund", "community")
    kw.setdefault("earmark", "")
    return Gift(
        receipt=receipt, donor=b"\xaa" * 32, amount=amount, date=_today(led), donor_type=donor_type, **kw
    )


# -- roles and sequence numbers ------------------------------------------------------------------


def test_writes_needTheFundKeeperRole_inThatCommunity(
    funds: FundsHarness, fresh: Ledger, lotus: Community, bamboo: Community
) -> None:
    for who in (lotus.people["accountant"], lotus.people["committee"], bamboo.people["fund_keeper"]):
        args = funds.rejects(
            "AccessMissingRole", who, "createFund", lotus.id, 1, b32("x"), b16("community"), 0
        )
        assert args["role"] == "0x" + role_id("fund_keeper").hex()
    funds.create_fund(lotus, "community")
    funds.open_project(lotus, "p1", "community", "general")
    # acceptance is the resident representatives' alone
    funds.rejects(
        "AccessMissingRole",
        lotus.people["fund_keeper"],
        "acceptProject",
        lotus.id,
        3,
        b32("p1"),
        day_number(_today(fresh)),
        b"\1" * 32,
    )


def test_aWrongSequenceNumber_isRefused_andNothingChanges(funds: FundsHarness, lotus: Community) -> None:
    args = funds.rejects(
        "FundsWrongSequence", lotus.people["fund_keeper"], "createFund", lotus.id, 2, b32("c"), b16("k"), 0
    )
    assert (args["expected"], args["given"]) == (1, 2)
    funds.create_fund(lotus, "c")
    funds.rejects(
        "FundsWrongSequence", lotus.people["fund_keeper"], "openEarmark", lotus.id, 1, b32("c"), b32("e")
    )
    assert funds.seq(lotus) == 2


def test_fundsAndEarmarks_areCreatedOnce_perCommunity(
    funds: FundsHarness, lotus: Community, bamboo: Community
) -> None:
    r = funds.create_fund(lotus, "mutual_aid", "mutual_aid", 5_000_000)
    [ev] = funds.logs(r, "FundCreated")
    assert (ev["fund"], ev["kind"], ev["ownersThreshold"]) == (
        b32("mutual_aid"),
        b16("mutual_aid"),
        5_000_000,
    )
    assert funds.call("fundInfo", lotus.id, b32("mutual_aid")) == (True, b16("mutual_aid"), 5_000_000)
    assert funds.earmark(lotus, "mutual_aid", "general")["open"] is True
    funds.rejects(
        "FundsFundExists",
        lotus.people["fund_keeper"],
        "createFund",
        lotus.id,
        funds.seq(lotus),
        b32("mutual_aid"),
        b16("x"),
        0,
    )
    funds.rejects(
        "FundsFundExists",
        lotus.people["fund_keeper"],
        "createFund",
        lotus.id,
        funds.seq(lotus),
        b"\0" * 32,
        b16("x"),
        0,
    )
    # another community has its own namespace
    funds.create_fund(bamboo, "mutual_aid")
    funds.open_earmark(lotus, "mutual_aid", "canteen")
    funds.rejects(
        "FundsEarmarkExists",
        lotus.people["fund_keeper"],
        "openEarmark",
        lotus.id,
        funds.seq(lotus),
        b32("mutual_aid"),
        b32("canteen"),
    )
    funds.rejects(
        "FundsEarmarkExists",
        lotus.people["fund_keeper"],
        "openEarmark",
        lotus.id,
        funds.seq(lotus),
        b32("mutual_aid"),
        b32("general"),
    )
    funds.rejects(
        "FundsUnknownFund",
        lotus.people["fund_keeper"],
        "openEarmark",
        lotus.id,
        funds.seq(lotus),
        b32("nope"),
        b32("x"),
    )
    assert funds.earmark(bamboo, "mutual_aid", "canteen")["open"] is False


def test_projects_belongToOneOpenEarmark_andNeedOneTo15Acceptances(
    funds: FundsHarness, lotus: Community
) -> None:
    funds.create_fund(lotus, "community")
    keeper = lotus.people["fund_keeper"]
    funds.rejects(
        "FundsUnknownEarmark",
        keeper,
        "openProject",
        lotus.id,
        funds.seq(lotus),
        b32("p"),
        b32("community"),
        b32("playground"),
        0,
        1,
    )
    funds.open_earmark(lotus, "community", "playground")
    for bad in (0, 16):
        funds.rejects(
            "FundsInvalidProject",
            keeper,
            "openProject",
            lotus.id,
            funds.seq(lotus),
            b32("p"),
            b32("community"),
            b32("playground"),
            0,
            bad,
        )
    r = funds.open_project(lotus, "p", "community", "playground", 700_000_00, 3)
    [ev] = funds.logs(r, "ProjectOpened")
    assert (ev["earmark"], ev["budget"], ev["acceptancesRequired"]) == (b32("playground"), 700_000_00, 3)
    funds.rejects(
        "FundsInvalidProject",
        keeper,
        "openProject",
        lotus.id,
        funds.seq(lotus),
        b32("p"),
        b32("community"),
        b32("playground"),
        0,
        1,
    )


# -- donations ------------------------------------------------------------------------------------


def test_donations_ofEveryDonorType_areSourcesInArrivalOrder(
    funds: FundsHarness, fresh: Ledger, lotus: Community
) -> None:
    funds.create_fund(lotus, "community")
    funds.open_earmark(lotus, "community", "canteen")
    amounts = {
        RESIDENT: 1_000_00,
        COMPANY: 500_000_00,
        BANK: 200_000_00,
        CHARITY: 300_000_00,
        GOVERNMENT: 50_000_00,
    }
    for i, (dtype, amount) in enumerate(amounts.items()):
        r = funds.donate(lotus, _gift(fresh, f"R-{i}", amount, dtype, earmark="canteen"))
        [ev] = funds.logs(r, "DonationReceived")
        assert (ev["donorType"], ev["amount"], ev["source"], ev["receipt"]) == (
            dtype,
            amount,
            i,
            b32(f"R-{i}"),
        )
        assert ev["publicName"] == ""
    info = funds.earmark(lotus, "community", "canteen")
    assert info == {"open": True, "balance": sum(amounts.values()), "sources": 5, "head": 0, "head_spent": 0}
    assert [funds.source(lotus, "community", "canteen", i) for i in range(5)] == [
        (a, 0, 1) for a in amounts.values()
    ]


def test_aDonationWithoutEarmark_goesToGeneral_andAnUnknownEarmarkIsRefused(
    funds: FundsHarness, fresh: Ledger, lotus: Community
) -> None:
    funds.create_fund(lotus, "community")
    r = funds.donate(lotus, _gift(fresh, "G-1", 500))
    assert funds.logs(r, "DonationReceived")[0]["earmark"] == b32("general")
    assert funds.earmark(lotus, "community", "general")["balance"] == 500
    err = funds.rejects(
        "FundsUnknownEarmark",
        lotus.people["fund_keeper"],
        "donate",
        lotus.id,
        funds.seq(lotus),
        _gift(fresh, "G-2", 1, earmark="nope").tuple(),
    )
    assert err["earmark"] == "0x" + b32("nope").hex()
    funds.rejects(
        "FundsUnknownFund",
        lotus.people["fund_keeper"],
        "donate",
        lotus.id,
        funds.seq(lotus),
        _gift(fresh, "G-2", 1, fund="nope").tuple(),
    )


def test_aReceiptNumber_isUsedOnce_perCommunity(
    funds: FundsHarness, fresh: Ledger, lotus: Community, bamboo: Community
) -> None:
    for c in (lotus, bamboo):
        funds.create_fund(c, "community")
    funds.donate(lotus, _gift(fresh, "R-1", 100))
    funds.rejects(
        "FundsReceiptUsed",
        lotus.people["fund_keeper"],
        "donate",
        lotus.id,
        funds.seq(lotus),
        _gift(fresh, "R-1", 100).tuple(),
    )
    funds.rejects(
        "FundsReceiptUsed",
        lotus.people["fund_keeper"],
        "donate",
        lotus.id,
        funds.seq(lotus),
        _gift(fresh, "", 100).tuple(),
    )
    funds.donate(bamboo, _gift(fresh, "R-1", 100))  # another community's receipt book


@pytest.mark.parametrize(
    "change",
    [
        {"donor_type": 0},
        {"donor_type": 6},
        {"donor": b"\0" * 32},
        {"formula_kind": 1, "formula_rate": 50, "formula_units": 100},  # a formula on a resident's gift
        {"donor_type": GOVERNMENT, "formula_kind": 3, "formula_rate": 50, "formula_units": 100},
        {"donor_type": GOVERNMENT, "formula_kind": 1, "formula_rate": 50, "formula_units": 0},
        {"donor_type": GOVERNMENT, "formula_rate": 50},  # a rate without a formula
        # what the formula gives must stay below 2^53 fen (statements are JSON): per resident, and
        # per area (units of 0.01 m², so a hundred times more units before it overflows)
        {"donor_type": GOVERNMENT, "formula_kind": 2, "formula_rate": 10**8, "formula_units": 10**8},
        {
            "donor_type": GOVERNMENT,
            "formula_kind": 1,
            "formula_rate": 2**27,
            "formula_units": 2**26 * 100 + 100,
        },
    ],
)
def test_aMalformedDonor_isRefused(
    funds: FundsHarness, fresh: Ledger, lotus: Community, change: dict[str, Any]
) -> None:
    funds.create_fund(lotus, "community")
    g = _gift(fresh, "R-1", 100)
    for k, v in change.items():
        setattr(g, k, v)
    funds.rejects("FundsInvalidDonor", lotus.people["fund_keeper"], "donate", lotus.id, 2, g.tuple())
    assert funds.earmark(lotus, "community", "general")["balance"] == 0


def test_aGrantFormula_atTheLargestAmount_isTaken(
    funds: FundsHarness, fresh: Ledger, lotus: Community
) -> None:
    """The formula's bound is exact: per area, rate x units / 100 = 2^53 - 1 fen is taken."""
    funds.create_fund(lotus, "community")
    g = _gift(fresh, "R-1", 100)
    g.donor_type, g.formula_kind, g.formula_rate, g.formula_units = GOVERNMENT, 1, 2**53 - 1, 100
    funds.send(lotus.people["fund_keeper"], "donate", lotus.id, 2, g.tuple())
    assert funds.earmark(lotus, "community", "general")["balance"] == 100


def test_amountsDatesAndNames_areChecked(funds: FundsHarness, fresh: Ledger, lotus: Community) -> None:
    funds.create_fund(lotus, "community")
    keeper = lotus.people["fund_keeper"]
    for amount in (0, 2**53):
        funds.rejects(
            "FundsAmountOutOfRange", keeper, "donate", lotus.id, 2, _gift(fresh, "R", amount).tuple()
        )
    g = _gift(fresh, "R", 100)
    g.date = _today(fresh) + dt.timedelta(days=1)
    err = funds.rejects("FundsBadDate", keeper, "donate", lotus.id, 2, g.tuple())
    assert err["today"] == day_number(_today(fresh))
    funds.rejects(
        "FundsInvalidPublicName",
        keeper,
        "donate",
        lotus.id,
        2,
        _gift(fresh, "R", 100, public_name="x" * 65).tuple(),
    )
    r = funds.donate(lotus, _gift(fresh, "R", 100, public_name="Lotus Bakery"))
    assert funds.logs(r, "DonationReceived")[0]["publicName"] == "Lotus Bakery"


def test_aGovernmentGrant_carriesItsFormula(funds: FundsHarness, fresh: Ledger, lotus: Community) -> None:
    funds.create_fund(lotus, "grants", "grant")
    g = _gift(
        fresh,
        "GOV-1",
        13_500_00,
        GOVERNMENT,
        fund="grants",
        formula_kind=1,
        formula_rate=50,
        formula_units=2_700_000,
    )
    [ev] = funds.logs(funds.donate(lotus, g), "DonationReceived")
    assert (ev["formulaKind"], ev["formulaRate"], ev["formulaUnits"]) == (1, 50, 2_700_000)


def test_crowdfundingShares_inOneBatch_keepTheirOwnReceipts(
    funds: FundsHarness, fresh: Ledger, lotus: Community
) -> None:
    funds.create_fund(lotus, "community")
    funds.open_earmark(lotus, "community", "playground")
    gifts = [
        Gift(
            "community",
            "playground",
            f"CF-{i:03d}",
            bytes([i + 1]) * 32,
            1_000_00,
            _today(fresh),
            RESIDENT,
            campaign="playground-2026",
            rights="naming" if i == 0 else "",
        )
        for i in range(20)
    ]
    first = funds.seq(lotus)
    r = funds.donate_batch(lotus, gifts)
    evs = funds.logs(r, "DonationReceived")
    assert [e["seq"] for e in evs] == list(range(first, first + 20))
    assert {e["campaign"] for e in evs} == {b32("playground-2026")} and evs[0]["rights"] == b16("naming")
    assert funds.seq(lotus) == first + 20
    assert funds.earmark(lotus, "community", "playground")["balance"] == 20 * 1_000_00
    funds.rejects(
        "FundsMalformedBatch", lotus.people["fund_keeper"], "donateBatch", lotus.id, funds.seq(lotus), []
    )


# -- money from the revenue policy ----------------------------------------------------------------


def _transfer_args(led: Ledger, c: Community, amount: int, data: bytes, sink: str) -> tuple:
    return (
        c.id,
        led.next_seq(c),
        b32("mutual_aid"),
        amount,
        day_number(led.today()),
        sink,
        b32("TR-1"),
        data,
    )


def test_aRevenuePolicyFeedsAFund_asAFromRevenueSource(
    funds: FundsHarness, fresh: Ledger, lotus: Community
) -> None:
    """18 % of elevator ads go to a policy bucket; the accountant transfers it into the mutual-aid fund."""
    fresh.activate(lotus, ["maintenance", "mutual_aid"], [8200, 1800], D(2026, 1, 1))
    fresh.income(lotus, 120_000_00, fresh.today())
    assert fresh.balance(lotus, "mutual_aid") == 21_600_00
    funds.create_fund(lotus, "mutual_aid", "mutual_aid")
    data = encode(["bytes32", "bytes32"], [b32("mutual_aid"), b"\0" * 32])
    rseq = fresh.next_seq(lotus)
    r = fresh.send(
        lotus.people["accountant"],
        "RevenueLedger",
        "transferOut",
        *_transfer_args(fresh, lotus, 21_600_00, data, funds.address),
    )
    [ev] = funds.logs(r, "RevenueReceived")
    assert (ev["revenueSeq"], ev["bucket"], ev["amount"], ev["earmark"], ev["source"]) == (
        rseq,
        b32("mutual_aid"),
        21_600_00,
        b32("general"),
        0,
    )
    assert fresh.balance(lotus, "mutual_aid") == 0
    assert funds.earmark(lotus, "mutual_aid", "general")["balance"] == 21_600_00
    assert funds.source(lotus, "mutual_aid", "general", 0) == (21_600_00, 0, 2)


def test_aTransferToAnUnknownEarmark_isRefusedWhole(
    funds: FundsHarness, fresh: Ledger, lotus: Community
) -> None:
    fresh.activate(lotus, ["maintenance", "mutual_aid"], [8200, 1800], D(2026, 1, 1))
    fresh.income(lotus, 10_000_00, fresh.today())
    funds.create_fund(lotus, "mutual_aid")
    data = encode(["bytes32", "bytes32"], [b32("mutual_aid"), b32("nope")])
    seq = fresh.next_seq(lotus)
    with pytest.raises(ContractRejected) as refused:
        funds.send_to(
            "RevenueLedger",
            lotus.people["accountant"],
            "transferOut",
            *_transfer_args(fresh, lotus, 1_000_00, data, funds.address),
        )
    assert refused.value.error_name == "FundsUnknownEarmark"
    assert fresh.balance(lotus, "mutual_aid") == 1_800_00 and fresh.next_seq(lotus) == seq


def test_onlyTheRevenueLedger_canPayIntoAFundFromRevenue(funds: FundsHarness, lotus: Community) -> None:
    funds.create_fund(lotus, "mutual_aid")
    data = encode(["bytes32", "bytes32"], [b32("mutual_aid"), b"\0" * 32])
    args = funds.rejects(
        "FundsOnlyRevenueLedger",
        lotus.people["accountant"],
        "onRevenueTransfer",
        lotus.id,
        1,
        b32("x"),
        100,
        1,
        data,
    )
    assert args["caller"] == lotus.people["accountant"].address


# -- projects: purpose and acceptance, before any approval -----------------------------------------


def _disburse_args(
    c: Community, seq: int, project: str, earmark: str, amount: int, final: bool, when: D
) -> tuple:
    return (
        c.id,
        seq,
        b32(project),
        b32("community"),
        b32(earmark),
        amount,
        final,
        day_number(when),
        b32("INV-1"),
        b"\7" * 32,
    )


def test_anEarmark_neverPaysForAnotherPurpose(funds: FundsHarness, fresh: Ledger, lotus: Community) -> None:
    """AS-7: paying a parking repaint from canteen money is refused."""
    funds.create_fund(lotus, "community")
    for e in ("canteen", "parking"):
        funds.open_earmark(lotus, "community", e)
    funds.donate(lotus, _gift(fresh, "F-1", 300_000_00, CHARITY, earmark="canteen"))
    funds.open_project(lotus, "parking-repaint", "community", "parking")
    err = funds.rejects(
        "FundsWrongPurpose",
        lotus.people["fund_keeper"],
        "disburse",
        *_disburse_args(
            lotus, funds.seq(lotus), "parking-repaint", "canteen", 10_000_00, False, _today(fresh)
        ),
    )
    assert err["earmark"] == "0x" + b32("canteen").hex()
    assert funds.earmark(lotus, "community", "canteen")["balance"] == 300_000_00
    funds.rejects(
        "FundsUnknownProject",
        lotus.people["fund_keeper"],
        "disburse",
        *_disburse_args(lotus, funds.seq(lotus), "nope", "canteen", 1, False, _today(fresh)),
    )


def test_aFinalPayment_needsTheRepresentativesAcceptances(
    funds: FundsHarness, fresh: Ledger, lotus: Community
) -> None:
    funds.create_fund(lotus, "community")
    funds.open_earmark(lotus, "community", "playground")
    funds.donate(lotus, _gift(fresh, "C-1", 500_000_00, COMPANY, earmark="playground"))
    funds.open_project(lotus, "playground", "community", "playground", reps=2)
    keeper = lotus.people["fund_keeper"]
    err = funds.rejects(
        "FundsNotAccepted",
        keeper,
        "disburse",
        *_disburse_args(lotus, funds.seq(lotus), "playground", "playground", 1, True, _today(fresh)),
    )
    assert (err["acceptances"], err["required"]) == (0, 2)
    r = funds.accept(lotus, "rep1", "playground", _today(fresh))
    assert funds.logs(r, "ProjectAccepted")[0]["acceptances"] == 1
    funds.rejects(
        "FundsAlreadyAccepted",
        lotus.people["rep1"],
        "acceptProject",
        lotus.id,
        funds.seq(lotus),
        b32("playground"),
        day_number(_today(fresh)),
        b"\5" * 32,
    )
    err = funds.rejects(
        "FundsNotAccepted",
        keeper,
        "disburse",
        *_disburse_args(lotus, funds.seq(lotus), "playground", "playground", 1, True, _today(fresh)),
    )
    assert err["acceptances"] == 1
    funds.accept(lotus, "rep2", "playground", _today(fresh))
    assert funds.project(lotus, "playground")["acceptances"] == 2
