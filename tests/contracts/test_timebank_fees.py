"""Property-fee discounts (TB-8) on a real anvil: the owners' terms (committee; governance when
set), paid by RevenueLedger.transferOut from a funded bucket into TimeBank.onRevenueTransfer,
which checks the exact integer rule, the bucket, both caps per period and the holder's (or
proxy's) signature, burns the minutes and records the payment. Plus an ERC-1271 contract wallet
signing as beneficiary and as holder."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from eth_utils import to_checksum_address

from ledger_service.chain.compile import _run_node, compiler_settings
from ledger_service.core.config import PROJECT_ROOT
from ledger_service.revenue.encoding import day_number
from ledger_service.timebank.signing import (
    fee_discount_data,
    fee_discount_digest,
    fee_discount_fen,
    sign_digest,
)
from tests.contracts.harness import Community, Ledger, at, b32
from tests.contracts.timebank_harness import (
    NO_DEADLINE,
    TimeBankHarness,
    approve_action,
    b16,
    item_id,
    person,
)

D = dt.date
RATE = 1_500  # fen per hour the owners approved (15 yuan)
CAP_HOLDER = 9_000  # fen per holder per quarter
CAP_TOTAL = 15_000  # fen per community per quarter


@pytest.fixture
def tb(fresh: Ledger) -> TimeBankHarness:
    return TimeBankHarness(fresh, fresh.address("TimeBank"))


def _fund(led: Ledger, c: Community, amount: int = 1_000_000) -> None:
    """welfare gets 40 % of one income dated 2026-01-01."""
    led.activate(c, ["maintenance", "welfare", "operations"], [5000, 4000, 1000], D(2026, 1, 1))
    led.income(c, amount, D(2026, 1, 1))


def _terms(
    tb: TimeBankHarness, c: Community, bucket: str = "welfare", rate: int = RATE, months: int = 3
) -> dict[str, Any]:
    """Terms the owners voted for (a Governance proposal for exactly this action), then set."""
    args = (b32(bucket), rate, CAP_HOLDER, CAP_TOTAL, months)
    approve_action(tb.ledger, c, tb.call("feeTermsActionHash", c.id, *args)[0])
    return tb.send(c.people["committee"], "setFeeTerms", c.id, tb.seq(c), *args)


def _minutes(tb: TimeBankHarness, c: Community, holder: str, minutes: int, ref: int) -> None:
    tb.mint(c, [tb.record(ref, holder, person(f"ben-{ref}").address, minutes)])


def _discount(
    led: Ledger,
    tb: TimeBankHarness,
    c: Community,
    holder: Any,
    minutes: int,
    fen: int | None = None,
    *,
    bucket: str = "welfare",
    signer: Any = None,
    nonce: int | None = None,
    signed_fen: int | None = None,
) -> dict[str, Any]:
    """The accountant's transferOut paying a fee discount for ``holder``'s ``minutes``."""
    address = holder if isinstance(holder, str) else holder.address
    fen = fee_discount_fen(minutes, RATE) if fen is None else fen
    nonce = tb.nonce(c, address) if nonce is None else nonce
    digest = fee_discount_digest(
        tb.domain, c.id, address, minutes, signed_fen if signed_fen is not None else fen, b32(bucket), nonce,
        NO_DEADLINE,
    )  # fmt: skip
    sig = sign_digest(signer or holder, digest)
    data = fee_discount_data(address, minutes, nonce, NO_DEADLINE, sig)
    return led.send(
        c.people["accountant"], "RevenueLedger", "transferOut", c.id, led.next_seq(c), b32(bucket), fen,
        day_number(led.today()), tb.address, b32("FEE-1"), data,
    )  # fmt: skip


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def _refused(led: Ledger, error: str, fn: Any, *args: Any, **kw: Any) -> dict[str, Any]:
    from ledger_service.core.errors import ContractRejected

    try:
        fn(*args, **kw)
    except ContractRejected as e:
        assert e.error_name == error, f"expected {error}, got {e.error_name}: {e.message}"
        return e.error_args
    raise AssertionError(f"accepted; expected {error}")


def _state(led: Ledger, tb: TimeBankHarness, c: Community, holder: str) -> tuple[Any, ...]:
    return (
        led.balance(c, "welfare"),
        led.next_seq(c),
        tb.balance(c, holder),
        tb.nonce(c, holder),
        tuple(tb.totals(c).values()),
        tb.call("feePaid", c.id, holder, day_number(led.today())),
    )


def test_feeDiscount_paysFromTheBucket_burnsTheMinutes_andIsRevenueSpending(
    fresh: Ledger, tb: TimeBankHarness, lotus: Community
) -> None:
    _fund(fresh, lotus)
    v = person("fee-v")
    _minutes(tb, lotus, v.address, 600, 1)
    [terms] = tb.logs(_terms(tb, lotus), "FeeTermsSet")
    assert (terms["ratePerHour"], terms["capPerHolder"], terms["capTotal"], terms["periodMonths"]) == (
        RATE, CAP_HOLDER, CAP_TOTAL, 3,
    )  # fmt: skip
    assert terms["proposalId"] >= 1  # the owners' approved proposal, used up
    welfare, seq = fresh.balance(lotus, "welfare"), fresh.next_seq(lotus)
    receipt = _discount(fresh, tb, lotus, v, 240)  # 240 min x 1,500 fen/h / 60 = 6,000 fen
    print("\nfee discount (transferOut -> onRevenueTransfer) gas:", int(receipt["gasUsed"], 16))  # noqa: T201
    [out] = fresh.logs(receipt, "RevenueLedger", "TransferredOut")
    [fee] = tb.logs(receipt, "FeeDiscountRedeemed")
    assert out["amount"] == fee["fen"] == 240 * RATE // 60 and out["seq"] == fee["revenueSeq"] == seq
    assert out["bucket"] == fee["bucket"] == b32("welfare") and _same(out["sink"], tb.address)
    assert fee["amount"] == 240 and _same(fee["holder"], v.address) and int(fee["proxy"], 16) == 0
    assert fresh.balance(lotus, "welfare") == welfare - 6_000
    assert tb.balance(lotus, v.address) == 360
    assert tb.totals(lotus) == {"minted": 600, "rewarded": 0, "redeemed": 240, "deducted": 0}
    assert tb.call("feePaid", lotus.id, v.address, day_number(fresh.today())) == (6_000, 6_000)


def test_feeDiscount_exactIntegerRule_andWrongAmountsOrBucketsAreRefused(
    fresh: Ledger, tb: TimeBankHarness, lotus: Community
) -> None:
    _fund(fresh, lotus)
    v = person("fee-r")
    _minutes(tb, lotus, v.address, 600, 1)
    _terms(tb, lotus)
    before = _state(fresh, tb, lotus, v.address)
    # 7 minutes at 1,500 fen/h are 175 fen exactly; 176 is refused
    args = _refused(fresh, "TimeBankFeeAmountMismatch", _discount, fresh, tb, lotus, v, 7, 176)
    assert (args["expected"], args["given"]) == (175, 176)
    # the signed amount must be what is paid
    _refused(fresh, "TimeBankUnauthorizedSigner", _discount, fresh, tb, lotus, v, 7, 175, signed_fen=170)
    # another bucket than the approved one
    args = _refused(fresh, "TimeBankFeeWrongBucket", _discount, fresh, tb, lotus, v, 60, bucket="operations")
    assert args["expected"] == "0x" + b32("welfare").hex()
    assert _state(fresh, tb, lotus, v.address) == before
    [fee] = tb.logs(_discount(fresh, tb, lotus, v, 7, 175), "FeeDiscountRedeemed")
    assert fee["fen"] == 175


def test_feeDiscount_overTheCap_isRefused_andTheNextPeriodStartsAfresh(
    fresh: Ledger, tb: TimeBankHarness, lotus: Community
) -> None:
    _fund(fresh, lotus)
    fresh.set_time(at(D(2026, 3, 30)))
    v, w = person("cap-v"), person("cap-w")
    _minutes(tb, lotus, v.address, 1_000, 1)
    _minutes(tb, lotus, w.address, 1_000, 2)
    _terms(tb, lotus)
    _discount(fresh, tb, lotus, v, 360)  # 9,000 fen: v's whole quarter
    before = _state(fresh, tb, lotus, v.address)
    args = _refused(fresh, "TimeBankFeeCapExceeded", _discount, fresh, tb, lotus, v, 4)
    assert _same(args["holder"], v.address) and (args["paid"], args["amount"], args["cap"]) == (
        9_000,
        100,
        CAP_HOLDER,
    )
    assert _state(fresh, tb, lotus, v.address) == before
    _discount(fresh, tb, lotus, w, 240)  # 6,000: the community has paid 15,000, its cap
    args = _refused(fresh, "TimeBankFeeCapExceeded", _discount, fresh, tb, lotus, w, 4)
    assert int(args["holder"], 16) == 0 and (args["paid"], args["cap"]) == (15_000, CAP_TOTAL)
    # 2026-04-01 is in the second quarter: both caps start again
    fresh.set_time(at(D(2026, 4, 1)))
    _discount(fresh, tb, lotus, v, 4)
    assert tb.call("feePaid", lotus.id, v.address, day_number(D(2026, 4, 1))) == (100, 100)
    assert tb.call("feePaid", lotus.id, v.address, day_number(D(2026, 3, 31))) == (9_000, 15_000)


def test_feeDiscount_fromAnEmptyBucket_isRefused_andChangesNothing(
    fresh: Ledger, tb: TimeBankHarness, bamboo: Community
) -> None:
    fresh.activate(bamboo, ["maintenance", "welfare"], [6000, 4000], D(2026, 1, 1))  # nothing received
    v = person("empty-v")
    _minutes(tb, bamboo, v.address, 600, 1)
    _terms(tb, bamboo)
    before = _state(fresh, tb, bamboo, v.address)
    args = _refused(fresh, "RevenueInsufficientBalance", _discount, fresh, tb, bamboo, v, 60)
    assert (args["balance"], args["amount"]) == (0, 1_500)
    assert _state(fresh, tb, bamboo, v.address) == before


def test_feeDiscount_needsTermsTheHoldersMinutesAndTheirSignature(
    fresh: Ledger, tb: TimeBankHarness, lotus: Community
) -> None:
    _fund(fresh, lotus)
    v, stranger, proxy = person("sig-v"), person("sig-s"), person("sig-p")
    _minutes(tb, lotus, v.address, 120, 1)
    _refused(fresh, "TimeBankNoFeeTerms", _discount, fresh, tb, lotus, v, 60)
    _terms(tb, lotus)
    _refused(fresh, "TimeBankInsufficientBalance", _discount, fresh, tb, lotus, v, 180)
    _refused(fresh, "TimeBankUnauthorizedSigner", _discount, fresh, tb, lotus, v.address, 60, signer=stranger)
    _refused(fresh, "TimeBankUnauthorizedSigner", _discount, fresh, tb, lotus, v.address, 60, signer=proxy)
    tb.coord(lotus, "setProxy", v.address, proxy.address, True)
    [fee] = tb.logs(_discount(fresh, tb, lotus, v.address, 60, signer=proxy), "FeeDiscountRedeemed")
    assert _same(fee["holder"], v.address) and _same(fee["proxy"], proxy.address)
    # the same signature again: its nonce is used
    _refused(fresh, "TimeBankWrongNonce", _discount, fresh, tb, lotus, v, 60, nonce=0)
    # withdrawn terms (rate 0) stop discounts
    _terms(tb, lotus, rate=0)
    _refused(fresh, "TimeBankNoFeeTerms", _discount, fresh, tb, lotus, v, 60)


def test_onRevenueTransfer_onlyFromTheRevenueLedger(
    fresh: Ledger, tb: TimeBankHarness, lotus: Community
) -> None:
    _terms(tb, lotus)
    args = tb.rejects(
        "TimeBankOnlyRevenueLedger", fresh.outsider, "onRevenueTransfer", lotus.id, 1, b32("welfare"), 1_500,
        day_number(fresh.today()), b"",
    )  # fmt: skip
    assert _same(args["caller"], fresh.outsider.address)


def test_setFeeTerms_needsTheOwnersApprovalOfExactlyTheseTerms(
    fresh: Ledger, tb: TimeBankHarness, lotus: Community
) -> None:
    committee = lotus.people["committee"]
    args = (b32("welfare"), RATE, CAP_HOLDER, CAP_TOTAL, 3)
    action = tb.call("feeTermsActionHash", lotus.id, *args)[0]
    seq = tb.seq(lotus)
    tb.rejects("GovernanceApprovalRequired", committee, "setFeeTerms", lotus.id, seq, *args)
    # approved for other terms (a higher rate): not these
    approve_action(fresh, lotus, tb.call("feeTermsActionHash", lotus.id, b32("welfare"), RATE * 2, CAP_HOLDER,
                                         CAP_TOTAL, 3)[0])  # fmt: skip
    tb.rejects("GovernanceApprovalRequired", committee, "setFeeTerms", lotus.id, seq, *args)
    # approved by the committee alone: the owners have not voted
    pid = approve_action(fresh, lotus, action, owners_vote=False)
    err = tb.rejects("TimeBankFeeTermsNeedOwners", committee, "setFeeTerms", lotus.id, seq, *args)
    assert err["proposalId"] == pid
    assert tb.call("feeTerms", lotus.id)[1] == 0 and tb.seq(lotus) == seq
    # terms the owners voted for (a half-year period) are set, and their approval is used once
    voted = (b32("welfare"), RATE, CAP_HOLDER, CAP_TOTAL, 6)
    pid = approve_action(fresh, lotus, tb.call("feeTermsActionHash", lotus.id, *voted)[0])
    [ev] = tb.logs(tb.send(committee, "setFeeTerms", lotus.id, seq, *voted), "FeeTermsSet")
    assert ev["proposalId"] == pid and ev["periodMonths"] == 6
    assert tb.call("feeTerms", lotus.id)[1:] == (RATE, CAP_HOLDER, CAP_TOTAL, 6)
    tb.rejects("GovernanceProposalClosed", committee, "setFeeTerms", lotus.id, tb.seq(lotus), *voted)


def test_setFeeTerms_withoutGovernance_isTheCommitteeRoleAlone_andValidated(
    fresh: Ledger, tb: TimeBankHarness, lotus: Community
) -> None:
    fresh.send(fresh.operator, "TimeBank", "setGovernance", "0x" + "00" * 20)
    assert int(tb.call("governance")[0], 16) == 0
    coord, committee = tb.coordinator(lotus), lotus.people["committee"]
    tb.rejects(
        "AccessMissingRole", coord, "setFeeTerms", lotus.id, tb.seq(lotus), b32("welfare"), RATE, 1, 1, 3
    )
    for bad in (
        (b32("welfare"), RATE, 1, 1, 2),  # a two-month period
        (b"\0" * 32, RATE, 1, 1, 3),  # no bucket
        (b32("welfare"), RATE, 0, 1, 3),  # no cap
        (b32("welfare"), 2**53, 1, 1, 3),  # rate out of range
        (b"\0" * 32, 0, 1, 2**64 - 1, 0),  # terms withdrawn (rate 0), but a cap no statement can show
        (b"\0" * 32, 0, 2**53, 0, 0),
    ):
        tb.rejects("TimeBankInvalidFeeTerms", committee, "setFeeTerms", lotus.id, tb.seq(lotus), *bad)
    assert tb.call("feeTerms", lotus.id)[1] == 0
    [ev] = tb.logs(
        tb.send(committee, "setFeeTerms", lotus.id, tb.seq(lotus), b32("welfare"), RATE, 1, 1, 3),
        "FeeTermsSet",
    )
    assert ev["proposalId"] == 0


# -- an ERC-1271 contract wallet as beneficiary and as holder -----------------------------------------


def _compile_wallet() -> tuple[list[dict[str, Any]], str]:
    source = "tests/contracts/wallet/TestWallet.sol"
    settings = compiler_settings() | {
        "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
    }
    out = json.loads(
        _run_node(
            [],
            json.dumps(
                {
                    "language": "Solidity",
                    "sources": {source: {"content": (PROJECT_ROOT / source).read_text(encoding="utf-8")}},
                    "settings": settings,
                }
            ),
        )
    )
    errors = [e["formattedMessage"] for e in out.get("errors", []) if e["severity"] == "error"]
    assert not errors, errors
    c = out["contracts"][source]["TestWallet"]
    return c["abi"], c["evm"]["bytecode"]["object"]


@pytest.fixture(scope="module")
def wallet_code() -> tuple[list[dict[str, Any]], str]:
    return _compile_wallet()


def _deploy_wallet(led: Ledger, code: tuple[list[dict[str, Any]], str], owner: str) -> str:
    from eth_abi import encode

    data = bytes.fromhex(code[1]) + encode(["address"], [owner])
    signed = led.sender.build_and_sign(led.operator, None, data, gas=1_000_000)
    led.sender.send_raw(signed)
    [receipt] = led.sender.wait([signed.hash])
    assert receipt["status"] == "0x1"
    return to_checksum_address(receipt["contractAddress"])


def test_erc1271Wallet_attestsAsBeneficiary_andSignsAsHolder(
    fresh: Ledger, tb: TimeBankHarness, lotus: Community, wallet_code: tuple[list[dict[str, Any]], str]
) -> None:
    owner, other, v = person("wallet-owner"), person("wallet-other"), person("wallet-v")
    wallet = _deploy_wallet(fresh, wallet_code, owner.address)
    assert fresh.w3.eth.get_code(to_checksum_address(wallet))
    r = tb.record(301, v.address, wallet, 90)
    coord, forged = tb.coordinator(lotus), tb.sign_record(other, lotus, r)
    refused = tb.rejects(
        "TimeBankUnauthorizedSigner", coord, "mintAttested", lotus.id, tb.seq(lotus), r.as_abi(), forged
    )
    assert _same(refused["holder"], wallet)
    [ev] = tb.logs(tb.mint_signed(lotus, r, owner), "ServiceMinted")
    assert _same(ev["attester"], wallet) and ev["bySignature"] is True and tb.balance(lotus, v.address) == 90
    # the wallet as a holder: its owner's signature redeems the wallet's minutes
    tb.coord(lotus, "reward", wallet, 120, b16("event_helper"))
    tb.set_item(lotus, item_id("wallet-haircut"), "haircut", 60)
    [red] = tb.logs(tb.redeem(lotus, wallet, owner, item_id("wallet-haircut"), 1, 60), "Redeemed")
    assert _same(red["holder"], wallet) and int(red["proxy"], 16) == 0 and tb.balance(lotus, wallet) == 60
